package io.higressj.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Standalone mode's status store: the status the Gateway API translator computed for an object is written
 * into the object's own YAML file, as a top-level {@code status:} block of its document (the rest of the
 * file, comments included, is left as it is). A condition keeps its {@code lastTransitionTime} while its
 * status does not change.
 *
 * <p>No reload loop: the file change is read back like any change, the status does not change the
 * translation, and an object whose file already holds the status is not written again. No lost edit: the
 * status is only written when the file still holds the generation it describes, and only if the file did
 * not change while the new text was prepared. A file deleted meanwhile stays deleted.
 */
final class StatusWriter {
  private static final System.Logger LOG = System.getLogger("io.higressj.config");
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build();

  private final Clock clock;

  StatusWriter(Clock clock) {
    this.clock = clock;
  }

  /** Writes every status that differs from the one its object's file holds. */
  void write(ResourceSet set, Map<ResourceKey, ObjectNode> statuses) {
    for (Map.Entry<ResourceKey, ObjectNode> e : statuses.entrySet()) {
      Resource r = set.resources().get(e.getKey());
      if (r == null) continue;
      JsonNode old = r.body().get("status");
      long generation = r.metadata().path("generation").asLong(1);
      try {
        // as the file would hold it (numbers read back as YAML reads them)
        JsonNode status = YAML.readTree(YAML.writeValueAsString(withTransitionTimes(e.getValue(), old)));
        if (status.equals(old)) continue;
        writeInto(Path.of(r.origin()), r.key(), generation, status);
      } catch (IOException | RuntimeException ex) {
        LOG.log(System.Logger.Level.WARNING, r.describe() + ": cannot write its status to " + r.origin() + ": " + ex);
      }
    }
  }

  /** {@code status} with each condition's {@code lastTransitionTime}: the old one when its status is unchanged, else now. */
  ObjectNode withTransitionTimes(ObjectNode status, JsonNode old) {
    ObjectNode out = status.deepCopy();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    stamp(out.path("conditions"), old == null ? null : old.path("conditions"), now);
    JsonNode ls = out.path("listeners");
    for (int i = 0; i < ls.size(); i++) {
      JsonNode before = old == null ? null : find(old.path("listeners"), "name", ls.get(i).path("name").asText());
      stamp(ls.get(i).path("conditions"), before == null ? null : before.path("conditions"), now);
    }
    JsonNode ps = out.path("parents");
    for (int i = 0; i < ps.size(); i++) {
      JsonNode before = null;
      if (old != null) {
        for (JsonNode p : old.path("parents")) {
          if (p.path("parentRef").equals(ps.get(i).path("parentRef"))) before = p;
        }
      }
      stamp(ps.get(i).path("conditions"), before == null ? null : before.path("conditions"), now);
    }
    return out;
  }

  private static void stamp(JsonNode conditions, JsonNode old, String now) {
    if (!(conditions instanceof ArrayNode list)) return;
    for (JsonNode c : list) {
      JsonNode before = old == null ? null : find(old, "type", c.path("type").asText());
      String time = before != null && before.path("status").equals(c.path("status")) && before.path("lastTransitionTime").isTextual()
          ? before.path("lastTransitionTime").asText() : now;
      ((ObjectNode) c).put("lastTransitionTime", time);
    }
  }

  private static JsonNode find(JsonNode list, String field, String value) {
    for (JsonNode n : list) {
      if (n.path(field).asText().equals(value)) return n;
    }
    return null;
  }

