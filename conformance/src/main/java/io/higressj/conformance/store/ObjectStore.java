package io.higressj.conformance.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The objects the gateway should see, each in its own file {@code <root>/<plural>/<namespace>-<name>.yaml}
 * ({@code <plural>/<name>.yaml} for cluster-scoped kinds). Files are written atomically: a hidden
 * temporary file in the same directory, then a rename. Thread-safe.
 */
public final class ObjectStore {
  /** The label Kubernetes puts on every Namespace (Gateway API selectors rely on it). */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  private static final int MAX_FILE_NAME = 180;
  private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build());

  private final Path root;
  private final Clock clock;
  private final Map<ObjectKey, ObjectNode> objects = new LinkedHashMap<>();
  private final Map<ObjectKey, Path> files = new HashMap<>();
  private final Map<Path, ObjectKey> owners = new HashMap<>();
  private long changes;

  public ObjectStore(Path root, Clock clock) {
    this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
    this.clock = requireNonNull(clock, "clock");
  }

  public Path root() {
    return root;
  }

  /** Counts the changes written so far: an apply that leaves an object as it was is not one. */
  public synchronized long changes() {
    return changes;
  }

  /**
   * Creates or replaces the object as {@code kubectl apply} would, with the fields the API server
   * maintains: {@code metadata.namespace} (default {@code default}), {@code creationTimestamp}
   * (kept on replace), {@code generation} (1 on create, +1 when {@code spec} changes; only for
   * objects with a spec), and the name label of a Namespace.
   *
   * @return the stored object
   */
  public synchronized ObjectNode apply(ObjectNode document) {
    ObjectNode object = document.deepCopy();
    ObjectKey key = ObjectKey.of(object);
    ObjectNode metadata = object.with("metadata");
    if (!key.namespace().isEmpty()) metadata.put("namespace", key.namespace());
    else metadata.remove("namespace");
    ObjectNode old = objects.get(key);
    if (old != null) {
      JsonNode created = old.path("metadata").get("creationTimestamp");
      if (created != null) metadata.set("creationTimestamp", created);
      if (object.has("spec")) {
        long generation = old.path("metadata").path("generation").asLong(1);
        if (!object.path("spec").equals(old.path("spec"))) generation++;
        metadata.put("generation", generation);
      }
    } else {
      metadata.put("creationTimestamp", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
      if (object.has("spec")) metadata.put("generation", 1);
    }
    if (key.kind().equals("Namespace") && key.group().isEmpty()) {
      metadata.with("labels").put(NAMESPACE_NAME_LABEL, key.name());
    }
    if (key.kind().equals("Secret") && key.group().isEmpty()) foldStringData(object);
    put(key, object);
    return object.deepCopy();
  }

  /** The API server stores {@code stringData} entries as base64 {@code data} (they win over {@code data}). */
  static void foldStringData(ObjectNode secret) {
    JsonNode stringData = secret.remove("stringData");
    if (stringData == null || !stringData.isObject()) return;
    ObjectNode data = secret.with("data");
    stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
        java.util.Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
  }

  /** Applies an RFC 7386 merge patch to a stored object; its generation increases when the spec changes. */
  public synchronized ObjectNode mergePatch(ObjectKey key, JsonNode patch) {
    ObjectNode old = objects.get(key);
    if (old == null) throw new IllegalStateException(key + ": not found");
    ObjectNode patched = (ObjectNode) MergePatch.apply(old, patch);
    ObjectNode metadata = patched.with("metadata");
    // identity and server-owned fields are not the patch's to change
    metadata.set("name", old.path("metadata").path("name"));
    if (!key.namespace().isEmpty()) metadata.put("namespace", key.namespace());
    return apply(patched);
  }

  /** @return whether the object existed */
  public synchronized boolean delete(ObjectKey key) {
    ObjectNode old = objects.remove(key);
    if (old == null) return false;
    changes++;
    Path file = files.remove(key);
    owners.remove(file);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
    return true;
  }

  public synchronized Optional<ObjectNode> get(ObjectKey key) {
    ObjectNode o = objects.get(key);
    return o == null ? Optional.empty() : Optional.of(o.deepCopy());
  }

  /**
   * The stored object of that kind, namespace and name; {@code group} null matches any group (the
   * corpus sometimes names an object without its apiVersion).
   */
  public synchronized Optional<ObjectKey> find(String group, String kind, String namespace, String name) {
    String ns = ObjectKey.clusterScoped(kind) ? "" : (namespace == null || namespace.isEmpty() ? ObjectKey.DEFAULT_NAMESPACE : namespace);
    for (ObjectKey k : objects.keySet()) {
      if (k.kind().equals(kind) && k.namespace().equals(ns) && k.name().equals(name) && (group == null || k.group().equals(group))) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** Copies of the stored objects of a kind in a namespace ({@code group} null: any group). */
  public synchronized List<ObjectNode> list(String group, String kind, String namespace) {
    List<ObjectNode> out = new ArrayList<>();
    objects.forEach((k, v) -> {
      if (k.kind().equals(kind) && k.namespace().equals(namespace) && (group == null || k.group().equals(group))) out.add(v.deepCopy());
    });
    return out;
  }

  /** A copy of every stored object, in insertion order. */
  public synchronized Map<ObjectKey, ObjectNode> snapshot() {
    Map<ObjectKey, ObjectNode> copy = new LinkedHashMap<>();
    objects.forEach((k, v) -> copy.put(k, v.deepCopy()));
    return copy;
  }

  /**
   * Makes the store hold exactly {@code snapshot} again: objects not in it are deleted, changed ones
   * written back as they were (metadata included).
   *
   * @return whether anything changed
   */
  public synchronized boolean restore(Map<ObjectKey, ObjectNode> snapshot) {
    boolean changed = false;
    for (ObjectKey k : new ArrayList<>(objects.keySet())) {
      if (!snapshot.containsKey(k)) changed |= delete(k);
    }
    for (Map.Entry<ObjectKey, ObjectNode> e : snapshot.entrySet()) {
      if (!e.getValue().equals(objects.get(e.getKey()))) {
        put(e.getKey(), e.getValue().deepCopy());
        changed = true;
      }
    }
    return changed;
  }

  private void put(ObjectKey key, ObjectNode object) {
    if (object.equals(objects.get(key))) return;
    changes++;
    Path file = files.get(key);
    if (file == null) {
      file = fileFor(key);
      files.put(key, file);
      owners.put(file, key);
    }
    objects.put(key, object);
    write(file, object);
  }

  private Path fileFor(ObjectKey key) {
    Path dir = root.resolve(plural(key.kind()));
    String base = (key.namespace().isEmpty() ? "" : key.namespace() + "-") + key.name();
    base = base.replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.length() > MAX_FILE_NAME || base.startsWith(".")) base = base.substring(0, Math.min(base.length(), 100)) + "-" + hash(key.toString());
    Path file = dir.resolve(base + ".yaml");
    if (owners.containsKey(file)) file = dir.resolve(base + "-" + hash(key.toString()) + ".yaml");
    return file;
  }

  /** {@code Ingress} → {@code ingresses}, {@code Endpoints} → {@code endpoints}, {@code Policy} → {@code policies}. */
  static String plural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.endsWith("s") && !k.endsWith("ss")) return k;
    if (k.endsWith("ss") || k.endsWith("x") || k.endsWith("ch") || k.endsWith("sh")) return k + "es";
    if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) return k.substring(0, k.length() - 1) + "ies";
    return k + "s";
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, ObjectNode object) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      Files.writeString(tmp, YAML.writeValueAsString(object), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
