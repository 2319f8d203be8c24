/**
 * Higress's {@code geo-ip}: looks the client address up in an ip2region database (xdb or text) and
 * hands country, province, city and ISP to later plugins as request properties ({@code geo-country}
 * ...) and to the upstream as {@code X-Higress-Geo-*} request headers.
 */
package io.higressj.plugins.geoip;
