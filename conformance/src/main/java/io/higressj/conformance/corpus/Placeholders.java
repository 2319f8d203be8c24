package io.higressj.conformance.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/** Literal placeholder replacement in the text values (not the keys) of a tree. */
public final class Placeholders {
  private Placeholders() {}

  /** A copy of {@code node} with each key of {@code replacements} replaced by its value in every text value. */
  public static JsonNode substitute(JsonNode node, Map<String, String> replacements) {
    if (node.isTextual()) return TextNode.valueOf(replace(node.asText(), replacements));
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        copy.set(e.getKey(), substitute(e.getValue(), replacements));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      for (JsonNode n : node) copy.add(substitute(n, replacements));
      return copy;
    }
    return node;
  }

  public static String replace(String text, Map<String, String> replacements) {
    String out = text;
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      if (out.contains(r.getKey())) out = out.replace(r.getKey(), r.getValue());
    }
    return out;
  }

  /** Whether any text value of {@code node} contains one of {@code placeholders}. */
  public static boolean contains(JsonNode node, Collection<String> placeholders) {
    if (node.isTextual()) {
      for (String p : placeholders) {
        if (node.asText().contains(p)) return true;
      }
      return false;
    }
    for (JsonNode n : node) {
      if (contains(n, placeholders)) return true;
    }
    return false;
  }
}
