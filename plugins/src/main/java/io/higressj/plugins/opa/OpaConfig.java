package io.higressj.plugins.opa;

import java.time.Duration;

/**
 * A parsed {@code opa} configuration.
 *
 * @param target the callout target: a cluster name, or an absolute {@code http://host:port} URL
 * @param authority the Host header for the OPA request, or null for the target's own
 * @param policy the policy (package path) queried: {@code /v1/data/<policy>/allow}
 * @param timeout how long to wait for OPA's answer
 */
public record OpaConfig(String target, String authority, String policy, Duration timeout) {
  /** the request target of the decision query */
  String queryPath() {
    return "/v1/data/" + policy + "/allow";
  }
}
