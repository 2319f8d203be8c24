package io.higressj.conformance.capability;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.conformance.corpus.Case;
import io.higressj.conformance.corpus.CaseSpec;
import io.higressj.conformance.corpus.Entry;
import io.higressj.conformance.corpus.ObjectKeySpec;
import io.higressj.conformance.corpus.Step;
import io.higressj.conformance.store.ObjectKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the gateway under test supports (see {@code capabilities.yaml}).
 *
 * @param kinds the kinds the gateway serves, {@code group/Kind} ({@code Kind} alone for the core group)
 * @param declarationKinds kinds that only declare workloads or dependencies; written, never needed
 * @param annotationPrefixes annotations under these prefixes change behaviour and must be listed in {@code annotations}
 * @param annotations the supported annotations
 * @param plugins the supported plugin names ({@code requires.plugins[].name})
 * @param services the external services the runner can provide ({@code requires.services[].name})
 * @param features the supported upstream feature flags ({@code upstream.features})
 * @param status whether the gateway publishes object status (Gateway API {@code statusCheck})
 * @param gatewayApi the names the Gateway API placeholders stand for
 * @param installationObjects objects a gateway installation provides, written before the base
 */
public record Capabilities(
    Set<String> kinds,
    Set<String> declarationKinds,
    List<String> annotationPrefixes,
    Set<String> annotations,
    Set<String> plugins,
    Set<String> services,
    Set<String> features,
    boolean status,
    GatewayApi gatewayApi,
    List<ObjectNode> installationObjects) {

  /** Where the checked-in list lives on the class path. */
  public static final String RESOURCE = "/io/higressj/conformance/capabilities.yaml";
  /** The capability a Gateway API status assertion needs. */
  public static final String STATUS = "status";

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public Capabilities {
    kinds = Set.copyOf(requireNonNull(kinds, "kinds"));
    declarationKinds = declarationKinds == null ? Set.of() : Set.copyOf(declarationKinds);
    annotationPrefixes = annotationPrefixes == null ? List.of() : List.copyOf(annotationPrefixes);
    annotations = annotations == null ? Set.of() : Set.copyOf(annotations);
    plugins = plugins == null ? Set.of() : Set.copyOf(plugins);
    services = services == null ? Set.of() : Set.copyOf(services);
    features = features == null ? Set.of() : Set.copyOf(features);
    if (gatewayApi == null) gatewayApi = GatewayApi.DEFAULT;
    installationObjects = installationObjects == null ? List.of() : List.copyOf(installationObjects);
    for (int i = 0; i < installationObjects.size(); i++) {
      ObjectNode o = installationObjects.get(i);
      if (!o.path("apiVersion").isTextual() || !o.path("kind").isTextual() || !o.path("metadata").path("name").isTextual()) {
        throw new IllegalArgumentException("installationObjects[" + i + "]: expected apiVersion, kind and metadata.name");
      }
    }
  }

  /**
   * The values of the Gateway API placeholders.
   *
   * @param gatewayClassName replaces {@code {GATEWAY_CLASS_NAME}} (every Gateway's {@code spec.gatewayClassName})
   * @param controllerName replaces {@code {GATEWAY_CONTROLLER_NAME}}
   */
  public record GatewayApi(String gatewayClassName, String controllerName) {
    static final GatewayApi DEFAULT = new GatewayApi("higress", "higress.io/gateway-controller");

    public GatewayApi {
      requireNonNull(gatewayClassName, "gatewayClassName");
      requireNonNull(controllerName, "controllerName");
    }
  }

  /** The checked-in capabilities of this build. */
  public static Capabilities builtin() {
    try (InputStream in = Capabilities.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + ": not on the class path");
      return parse(in.readAllBytes(), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Capabilities load(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Capabilities parse(byte[] yaml, String where) {
    try {
      return YAML.readValue(yaml, Capabilities.class);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(where + ": " + e.getPathReference() + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything is supported: for running cases regardless ({@code --all}). */
  public Capabilities permissive() {
    return new Capabilities(Set.of("*"), declarationKinds, List.of(), Set.of(), Set.of("*"), Set.of("*"), Set.of("*"), true,
        gatewayApi, installationObjects);
  }

  private boolean has(Set<String> set, String item) {
    return set.contains("*") || set.contains(item);
  }

  /**
   * What {@code c} needs that is not supported, in a stable order: kinds (manifests and steps),
   * annotations, plugins, external services, upstream features, status. Empty: the case can run.
   */
  public List<String> missing(Case c) {
    Set<String> out = new LinkedHashSet<>();
    CaseSpec spec = c.spec();
    List<String> annotationsUsed = new ArrayList<>();
    for (ObjectNode o : c.objects()) {
      String gk = ObjectKey.of(o).groupKind();
      if (!has(kinds, gk) && !declarationKinds.contains(gk)) out.add("kind " + gk);
      JsonNode annotationsNode = o.path("metadata").path("annotations");
      for (Iterator<String> it = annotationsNode.fieldNames(); it.hasNext(); ) annotationsUsed.add(it.next());
    }
    List<Step> steps = new ArrayList<>(spec.setup());
    for (Entry e : spec.assertions()) {
      if (e.step() != null) steps.add(e.step());
    }
    for (Step s : steps) {
      String gk = switch (s.kind()) {
        case "createSecret", "patchSecret" -> "Secret";
        case "patchConfigMap" -> "ConfigMap";
        case "deleteObject" -> groupKind(s.deleteObject());
        case "mergePatch" -> groupKind(s.mergePatch().object());
        default -> null;
      };
      if (gk != null && !has(kinds, gk) && !declarationKinds.contains(gk)) out.add("kind " + gk);
    }
    for (String a : annotationsUsed) {
      if (annotationPrefixes.stream().anyMatch(a::startsWith) && !annotations.contains(a)) out.add("annotation " + a);
    }
    for (CaseSpec.PluginRequirement p : spec.requires().plugins()) {
      if (!has(plugins, p.name())) out.add("plugin " + p.name());
    }
    for (CaseSpec.ServiceRequirement s : spec.requires().services()) {
      if (!has(services, s.name())) out.add("service " + s.name());
    }
    for (String f : spec.upstream().features()) {
      if (!has(features, f)) out.add("feature " + f);
    }
    for (Entry e : spec.assertions()) {
      if (e.statusCheck() != null && !e.statusCheck().type().equals("generationChanged") && !status) out.add(STATUS);
    }
    return List.copyOf(out);
  }

  /** {@code group/Kind} of a step's object; without apiVersion the kind alone, matched against any group. */
  private String groupKind(ObjectKeySpec o) {
    if (o.apiVersion() != null) return new ObjectKey(ObjectKey.groupOf(o.apiVersion()), o.kind(), "", o.name()).groupKind();
    for (String k : kinds) {
      if (k.equals(o.kind()) || k.endsWith("/" + o.kind())) return k;
    }
    return o.kind();
  }
}
