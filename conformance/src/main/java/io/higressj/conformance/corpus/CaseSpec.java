package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.map;
import static io.higressj.conformance.corpus.Fields.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code case.yaml} (FORMAT.md section 3).
 *
 * @param description upstream's description, normally text (one Gateway API case has a mapping)
 * @param portability {@code P}, {@code P+S}, {@code +W}, {@code +X} ...
 * @param features descriptive tags
 * @param manifests file names under {@code manifests/}, in apply order
 * @param setup steps before the first assertion
 * @param variables generated values substituted into requests as {@code ${name}}
 * @param assertions assertions and steps, in order
 */
public record CaseSpec(
    String name,
    JsonNode description,
    Upstream upstream,
    String portability,
    List<String> features,
    Requires requires,
    List<String> manifests,
    List<Step> setup,
    Map<String, VariableSpec> variables,
    List<Entry> assertions,
    JsonNode notes) {

  public CaseSpec {
    requiredText(name, "name");
    if (upstream == null) upstream = Upstream.NONE;
    features = list(features);
    if (requires == null) requires = Requires.NONE;
    manifests = list(manifests);
    setup = list(setup);
    variables = map(variables, "variables");
    for (String v : variables.keySet()) {
      if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("variables." + v + ": invalid name (expected: [A-Za-z_][A-Za-z0-9_]*)");
    }
    assertions = list(assertions);
  }

  /**
   * Where a case comes from.
   *
   * @param features upstream feature flags: Higress {@code http}, {@code wasm-go} ...; Gateway API
   *     feature names ({@code HTTPRoute}, {@code HTTPRouteQueryParamMatching} ...)
   * @param keepsObjectsAfterRun upstream does not delete the objects after the case
   */
  public record Upstream(
      String goFile,
      List<String> manifests,
      List<String> features,
      JsonNode profiles,
      Boolean provisional,
      Boolean keepsObjectsAfterRun,
      String setupCode) {
    static final Upstream NONE = new Upstream(null, null, null, null, null, null, null);

    public Upstream {
      manifests = list(manifests);
      features = list(features);
    }
  }

  /**
   * What a case needs besides the gateway.
   *
   * @param backends echo backends as {@code service.namespace}
   * @param services external services (Redis, a registry, an LLM mock ...)
   * @param plugins the WasmPlugin objects of the manifests and the plugin each names
   */
  public record Requires(List<String> backends, List<ServiceRequirement> services, List<PluginRequirement> plugins) {
    static final Requires NONE = new Requires(null, null, null);

    public Requires {
      backends = list(backends);
      services = list(services);
      plugins = list(plugins);
    }
  }

  /** An external service a case needs. */
  public record ServiceRequirement(String name, String description) {
    public ServiceRequirement {
      requiredText(name, "name");
    }
  }

  /** A WasmPlugin object: the plugin name derived from its URL, its language, object, URL, priority. */
  public record PluginRequirement(String name, String implementation, String object, String url, Integer priority) {
    public PluginRequirement {
      requiredText(name, "name");
    }
  }

  /**
   * A generated value (FORMAT.md section 5).
   *
   * @param random {@code base64}: {@code bytes} random bytes, standard base64
   * @param uuid true: a random version-4 UUID
   * @param regenerate null (once per case run), {@code perAttempt} or {@code perDistributionAttempt}
   */
  public record VariableSpec(String random, Integer bytes, Boolean uuid, String regenerate, String description) {
    public static final Set<String> REGENERATE = Set.of("perAttempt", "perDistributionAttempt");

    public VariableSpec {
      boolean isUuid = uuid != null && uuid;
      if (random != null && isUuid) throw new IllegalArgumentException("random: given together with uuid (expected: one)");
      if (random == null && !isUuid) throw new IllegalArgumentException("random: missing (expected: random: base64 or uuid: true)");
      if (random != null) {
        if (!random.equals("base64")) throw new IllegalArgumentException("random: \"" + random + "\" (expected: base64)");
        if (bytes == null || bytes <= 0) throw new IllegalArgumentException("bytes: " + bytes + " (expected: > 0)");
      }
      if (regenerate != null && !REGENERATE.contains(regenerate)) {
        throw new IllegalArgumentException("regenerate: \"" + regenerate + "\" (expected: perAttempt or perDistributionAttempt)");
      }
    }

    public boolean perAttempt() {
      return "perAttempt".equals(regenerate);
    }

    public boolean perDistributionAttempt() {
      return "perDistributionAttempt".equals(regenerate);
    }
  }
}
