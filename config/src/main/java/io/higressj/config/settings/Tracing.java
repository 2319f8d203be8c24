package io.higressj.config.settings;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Distributed tracing ({@code higress-config}, key {@code higress}, field {@code tracing}). Accepted and
 * validated; the data plane does not trace yet ({@code docs/configmaps.md}).
 *
 * @param enable trace requests
 * @param sampling percentage of requests traced, 0 to 100
 * @param timeout timeout of calls to the collector
 * @param tracer where spans go; null when none is configured (then {@code enable} is false)
 */
public record Tracing(boolean enable, double sampling, Duration timeout, Tracer tracer) {
  public static final Tracing DEFAULT = new Tracing(false, 100.0, Duration.ofMillis(500), null);

  public Tracing {
    if (!(sampling >= 0 && sampling <= 100)) throw new IllegalArgumentException("sampling: " + sampling + " (expected: 0 to 100)");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    if (enable && tracer == null) throw new IllegalArgumentException("tracer: missing (expected: one tracer when enabled)");
  }

  /** The collector kinds Higress knows, by their field names. */
  public enum Kind {
    SKYWALKING("skywalking"), ZIPKIN("zipkin"), OPENTELEMETRY("opentelemetry");

    private final String field;

    Kind(String field) {
      this.field = field;
    }

    /** The field name in the ConfigMap. */
    public String field() {
      return field;
    }
  }

  /**
   * A collector.
   *
   * @param kind its protocol
   * @param service its host name, e.g. {@code skywalking-oap-server.op-system.svc.cluster.local}
   * @param port its port
   * @param accessToken SkyWalking's {@code access_token}; empty when not set
   */
  public record Tracer(Kind kind, String service, int port, String accessToken) {
    public Tracer {
      requireNonNull(kind, "kind");
      requireNonNull(service, "service");
      if (service.isEmpty()) throw new IllegalArgumentException("service: \"\" (expected: a host name)");
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
      requireNonNull(accessToken, "accessToken");
    }

    @Override
    public String toString() { // never print the token
      return "Tracer[" + kind.field() + " " + service + ":" + port + "]";
    }
  }
}
