/**
 * Higress's {@code traffic-tag}: adds a tag header to requests by conditions on their headers, query
 * parameters and cookies, or by weight, for gray releases that route on the tag.
 */
package io.higressj.plugins.traffictag;
