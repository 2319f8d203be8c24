/**
 * The comparison rules of FORMAT.md section 7 (both corpora): which checks apply for the status
 * received, what an echo reply is, how headers, bodies, JSON and redirect targets are compared.
 * Every failure is a sentence with the expected and the received value, e.g.
 * {@code expected status 200, received 404}. Pure functions; no I/O.
 */
package io.higressj.conformance.check;