  private void writeInto(Path file, ResourceKey key, long generation, JsonNode status) throws IOException {
    // Written in place through a channel opened without CREATE, never by a rename over the file: a rename
    // would bring back a file deleted between our last look and the rename (a deleted Gateway would
    // keep serving), replace a symbolic link by a copy and reset the file's mode and owner. A file
    // deleted or renamed away after the open takes our write with it, unseen.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      byte[] before = readAll(ch);
      String text = new String(before, StandardCharsets.UTF_8);
      List<String> docs = splitDocuments(text);
      StringBuilder out = new StringBuilder();
      boolean found = false;
      for (int i = 0; i < docs.size(); i++) {
        String doc = docs.get(i);
        if (!found && isObject(doc, key, generation)) {
          doc = replaceStatus(doc, YAML.writeValueAsString(YAML.createObjectNode().set("status", status)));
          found = true;
        }
        out.append(doc);
      }
      String updated = out.toString();
      if (!found || updated.equals(text)) return; // changed meanwhile (another generation, or gone), or nothing to do
      byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
      byte[] after = padded(bytes, before.length);
      beforeWrite.run();
      if (!java.util.Arrays.equals(before, readAll(ch))) return; // edited while we prepared ours
      // one write of at least the old length, then the cut: whoever reads the file meanwhile reads the
      // old text, or the new one followed by a comment that pads it to the old length
      ByteBuffer buf = ByteBuffer.wrap(after);
      long at = 0;
      while (buf.hasRemaining()) at += ch.write(buf, at);
      if (bytes.length < after.length) ch.truncate(bytes.length);
    }
  }

  /** Test seam: runs after the new text is prepared, just before the file is checked and written. */
  Runnable beforeWrite = () -> {};

  private static byte[] readAll(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size > Integer.MAX_VALUE - 16) throw new IOException("file too large: " + size + " bytes");
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    long at = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) break; // shortened meanwhile: what we got differs from what we read before
      at += n;
    }
    return java.util.Arrays.copyOf(buf.array(), buf.position());
  }

  /**
   * The YAML text {@code b}, padded to {@code length} bytes (when shorter) with a comment: the YAML means
   * the same with or without it.
   */
  static byte[] padded(byte[] b, int length) {
    int pad = length - b.length;
    if (pad <= 0) return b;
    byte[] out = java.util.Arrays.copyOf(b, length);
    java.util.Arrays.fill(out, b.length, length, (byte) ' ');
    boolean lineStart = b.length == 0 || b[b.length - 1] == '\n';
    if (lineStart) out[b.length] = '#'; // a comment line
    else if (pad >= 2) out[b.length + 1] = '#'; // " #": a comment after the last value
    return out;
  }

  /** The documents of a file, each with its separator line, so that joining them gives the text back. */
  static List<String> splitDocuments(String text) {
    List<String> docs = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("(?<=\n)")) {
      if (line.startsWith("---") && line.substring(3).isBlank() && !cur.isEmpty()) {
        docs.add(cur.toString());
        cur.setLength(0);
      }
      cur.append(line);
    }
    if (!cur.isEmpty()) docs.add(cur.toString());
    return docs;
  }

  private static boolean isObject(String doc, ResourceKey key, long generation) {
    JsonNode n;
    try {
      n = YAML.readTree(doc.startsWith("---") ? doc.substring(doc.indexOf('\n') + 1) : doc);
    } catch (IOException e) {
      return false;
    }
    if (n == null || !n.isObject()) return false;
    ResourceKey k = ResourceKey.of(n.path("apiVersion").asText(), n.path("kind").asText(),
        n.path("metadata").path("namespace").asText(""), n.path("metadata").path("name").asText());
    return k.equals(key) && n.path("metadata").path("generation").asLong(1) == generation;
  }

  /** The document without its top-level {@code status:} block, then {@code statusYaml}. */
  static String replaceStatus(String doc, String statusYaml) {
    StringBuilder kept = new StringBuilder();
    boolean skipping = false;
    for (String line : doc.split("(?<=\n)", -1)) {
      if (line.isEmpty()) continue;
      boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.charAt(0) != '#';
      if (topLevel) skipping = line.startsWith("status:");
      if (!skipping) kept.append(line);
    }
    if (kept.length() > 0 && kept.charAt(kept.length() - 1) != '\n') kept.append('\n');
    return kept + statusYaml;
  }
}
