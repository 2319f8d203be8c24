package io.higressj.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An echo backend's JSON description of the request it received ({@code echo-server.md} of both
 * corpora), decoded as the upstream Go harness decodes it: a JSON object whose known fields, when
 * present and not null, have the documented types; unknown fields are ignored.
 *
 * @param headers as sent by the backend: canonical names to values, in order
 * @param body the {@code body} field (Higress echo-server), null when absent
 */
public record EchoReply(
    String path,
    String host,
    String method,
    String proto,
    Map<String, List<String>> headers,
    JsonNode body,
    String namespace,
    String ingress,
    String service,
    String pod) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> STRING_FIELDS = List.of("path", "host", "method", "proto", "namespace", "ingress", "service", "pod", "httpPort");

  /** The media type that marks an echo reply: exactly this Content-Type value. */
  public static final String CONTENT_TYPE = "application/json";

  /**
   * Decodes a body.
   *
   * @throws IllegalArgumentException with the reason when it is not an echo reply
   */
  public static EchoReply parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + (root == null ? "empty body" : root.getNodeType().toString().toLowerCase()));
    }
    for (String f : STRING_FIELDS) {
      JsonNode v = root.get(f);
      if (v != null && !v.isNull() && !v.isTextual()) throw new IllegalArgumentException("field " + f + " is a " + kind(v) + " (expected: a string)");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    JsonNode h = root.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) throw new IllegalArgumentException("field headers is a " + kind(h) + " (expected: an object)");
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<String> values = new ArrayList<>();
        JsonNode v = e.getValue();
        if (v.isArray()) {
          for (JsonNode x : v) {
            if (!x.isTextual()) throw new IllegalArgumentException("headers." + e.getKey() + " holds a " + kind(x) + " (expected: strings)");
            values.add(x.asText());
          }
        } else if (!v.isNull()) {
          throw new IllegalArgumentException("headers." + e.getKey() + " is a " + kind(v) + " (expected: a list of strings)");
        }
        headers.put(e.getKey(), List.copyOf(values));
      }
    }
    JsonNode b = root.get("body");
    return new EchoReply(text(root, "path"), text(root, "host"), text(root, "method"), text(root, "proto"),
        java.util.Collections.unmodifiableMap(headers), b == null || b.isNull() ? null : b, text(root, "namespace"),
        text(root, "ingress"), text(root, "service"), text(root, "pod"));
  }

  /** Every value of every header whose name equals {@code name} ignoring case; null when none. */
  public List<String> header(String name) {
    List<String> out = null;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        if (out == null) out = new ArrayList<>();
        out.addAll(e.getValue());
      }
    }
    return out;
  }

  private static String text(JsonNode root, String field) {
    JsonNode v = root.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().toString().toLowerCase();
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
