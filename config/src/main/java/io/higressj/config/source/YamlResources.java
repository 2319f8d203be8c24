package io.higressj.config.source;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kubernetes-style YAML (one or several {@code ---} separated documents) into {@link Resource}
 * objects, the way {@code kubectl apply -f} reads a file.
 *
 * <ul>
 *   <li>Empty documents (only comments, or nothing between two {@code ---}) are ignored.
 *   <li>A document without {@code apiVersion}, {@code kind} or {@code metadata.name} is skipped with
 *       an ERROR problem naming the document (1-based) and the missing field.
 *   <li>{@code kind: List} documents are expanded into their {@code items}.
 *   <li>The namespace defaults to {@code default}; cluster-scoped kinds always get {@code ""}.
 *   <li>A file that is not valid YAML yields one problem with the parser's line and column, and no
 *       objects at all: half a file is never applied.
 * </ul>
 */
public final class YamlResources {
  /** Kinds that live outside namespaces (a namespace written on them is ignored, as the API server does). */
  static final Set<String> CLUSTER_SCOPED_KINDS = Set.of(
      "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition",
      "ClusterRole", "ClusterRoleBinding", "IngressClass", "GatewayClass", "PriorityClass",
      "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
      "APIService", "CertificateSigningRequest", "ComponentStatus", "FlowSchema",
      "PriorityLevelConfiguration", "ClusterIssuer", "IPAddress", "ServiceCIDR");

  public static final String DEFAULT_NAMESPACE = "default";

  private static final ObjectMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
      // kubectl rejects a mapping with a repeated key; silently keeping the last one hides mistakes
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private YamlResources() {}

  /**
   * What one file holds.
   *
   * @param resources the objects, in document order (a later document with the same key replaces an
   *     earlier one)
   * @param problems documents that were skipped, or the syntax error
   * @param syntaxError true when the text is not valid YAML: then {@code resources} is empty, and a
   *     watcher should keep what it read from this file before
   */
  public record Parsed(List<Resource> resources, List<Problem> problems, boolean syntaxError) {
    public Parsed {
      resources = List.copyOf(resources);
      problems = List.copyOf(problems);
    }
  }

  /** Reads {@code file} as UTF-8; the origin of its objects and problems is the file's path. */
  public static Parsed read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /**
   * @param yaml the text of a file
   * @param origin the file's name, for problems
   */
  public static Parsed parse(String yaml, String origin) {
    requireNonNull(yaml, "yaml");
    requireNonNull(origin, "origin");
    List<Problem> problems = new ArrayList<>();
    Map<ResourceKey, Resource> byKey = new LinkedHashMap<>();
    Map<ResourceKey, String> where = new LinkedHashMap<>();
    // Most files are plain block style: read those without SnakeYAML, several times faster, to the same trees
    List<JsonNode> fast = BlockYaml.read(yaml);
    if (fast != null) {
      for (int doc = 1; doc <= fast.size(); doc++) document(fast.get(doc - 1), doc, origin, byKey, where, problems);
      return new Parsed(new ArrayList<>(byKey.values()), problems, false);
    }
    // A plain readValues() would unwrap a top-level sequence into its elements, so read one tree per
    // document instead: a document that is a sequence must be reported, not half-understood.
    try (JsonParser p = MAPPER.createParser(yaml)) {
      int doc = 0;
      while (p.nextToken() != null) {
        doc++;
        JsonNode tree = MAPPER.readTree(p);
        document(tree == null ? null : BlockYaml.compact(tree), doc, origin, byKey, where, problems);
      }
    } catch (JsonProcessingException e) {
      return new Parsed(List.of(), List.of(new Problem(origin, "", "", "not valid YAML: " + describe(e),
          Problem.Severity.ERROR)), true);
    } catch (IOException e) { // cannot happen on a String, but the API declares it
      return new Parsed(List.of(), List.of(new Problem(origin, "", "", "cannot read: " + e.getMessage(),
          Problem.Severity.ERROR)), true);
    }
    return new Parsed(new ArrayList<>(byKey.values()), problems, false);
  }

