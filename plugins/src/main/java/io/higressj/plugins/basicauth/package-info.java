/** Higress's {@code basic-auth}: HTTP Basic credentials ({@code user:password}) per consumer. */
package io.higressj.plugins.basicauth;
