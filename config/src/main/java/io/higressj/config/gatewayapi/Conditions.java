package io.higressj.config.gatewayapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Status conditions as the Gateway API writes them (without {@code lastTransitionTime}: the writer adds it). */
final class Conditions {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ArrayNode list = JSON.arrayNode();
  private final long generation;

  Conditions(long generation) {
    this.generation = generation;
  }

  /** Adds or replaces the condition of that type. */
  Conditions set(String type, boolean status, String reason, String message) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).path("type").asText().equals(type)) {
        list.remove(i);
        break;
      }
    }
    ObjectNode c = list.addObject();
    c.put("type", type);
    c.put("status", status ? "True" : "False");
    c.put("reason", reason);
    c.put("message", message);
    c.put("observedGeneration", generation);
    return this;
  }

  boolean isTrue(String type) {
    for (var c : list) {
      if (c.path("type").asText().equals(type)) return c.path("status").asText().equals("True");
    }
    return false;
  }

  ArrayNode toJson() {
    return list;
  }
}
