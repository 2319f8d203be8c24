package io.higressj.conformance.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.corpus.Case;
import io.higressj.conformance.corpus.CaseSpec;
import io.higressj.testing.redis.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The external services a case may require ({@code requires.services}), started on first use and
 * kept for the run. A case declares each one's Service in its manifests (upstream a Deployment runs
 * it); the runner adds an {@code Endpoints} object per such Service pointing every port at its local
 * process. Today: {@code redis}, a real {@code redis-server} on a free port (flushed before each case).
 */
public final class ExternalServices implements AutoCloseable {
  private static final String ADDRESS = "127.0.0.1";
  private RedisServer redis;

  /** The Endpoints objects for the case's required services (starting them when needed). */
  public List<ObjectNode> endpointsFor(Case c) {
    List<ObjectNode> out = new ArrayList<>();
    for (CaseSpec.ServiceRequirement s : c.spec().requires().services()) {
      if (!s.name().equals("redis")) continue;
      int port = redis();
      for (ObjectNode o : c.objects()) {
        if (!o.path("kind").asText().equals("Service") || !o.path("apiVersion").asText().equals("v1")) continue;
        if (!o.path("metadata").path("name").asText().equals(s.name())) continue;
        out.add(endpoints(o, port));
      }
    }
    return out;
  }

  private synchronized int redis() {
    if (redis == null) {
      if (RedisServer.executable() == null) {
        throw new IllegalStateException("service redis needs redis-server on the PATH (apt-get install redis-server)");
      }
      try {
        redis = RedisServer.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start redis-server: " + e.getMessage(), e);
      }
    }
    try {
      redis.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server does not answer: " + e.getMessage(), e);
    }
    return redis.port();
  }

  private static ObjectNode endpoints(ObjectNode service, int target) {
    ObjectNode eps = JsonNodeFactory.instance.objectNode();
    eps.put("apiVersion", "v1").put("kind", "Endpoints");
    eps.putObject("metadata").put("name", service.path("metadata").path("name").asText())
        .put("namespace", service.path("metadata").path("namespace").asText("default"));
    ObjectNode subset = eps.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", ADDRESS);
    ArrayNode ports = subset.putArray("ports");
    for (JsonNode p : service.path("spec").path("ports")) {
      ObjectNode port = ports.addObject().put("port", target).put("protocol", "TCP");
      if (p.hasNonNull("name")) port.put("name", p.get("name").asText());
    }
    return eps;
  }

  @Override
  public synchronized void close() {
    if (redis != null) redis.close();
    redis = null;
  }
}
