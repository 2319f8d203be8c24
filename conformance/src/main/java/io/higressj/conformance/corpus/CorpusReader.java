package io.higressj.conformance.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads corpus files into the records of this package. */
public final class CorpusReader {
  /** YAML as the corpus writes it; words like {@code yes} or {@code on} stay text. */
  static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      .build();

  /** A validation message that starts with the field it is about, e.g. {@code method: missing}. */
  private static final java.util.regex.Pattern FIELD_MESSAGE =
      java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9_.\\[\\]-]*: .*", java.util.regex.Pattern.DOTALL);

  private CorpusReader() {}

  /** Reads {@code root/_base/base.yaml} and lists the cases: directories not starting with {@code _} that hold a {@code case.yaml}. */
  public static Corpus read(Path root) {
    Path base = root.resolve("_base").resolve("base.yaml");
    if (!Files.isRegularFile(base)) {
      throw new CorpusException(root + ": not a corpus (expected: _base/base.yaml)");
    }
    BaseSpec spec = bind(readTree(base), BaseSpec.class, relative(root, base));
    List<String> names = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("case.yaml")))
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith("_") && !n.startsWith("."))
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      throw new CorpusException(root + ": " + e.getMessage(), e);
    }
    List<ObjectNode> baseObjects = new ArrayList<>();
    for (String m : spec.manifests()) {
      baseObjects.addAll(readManifests(root.resolve("_base").resolve("manifests").resolve(m), root));
    }
    return new Corpus(root, root.toAbsolutePath().normalize().getFileName().toString(), spec, baseObjects, names);
  }

  /** Reads {@code <root>/<name>/case.yaml} and its manifests. */
  public static Case readCase(Corpus corpus, String name) {
    Path dir = corpus.root().resolve(name);
    Path file = dir.resolve("case.yaml");
    String where = relative(corpus.root(), file);
    if (!Files.isRegularFile(file)) throw new CorpusException(where + ": not found");
    JsonNode tree = readTree(file);
    CaseSpec spec = bind(tree, CaseSpec.class, where);
    if (!spec.name().equals(name)) {
      throw new CorpusException(where + ": name: \"" + spec.name() + "\" (expected: the directory name \"" + name + "\")");
    }
    List<JsonNode> raw = new ArrayList<>();
    tree.path("assertions").forEach(raw::add);
    List<ObjectNode> objects = new ArrayList<>();
    for (String m : spec.manifests()) objects.addAll(readManifests(dir.resolve("manifests").resolve(m), corpus.root()));
    return new Case(corpus, dir, spec, raw, objects);
  }

  /** Reads YAML text as one of this package's records, as a corpus file would be read; errors name {@code where}. */
  public static <T> T readValue(String yaml, Class<T> type, String where) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new CorpusException(where + ": " + e.getOriginalMessage(), e);
    }
    return bind(tree, type, where);
  }

  /** Binds an assertion entry again, e.g. after variables were substituted into it. */
  public static Entry bindEntry(JsonNode node, String where) {
    return bind(node, Entry.class, where);
  }

  /**
   * Every non-empty document of a manifest file, each an object with {@code apiVersion},
   * {@code kind} and {@code metadata.name}; {@code kind: List} is expanded.
   */
  public static List<ObjectNode> readManifests(Path file, Path root) {
    String where = relative(root, file);
    List<ObjectNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isContainerNode() && doc.isEmpty())
            || (doc.isTextual() && doc.asText().isBlank())) {
          continue; // an empty document
        }
        if (!doc.isObject()) throw new CorpusException(where + ": document " + index + ": " + doc.getNodeType() + " (expected: a mapping)");
        if ("List".equals(doc.path("kind").asText()) && doc.path("items").isArray()) {
          for (JsonNode item : doc.path("items")) out.add(checkObject(item, where + ": document " + index + " item"));
        } else {
          out.add(checkObject(doc, where + ": document " + index));
        }
      }
    } catch (JsonProcessingException e) {
      throw new CorpusException(where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorpusException(where + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static ObjectNode checkObject(JsonNode doc, String where) {
    if (!doc.isObject()) throw new CorpusException(where + ": not a mapping");
    for (String f : new String[] {"apiVersion", "kind"}) {
      if (!doc.path(f).isTextual() || doc.path(f).asText().isEmpty()) throw new CorpusException(where + ": " + f + ": missing");
    }
    if (!doc.path("metadata").path("name").isTextual()) throw new CorpusException(where + ": metadata.name: missing");
    return (ObjectNode) doc;
  }

  static JsonNode readTree(Path file) {
    try {
      JsonNode n = YAML.readTree(file.toFile());
      if (n == null || !n.isObject()) throw new CorpusException(file + ": not a YAML mapping");
      return n;
    } catch (JsonProcessingException e) {
      throw new CorpusException(file + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorpusException(file + ": " + e.getMessage(), e);
    }
  }

  /** Binds a tree to a record; an error names {@code where} and the field path. */
  static <T> T bind(JsonNode node, Class<T> type, String where) {
    try {
      return YAML.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw new CorpusException(where + ": " + describe(e), e);
    } catch (JsonProcessingException e) {
      throw new CorpusException(where + ": " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CorpusException(where + ": " + e.getMessage(), e);
    }
  }

  /** {@code assertions[2].request.method: missing}. */
  static String describe(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (!path.isEmpty()) path.append('.');
        path.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    String message;
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      Throwable c = e.getCause();
      while (c.getCause() != null && !(c instanceof IllegalArgumentException)) c = c.getCause();
      message = c.getMessage();
    } else if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : " (expected one of " + new java.util.TreeSet<>(
          u.getKnownPropertyIds().stream().map(Object::toString).toList()) + ")";
      return path + ": unknown field" + known;
    } else {
      message = e.getOriginalMessage();
      int nl = message.indexOf('\n');
      if (nl > 0) message = message.substring(0, nl);
    }
    if (path.isEmpty()) return message;
    // a record's own validation names its field relative to the record
    return path + (FIELD_MESSAGE.matcher(message).matches() ? "." : ": ") + message;
  }

  static String relative(Path root, Path file) {
    try {
      return root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString();
    } catch (IllegalArgumentException e) {
      return file.toString();
    }
  }
}
