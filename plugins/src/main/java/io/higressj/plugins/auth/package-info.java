/**
 * What the authentication plugins share: reading their configuration (typed fields, errors naming the
 * field), the consumer list with constant-time credential lookup, Higress's global_auth/allow
 * semantics, and the local replies they send.
 */
package io.higressj.plugins.auth;
