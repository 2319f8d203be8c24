package io.higressj.plugins.extauth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code ext-auth} configuration.
 *
 * @param forwardAuth {@code endpoint_mode: forward_auth} (else {@code envoy})
 * @param target the callout target (cluster name)
 * @param host the Host header of authorization requests ({@code service_host}, else the service name)
 * @param pathPrefix envoy mode: prepended to the client's path
 * @param method forward_auth mode: the authorization request's method
 * @param path forward_auth mode: the authorization request's path
 * @param allowedHeaders client headers copied to the authorization request; null: none (besides Authorization)
 * @param headersToAdd headers set on the authorization request
 * @param allowedUpstreamHeaders authorization answer headers copied to the upstream request; null: none
 * @param allowedClientHeaders authorization answer headers sent to a rejected client; null: all
 */
record ExtAuthConfig(
    boolean forwardAuth,
    String target,
    String host,
    String pathPrefix,
    String method,
    String path,
    Duration timeout,
    List<StringMatcher> allowedHeaders,
    Map<String, String> headersToAdd,
    boolean withRequestBody,
    int maxRequestBodyBytes,
    List<StringMatcher> allowedUpstreamHeaders,
    List<StringMatcher> allowedClientHeaders,
    MatchRules matchRules,
    boolean failureModeAllow,
    boolean failureModeAllowHeaderAdd,
    int statusOnError) {}
