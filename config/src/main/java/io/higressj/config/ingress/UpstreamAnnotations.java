package io.higressj.config.ingress;

import io.higressj.config.model.LoadBalancer;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code backend-protocol}: how the gateway talks to the Services an Ingress names. As in Higress it is
 * a Service-wide setting: every route to the Service uses it; when Ingresses disagree, the oldest one
 * that sets it wins (see {@link IngressTranslator}).
 */
final class UpstreamAnnotations {
  private UpstreamAnnotations() {}

  /** The full key a shared annotation is given under (nginx first), or null. */
  private static String key(Resource r, String name) {
    return IngressAnnotations.keyOf(r, name);
  }

  private static void invalid(Resource r, List<Problem> problems, String key, String v, String expected) {
    problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]",
        "\"" + v + "\" (expected: " + expected + "); annotation ignored"));
  }

  /**
   * The load balancing the Ingress asks for (Service scope, like backend-protocol), or null. Cookie
   * affinity ({@code affinity: cookie} or a {@code session-cookie-*} key) wins over {@code
   * upstream-hash-by}, which wins over {@code load-balance}.
   */
  static LoadBalancer loadBalancer(Resource r, List<Problem> problems) {
    String affinity = key(r, "affinity");
    String cookieName = key(r, "session-cookie-name");
    String cookiePath = key(r, "session-cookie-path");
    if (affinity != null || cookieName != null || cookiePath != null) {
      if (affinity != null && !r.annotation(affinity).trim().equalsIgnoreCase("cookie")) {
        invalid(r, problems, affinity, r.annotation(affinity), "cookie");
      } else {
        String name = cookieName == null ? "INGRESSCOOKIE" : r.annotation(cookieName).trim();
        String path = cookiePath == null ? "/" : r.annotation(cookiePath).trim();
        if (!IngressAnnotations.HeaderNames.valid(name) || name.indexOf('=') >= 0) {
          invalid(r, problems, cookieName, name, "a cookie name");
          name = "INGRESSCOOKIE";
        }
        if (!path.startsWith("/") || IngressAnnotations.containsAny(path, " ;,\t")) {
          invalid(r, problems, cookiePath, path, "a path starting with /");
          path = "/";
        }
        long ttl = 0;
        for (String k : new String[] {key(r, "session-cookie-max-age"), key(r, "session-cookie-expires")}) {
          if (k == null) continue;
          String v = r.annotation(k).trim();
          try {
            ttl = Long.parseLong(v);
            if (ttl < 0) throw new NumberFormatException();
            break;
          } catch (NumberFormatException e) {
            invalid(r, problems, k, v, "a number of seconds >= 0");
            ttl = 0;
          }
        }
        return LoadBalancer.cookie(name, path, Duration.ofSeconds(ttl));
      }
    }
    String hashBy = key(r, "upstream-hash-by");
    if (hashBy != null) {
      String v = r.annotation(hashBy).trim();
      LoadBalancer lb = switch (v) {
        case "$request_uri" -> LoadBalancer.hash(LoadBalancer.HashOn.PATH, null);
        case "$host" -> LoadBalancer.hash(LoadBalancer.HashOn.HOST, null);
        case "$remote_addr" -> LoadBalancer.hash(LoadBalancer.HashOn.SOURCE_IP, null);
        default -> {
          if (v.startsWith("$http_") && v.length() > 6) {
            // nginx's variable: $http_x_user is the X-User header
            yield LoadBalancer.hash(LoadBalancer.HashOn.HEADER, v.substring(6).replace('_', '-').toLowerCase(Locale.ROOT));
          }
          if (v.startsWith("$arg_") && v.length() > 5) yield LoadBalancer.hash(LoadBalancer.HashOn.QUERY, v.substring(5));
          yield null;
        }
      };
      if (lb != null) return lb;
      invalid(r, problems, hashBy, v, "$request_uri, $host, $remote_addr, $http_<header> or $arg_<parameter>");
    }
    String balance = key(r, "load-balance");
    if (balance != null) {
      String v = r.annotation(balance).trim();
      switch (v.toLowerCase(Locale.ROOT)) {
        case "round_robin" -> {
          return LoadBalancer.ROUND_ROBIN;
        }
        case "least_conn", "least_request" -> {
          return LoadBalancer.simple(LoadBalancer.Kind.LEAST_REQUEST);
        }
        case "random" -> {
          return LoadBalancer.simple(LoadBalancer.Kind.RANDOM);
        }
        default -> invalid(r, problems, balance, v, "round_robin, least_conn or random");
      }
    }
    return null;
  }

  /**
   * Where {@code mirror-target-*} sends copies: a Service ({@code [namespace/]name[:port]}; no port: its
   * first) or a host name with {@code mirror-target-fqdn-port} (default 80); percentage 0..100.
   */
  record MirrorTarget(String namespace, String service, int port, String fqdn, double percentage, String field) {}

  /** One line of {@code higress.io/destination}: a share of the traffic to a Service port (0: its first). */
  record DestinationTarget(int weight, String namespace, String service, int port) {}

  /**
   * {@code higress.io/destination} (Higress only): lines of {@code [weight%] host[:port] [subset]}, weight 100
   * when absent, weights adding up to 100. Hosts that name a Kubernetes Service ({@code name.namespace.svc
   * .cluster.local}, {@code name.namespace.svc}) are served; registry names ({@code .dns}, {@code .static},
   * {@code .nacos} ...) need McpBridge, which is not supported yet. Anything wrong is reported and the
   * annotation ignored (as Higress ignores it), so the routes keep their own backends.
   */
  static List<DestinationTarget> destination(Resource r, List<Problem> problems) {
    String key = IngressAnnotations.HIGRESS + "destination";
    String value = r.annotation(key);
    if (value == null) return null;
    String field = "metadata.annotations[\"" + key + "\"]";
    List<DestinationTarget> targets = new java.util.ArrayList<>();
    int sum = 0;
    for (String line : value.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 0 || parts[0].isEmpty()) continue;
      int i = 0;
      int weight = 100;
      if (parts[0].endsWith("%")) {
        try {
          weight = Integer.parseInt(parts[0].substring(0, parts[0].length() - 1));
          if (weight < 0 || weight > 100) throw new NumberFormatException();
        } catch (NumberFormatException e) {
          return ignoredDestination(r, problems, field, "\"" + parts[0] + "\" is not a weight (expected: 0% to 100%)");
        }
        i = 1;
      }
      if (parts.length <= i) return ignoredDestination(r, problems, field, "\"" + line.trim() + "\" has no address");
      if (parts.length > i + 2) {
        return ignoredDestination(r, problems, field, "\"" + line.trim() + "\" (expected: [weight%] host[:port] [subset])");
      }
      if (parts.length == i + 2) {
        problems.add(Problem.warning(r, field, "subset \"" + parts[i + 1] + "\" needs a DestinationRule, which the"
            + " gateway does not read; all of the Service's endpoints are used"));
      }
      String address = parts[i];
      String host = address;
      int port = 0;
      int colon = address.lastIndexOf(':');
      if (colon >= 0) {
        host = address.substring(0, colon);
        try {
          port = Integer.parseInt(address.substring(colon + 1));
          if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
          return ignoredDestination(r, problems, field, "\"" + address + "\" has an invalid port (expected: 1 to 65535)");
        }
      }
      String h = host.toLowerCase(Locale.ROOT);
      String svcHost = h.endsWith(".svc.cluster.local") ? h.substring(0, h.length() - ".svc.cluster.local".length())
          : h.endsWith(".svc") ? h.substring(0, h.length() - ".svc".length()) : null;
      String[] names = svcHost == null ? new String[0] : svcHost.split("\\.");
      if (names.length != 2 || names[0].isEmpty() || names[1].isEmpty()) {
        return ignoredDestination(r, problems, field, "\"" + host + "\" is not a Kubernetes Service host (expected:"
            + " name.namespace.svc.cluster.local; registry destinations need McpBridge, not supported yet)");
      }
      sum += weight;
      targets.add(new DestinationTarget(weight, names[1], names[0], port));
    }
    if (targets.isEmpty()) return ignoredDestination(r, problems, field, "no destination (expected: [weight%] host[:port] lines)");
    if (sum != 100) return ignoredDestination(r, problems, field, "weights add up to " + sum + " (expected: 100)");
    return List.copyOf(targets);
  }

  private static List<DestinationTarget> ignoredDestination(Resource r, List<Problem> problems, String field, String why) {
    problems.add(Problem.warning(r, field, why + "; annotation ignored"));
    return null;
  }

  static MirrorTarget mirror(Resource r, List<Problem> problems) {
    String fqdnKey = key(r, "mirror-target-fqdn");
    String svcKey = key(r, "mirror-target-service");
    if (fqdnKey == null && svcKey == null) return null;
    double pct = 100;
    String pk = key(r, "mirror-percentage");
    if (pk != null) {
      String v = r.annotation(pk).trim();
      try {
        int p = Integer.parseInt(v);
        if (p < 0) throw new NumberFormatException();
        pct = Math.min(100, p);
      } catch (NumberFormatException e) {
        invalid(r, problems, pk, v, "an integer percentage from 0 to 100");
      }
    }
    if (fqdnKey != null) {
      String host = r.annotation(fqdnKey).trim().toLowerCase(Locale.ROOT);
      if (host.isEmpty() || !IngressAnnotations.RequestHost.valid(host) || host.indexOf(':') >= 0) {
        invalid(r, problems, fqdnKey, host, "a host name");
        return null;
      }
      int port = 80;
      String portKey = key(r, "mirror-target-fqdn-port");
      if (portKey != null) {
        String v = r.annotation(portKey).trim();
        try {
          port = Integer.parseInt(v);
          if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
          invalid(r, problems, portKey, v, "a port from 1 to 65535");
          return null;
        }
      }
      return new MirrorTarget(null, null, port, host, pct, "metadata.annotations[\"" + fqdnKey + "\"]");
    }
    String v = r.annotation(svcKey).trim();
    String ns = r.namespace();
    String name = v;
    int port = 0;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      ns = name.substring(0, slash);
      name = name.substring(slash + 1);
    }
    int colon = name.indexOf(':');
    try {
      if (colon >= 0) {
        port = Integer.parseInt(name.substring(colon + 1));
        name = name.substring(0, colon);
        if (port < 1 || port > 65535) throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || name.isEmpty() || ns.isEmpty() || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      invalid(r, problems, svcKey, v, "[namespace/]service[:port]");
      return null;
    }
    return new MirrorTarget(ns, name, port, null, pct, "metadata.annotations[\"" + svcKey + "\"]");
  }

  /** The protocol the Ingress asks for, or null (not set, or invalid: reported). */
  static UpstreamProtocol protocol(Resource r, List<Problem> problems) {
    return protocol(r, problems, null);
  }

  /**
   * backend-protocol with the proxy-ssl-* annotations (TLS towards the Service): {@code proxy-ssl-secret}
   * ({@code [namespace/]name}: tls.crt and tls.key are presented to the backend, ca.crt verifies it),
   * {@code proxy-ssl-verify} (on/off: check the backend's chain), {@code proxy-ssl-name} (the name checked in
   * its certificate and sent as SNI), {@code proxy-ssl-server-name} (on/off: send SNI). They only mean
   * something with HTTPS or GRPCS, and are reported otherwise.
   *
   * @param resources where proxy-ssl-secret's Secret is read; null: not read
   */
  static UpstreamProtocol protocol(Resource r, List<Problem> problems, ResourceSet resources) {
    String key = key(r, "backend-protocol");
    UpstreamProtocol p = null;
    if (key != null) {
      String v = r.annotation(key).trim();
      p = v.isEmpty() ? null : UpstreamProtocol.of(v);
      if (p == null) {
        problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]",
            "\"" + v + "\" (expected: HTTP, HTTP2, HTTPS, GRPC or GRPCS); annotation ignored"));
      }
    }
    String secretKey = key(r, "proxy-ssl-secret");
    String verifyKey = key(r, "proxy-ssl-verify");
    String nameKey = key(r, "proxy-ssl-name");
    String sniKey = key(r, "proxy-ssl-server-name");
    if (secretKey == null && verifyKey == null && nameKey == null && sniKey == null) return p;
    if (p == null || !p.tls()) {
      String first = secretKey != null ? secretKey : verifyKey != null ? verifyKey : nameKey != null ? nameKey : sniKey;
      problems.add(Problem.warning(r, "metadata.annotations[\"" + first + "\"]", "TLS towards the backend is off"
          + " (expected with backend-protocol HTTPS or GRPCS); the proxy-ssl-* annotations are ignored"));
      return p;
    }
    boolean verify = onOff(r, verifyKey, problems);
    boolean sendSni = onOff(r, sniKey, problems);
    String name = null;
    if (nameKey != null) {
      name = r.annotation(nameKey).trim();
      if (name.isEmpty() || !IngressAnnotations.RequestHost.valid(name) || name.indexOf(':') >= 0) {
        invalid(r, problems, nameKey, name, "a host name");
        name = null;
      }
    }
    if (sendSni && name == null) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + sniKey + "\"]", "on without proxy-ssl-name; the"
          + " server name sent is the endpoint's host name when it has one"));
    }
    String ca = null;
    String cert = null;
    String keyPem = null;
    if (secretKey != null && resources != null) {
      String v = r.annotation(secretKey).trim();
      int slash = v.indexOf('/');
      String ns = slash < 0 ? r.namespace() : v.substring(0, slash);
      String n = slash < 0 ? v : v.substring(slash + 1);
      Resource secret = n.isEmpty() ? null : resources.get("", "Secret", ns, n);
      String field = "metadata.annotations[\"" + secretKey + "\"]";
      if (secret == null) {
        problems.add(Problem.warning(r, field, "Secret " + ns + "/" + n + " not found (expected: a Secret with tls.crt"
            + " and tls.key, and ca.crt to verify the backend); no client certificate is presented"));
      } else {
        try {
          cert = TlsSecrets.value(secret, TlsSecrets.CERT);
          keyPem = TlsSecrets.value(secret, TlsSecrets.KEY);
          ca = TlsSecrets.value(secret, "ca.crt");
        } catch (IllegalArgumentException e) {
          problems.add(Problem.warning(r, field, "Secret " + ns + "/" + n + ": " + e.getMessage()
              + "; no client certificate is presented"));
          cert = keyPem = ca = null;
        }
        if ((cert == null) != (keyPem == null)) {
          problems.add(Problem.warning(r, field, "Secret " + ns + "/" + n + " has " + (cert == null ? "tls.key without"
              + " tls.crt" : "tls.crt without tls.key") + "; no client certificate is presented"));
          cert = keyPem = null;
        }
      }
    }
    if (verify && ca == null) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + verifyKey + "\"]", "on without ca.crt in"
          + " proxy-ssl-secret; the backend's certificate is checked against the JVM's trusted CAs"));
    }
    return new UpstreamProtocol(p.http2(), true, name, verify, verify ? ca : null, cert, keyPem);
  }

  /** on (true) or off (false, also when absent; other values are reported) */
  private static boolean onOff(Resource r, String key, List<Problem> problems) {
    if (key == null) return false;
    String v = r.annotation(key).trim();
    if (v.equalsIgnoreCase("on") || v.equalsIgnoreCase("true")) return true;
    if (!v.equalsIgnoreCase("off") && !v.equalsIgnoreCase("false")) invalid(r, problems, key, v, "on or off");
    return false;
  }

  /** The Secret proxy-ssl-secret names, as "namespace/name", or null. */
  static String proxySslSecret(Resource r) {
    String k = key(r, "proxy-ssl-secret");
    if (k == null) return null;
    String v = r.annotation(k).trim();
    return v.indexOf('/') < 0 ? r.namespace() + "/" + v : v;
  }
}