  private static void document(JsonNode node, int doc, String origin, Map<ResourceKey, Resource> byKey,
      Map<ResourceKey, String> where, List<Problem> problems) {
    if (node == null || node.isNull() || node.isMissingNode()) return; // empty document
    String docName = "document " + doc;
    if (!node.isObject()) {
      problems.add(new Problem(origin, docName, "", node.getNodeType().toString().toLowerCase()
          + " (expected: a mapping with apiVersion, kind and metadata)", Problem.Severity.ERROR));
      return;
    }
    ObjectNode obj = (ObjectNode) node;
    if ("List".equals(obj.path("kind").asText()) && obj.has("items")) {
      JsonNode items = obj.get("items");
      if (!items.isArray()) {
        problems.add(new Problem(origin, docName, "items", "(expected: a list of objects)", Problem.Severity.ERROR));
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        add(items.get(i), docName + " items[" + i + "]", origin, byKey, where, problems);
      }
    } else {
      add(obj, docName, origin, byKey, where, problems);
    }
  }

  /** The documents of {@code yaml} as Jackson's YAML reader gives them (null for an empty one); for tests. */
  static List<JsonNode> readWithJackson(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(yaml)) {
      while (p.nextToken() != null) {
        JsonNode n = MAPPER.readTree(p);
        docs.add(n == null || n.isNull() || n.isMissingNode() ? null : n);
      }
    }
    return docs;
  }

  private static void add(JsonNode node, String docName, String origin, Map<ResourceKey, Resource> byKey,
      Map<ResourceKey, String> where, List<Problem> problems) {
    if (!node.isObject()) {
      problems.add(new Problem(origin, docName, "", node.getNodeType().toString().toLowerCase()
          + " (expected: a mapping with apiVersion, kind and metadata)", Problem.Severity.ERROR));
      return;
    }
    ObjectNode obj = (ObjectNode) node;
    String apiVersion = text(obj.get("apiVersion"));
    String kind = text(obj.get("kind"));
    JsonNode metadata = obj.get("metadata");
    String name = metadata == null ? null : text(metadata.get("name"));
    String object = kind == null ? docName : kind + " in " + docName;
    String missing = apiVersion == null ? "apiVersion" : kind == null ? "kind" : name == null ? "metadata.name" : null;
    if (missing != null) {
      problems.add(new Problem(origin, object, missing, "missing (expected: a non-empty string); the document is skipped",
          Problem.Severity.ERROR));
      return;
    }
    String namespace;
    if (CLUSTER_SCOPED_KINDS.contains(kind)) {
      namespace = "";
    } else {
      namespace = text(metadata.get("namespace"));
      if (namespace == null) namespace = DEFAULT_NAMESPACE;
    }
    ResourceKey key = ResourceKey.of(apiVersion, kind, namespace, name);
    Resource previous = byKey.put(key, new Resource(key, apiVersion, obj, origin));
    if (previous != null) {
      problems.add(new Problem(origin, key.toString(), "", "defined twice in this file (" + where.get(key)
          + " and " + docName + "); the later one applies", Problem.Severity.WARNING));
    }
    where.put(key, docName);
  }

  /** A non-empty string value, or null. */
  private static String text(JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isEmpty()) return null;
    return n.asText();
  }

  /** The parser's complaint and where, without the multi-line excerpt snakeyaml adds. */
  static String describe(JsonProcessingException e) {
    String what = null;
    int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
    int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y) {
      what = y.getProblem();
      if (y.getContext() != null) what = what + " (" + y.getContext() + ")";
      if (y.getProblemMark() != null) { // snakeyaml counts from 0, people from 1
        line = y.getProblemMark().getLine() + 1;
        column = y.getProblemMark().getColumn() + 1;
      }
    }
    if (what == null) {
      what = e.getOriginalMessage();
      int nl = what.indexOf('\n');
      if (nl >= 0) what = what.substring(0, nl);
    }
    return line > 0 ? what + " at line " + line + ", column " + column : what;
  }
}
