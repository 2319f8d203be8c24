/**
 * Writes small ip2region databases (xdb structure 2 and 3, and the text source format) for tests of
 * the {@code geo-ip} plugin: the real database is not part of the build.
 */
package io.higressj.testing.geoip;
