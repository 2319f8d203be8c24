package io.higressj.config.plugin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates {@code extensions.higress.io/v1alpha1} WasmPlugin objects into a plugin chain per route.
 * Pure: the registry answers from memory (modules are fetched elsewhere). Each WasmPlugin's
 * configurations are parsed once per change of the object, of the Secrets it references or of the
 * factory serving it, and kept between calls; binding them to routes is a walk over the routes.
 *
 * <p>Higress's semantics: the plugin's name is the last element of {@code url} without tag or
 * extension; {@code phase} then {@code priority} (higher first) order the chain, ties by namespace and
 * name; {@code matchRules} are tried in order and the first that matches the request gives the
 * configuration ({@code configDisable}: the plugin does not run); otherwise {@code defaultConfig}
 * applies, unless {@code defaultConfigDisable}, or unless the object has rules and no defaultConfig.
 * An object with an error is left out whole, and reported.
 */
public final class WasmPluginTranslator {
  public static final String KIND = "WasmPlugin";
  private static final Pattern SECRET_REF = Pattern.compile("\\$\\{secret\\.([^}]+)}");
  private static final Set<String> KNOWN_FIELDS = Set.of("url", "sha256", "imagePullPolicy", "imagePullSecret",
      "verificationKey", "pluginConfig", "pluginName", "phase", "priority", "failStrategy", "vmConfig",
      "defaultConfig", "matchRules", "defaultConfigDisable", "selector", "targetRef", "targetRefs", "type", "match");

  private final PluginRegistry registry;
  /** parsed objects, remembered while the object, its factory and its Secrets' values stay the same */
  private final Map<ResourceKey, Parsed> cache = new HashMap<>();
  /**
   * What the last translation decided, kept while the usable plugins stay the same objects: a route
   * that is the same object as then (its host was not built again) has the same chain, so a change of
   * one route among thousands decides only the new routes (see {@link #translate}).
   */
  private List<Parsed> lastUsable = List.of();
  private IdentityHashMap<Route, PluginChain> lastByRoute = new IdentityHashMap<>();
  private Set<Route> lastWithout = Collections.newSetFromMap(new IdentityHashMap<>());
  private Map<String, PluginChain> lastShared = new HashMap<>();
  private PluginChain lastUnrouted;

  public WasmPluginTranslator(PluginRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  /** The chains, and every problem met (ERROR: that WasmPlugin is left out). */
  public record Result(PluginChains chains, List<Problem> problems) {}

  /** A rule of an object, parsed. */
  private record Rule(int index, Set<String> ingressSources, DomainMatch domain, List<String> services,
      Object config) {}

  /** One WasmPlugin, parsed; {@code problems} with an ERROR: left out. */
  private record Parsed(Resource resource, PluginFactory<?> factory, Map<String, String> secretsUsed, String name,
      String url, PluginPhase phase, int priority, FailStrategy failStrategy, Object global, List<Rule> rules,
      List<Problem> problems, boolean pending) {
    boolean usable() {
      return !pending && problems.stream().noneMatch(p -> p.severity() == Problem.Severity.ERROR);
    }
  }

  public Result translate(ResourceSet set, RouteTable routes) {
    return translate(set, List.of(routes));
  }

  /**
   * The chains of the routes of every table: the Ingress routes and each Gateway API listener's (rules
   * by domain and service apply to both; {@code ingress} rules name Ingress objects).
   */
  public Result translate(ResourceSet set, List<RouteTable> tables) {
    List<Resource> objects = set.ofKind(KIND);
    if (objects.isEmpty()) {
      cache.clear();
      lastUsable = List.of();
      lastByRoute = new IdentityHashMap<>();
      lastWithout = Collections.newSetFromMap(new IdentityHashMap<>());
      lastShared = new HashMap<>();
      lastUnrouted = null;
      return new Result(PluginChains.EMPTY, List.of());
    }
    List<Problem> problems = new ArrayList<>();
    List<Parsed> usable = new ArrayList<>();
    Set<ResourceKey> present = new HashSet<>();
    for (Resource r : objects) {
      if (!r.apiVersion().startsWith("extensions.higress.io/")) continue; // Istio's WasmPlugin is another kind
      present.add(r.key());
      Parsed p = parse(r, set);
      problems.addAll(p.problems());
      if (p.usable()) usable.add(p);
    }
    cache.keySet().retainAll(present);
    usable.sort(Comparator.comparingInt((Parsed p) -> p.phase().ordinal())
        .thenComparing(Comparator.comparingInt(Parsed::priority).reversed())
        .thenComparing(p -> p.resource().namespace())
        .thenComparing(p -> p.resource().name()));

    List<PluginChains.PluginSummary> summaries = new ArrayList<>();
    for (int i = 0; i < usable.size(); i++) {
      Parsed p = usable.get(i);
      summaries.add(new PluginChains.PluginSummary(i, p.name(), p.resource().describe(), p.url(), p.phase().name(),
          p.priority(), p.failStrategy(), p.factory().getClass().getName()));
    }
    // the same plugins as last time: the routes that are the same objects keep their chains
    boolean samePlugins = sameObjects(usable, lastUsable);
    // sized as last time: a change of a few routes among thousands does not grow the maps step by step
    IdentityHashMap<Route, PluginChain> byRoute = new IdentityHashMap<>(lastByRoute.size() + 16);
    Set<Route> without = Collections.newSetFromMap(new IdentityHashMap<>(lastWithout.size() + 16));
    // routes whose rules decide alike share one chain (across translations too while the plugins stay)
    Map<String, PluginChain> shared = samePlugins ? lastShared : new HashMap<>();
    StringBuilder key = new StringBuilder();
    for (RouteTable routes : tables) for (VirtualHost vh : routes.virtualHosts()) {
      String exactHost = vh.domain().indexOf('*') < 0 ? vh.domain() : null;
      for (Route route : vh.routes()) {
        if (byRoute.containsKey(route) || without.contains(route)) continue;
        if (samePlugins) {
          PluginChain kept = lastByRoute.get(route);
          if (kept != null) {
            byRoute.put(route, kept);
            continue;
          }
          if (lastWithout.contains(route)) {
            without.add(route);
            continue;
          }
        }
        key.setLength(0);
        signature(usable, route, exactHost, key);
        String k = key.toString();
        PluginChain chain = shared.get(k);
        if (chain == null && !shared.containsKey(k)) {
          chain = bind(usable, route, exactHost);
          shared.put(k, chain);
        }
        if (chain != null) byRoute.put(route, chain);
        else without.add(route);
      }
    }
    PluginChain unrouted = samePlugins ? lastUnrouted : bind(usable, null, null);
    lastUsable = List.copyOf(usable);
    lastByRoute = byRoute;
    lastWithout = without;
    lastShared = shared;
    lastUnrouted = unrouted;
    return new Result(PluginChains.owning(byRoute, unrouted, summaries), problems);
  }

  /** Whether two lists hold the same objects in the same order. */
  private static boolean sameObjects(List<Parsed> a, List<Parsed> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) return false;
    }
    return true;
  }

  /** What {@link #bind} decides for {@code route}, as a key: per plugin, the rules that apply. */
  private static void signature(List<Parsed> plugins, Route route, String exactHost, StringBuilder out) {
    for (Parsed p : plugins) {
      for (Rule r : p.rules()) {
        if (r.ingressSources() != null && !r.ingressSources().contains(route.source())) continue;
        if (!r.services().isEmpty() && !serviceMatches(r.services(), route.cluster())) continue;
        if (r.domain() != null && exactHost != null && !r.domain().matches(exactHost)) continue;
        out.append(r.index());
        if (r.domain() != null && exactHost == null) {
          out.append('d');
          continue;
        }
        break;
      }
      out.append(';');
    }
  }

  /**
   * The chain of {@code route}, or null when no plugin can run on it. {@code exactHost}: the route's
   * virtual host when it is one exact name (domain rules are then decided here), else null. A null
   * route: requests no route matches, which only global configurations and domain rules reach.
   */
  private static PluginChain bind(List<Parsed> plugins, Route route, String exactHost) {
    List<PluginBinding> out = new ArrayList<>();
    for (int rank = 0; rank < plugins.size(); rank++) {
      Parsed p = plugins.get(rank);
      List<PluginBinding.DomainRule> domainRules = new ArrayList<>();
      Object config = p.global();
      String from = p.global() == null ? "none" : "defaultConfig";
      for (Rule r : p.rules()) {
        if (r.ingressSources() != null && (route == null || !r.ingressSources().contains(route.source()))) continue;
        if (!r.services().isEmpty() && (route == null || !serviceMatches(r.services(), route.cluster()))) continue;
        String label = "matchRules[" + r.index() + "]";
        if (r.domain() != null && exactHost != null && !r.domain().matches(exactHost)) continue;
        if (r.domain() != null && exactHost == null) {
          domainRules.add(new PluginBinding.DomainRule(r.domain(), r.config(), label));
          continue;
        }
        config = r.config();
        from = label;
        break;
      }
      boolean anyEnabled = config != null;
      for (PluginBinding.DomainRule d : domainRules) anyEnabled |= d.config() != null;
      if (!anyEnabled) continue;
      @SuppressWarnings("unchecked")
      PluginFactory<Object> f = (PluginFactory<Object>) p.factory();
      out.add(new PluginBinding(rank, p.name(), p.resource().describe(), p.phase(), p.priority(), p.failStrategy(),
          f, domainRules, config, from));
    }
    return out.isEmpty() ? null : new PluginChain(out);
  }

  /**
   * Higress's service match: a cluster {@code outbound|<port>||<fqdn>} matches {@code <fqdn>} and
   * {@code <fqdn>:<port>}.
   */
  static boolean serviceMatches(List<String> services, String cluster) {
    String[] parts = cluster.split("\\|", -1);
    if (parts.length != 4) return services.contains(cluster);
    String port = parts[1];
    String fqdn = parts[3];
    for (String s : services) {
      int colon = s.lastIndexOf(':');
      if (s.equals(fqdn) || colon > 0 && s.substring(0, colon).equals(fqdn) && s.substring(colon + 1).equals(port)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The plugin name of a WasmPlugin url: its last path element without tag, digest or extension; for
   * Higress's layout {@code .../<name>/plugin.wasm} the directory's name ({@code _} read as {@code -}),
   * and without the {@code go-} prefix of Higress's Go builds ({@code go-request-block} is {@code
   * request-block}).
   */
  public static String pluginName(String url) {
    String u = url;
    int scheme = u.indexOf("://");
    if (scheme >= 0) u = u.substring(scheme + 3);
    int q = u.indexOf('?');
    if (q >= 0) u = u.substring(0, q);
    int at = u.indexOf('@');
    if (at >= 0) u = u.substring(0, at);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    String last = u.substring(u.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    if (colon >= 0) last = last.substring(0, colon);
    if (last.endsWith(".wasm")) last = last.substring(0, last.length() - 5);
    else if (last.endsWith(".jar")) last = last.substring(0, last.length() - 4);
    // Higress's images lay plugins out as .../extensions/<name>/plugin.wasm (C++ with snake_case names)
    int slash = u.lastIndexOf('/');
    if (last.equals("plugin") && slash > 0) {
      String parent = u.substring(0, slash);
      String dir = parent.substring(parent.lastIndexOf('/') + 1);
      if (!dir.isEmpty()) last = dir.replace('_', '-');
    }
    // Higress publishes the Go builds of its plugins as go-<name>; they are the same plugin
    if (last.startsWith("go-") && last.length() > 3) last = last.substring(3);
    return last;
  }

  private Parsed parse(Resource r, ResourceSet set) {
    JsonNode spec = r.spec();
    String url = spec.path("url").asText("");
    String name = url.isEmpty() ? "" : pluginName(url);
    String sha256 = spec.path("sha256").asText("");
    String pullPolicy = spec.path("imagePullPolicy").asText("");
    PluginRegistry.Lookup lookup = name.isEmpty() ? null
        : registry.lookup(new PluginRegistry.PluginRef(name, url, sha256, pullPolicy));
    PluginFactory<?> factory = lookup instanceof PluginRegistry.Found f ? f.factory() : null;
    Parsed cached = cache.get(r.key());
    if (cached != null && (cached.resource() == r || cached.resource().body().equals(r.body()))
        && cached.factory() == factory && !cached.pending()
        && secretsUnchanged(cached.secretsUsed(), set)) {
      return cached;
    }
    Parsed p = parse(r, set, spec, url, name, sha256, pullPolicy, lookup, factory);
    cache.put(r.key(), p);
    return p;
  }

  private static boolean secretsUnchanged(Map<String, String> used, ResourceSet set) {
    for (Map.Entry<String, String> e : used.entrySet()) {
      if (!Objects.equals(e.getValue(), secretValue(e.getKey(), set))) return false;
    }
    return true;
  }

  private Parsed parse(Resource r, ResourceSet set, JsonNode spec, String url, String name, String sha256,
      String pullPolicy, PluginRegistry.Lookup lookup, PluginFactory<?> factory) {
    List<Problem> problems = new ArrayList<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    if (!spec.isObject()) {
      problems.add(Problem.error(r, "spec", "missing (expected: an object with url)"));
      return new Parsed(r, factory, secrets, name, url, PluginPhase.UNSPECIFIED_PHASE, 0, FailStrategy.FAIL_CLOSE,
          null, List.of(), problems, false);
    }
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!KNOWN_FIELDS.contains(f)) problems.add(Problem.warning(r, "spec." + f, "unknown field, ignored"));
    }
    if (url.isEmpty()) problems.add(Problem.error(r, "spec.url", "missing (expected: oci://<registry>/<name>:<tag>,"
        + " file://<path>.wasm or http(s)://<host>/<name>.wasm)"));
    else if (name.isEmpty()) problems.add(Problem.error(r, "spec.url", url + ": no plugin name in it"));
    if (!sha256.isEmpty() && !sha256.matches("[0-9a-fA-F]{64}")) {
      problems.add(Problem.error(r, "spec.sha256", sha256 + " (expected: 64 hexadecimal digits)"));
    }
    if (!pullPolicy.isEmpty() && !Set.of("UNSPECIFIED_POLICY", "IfNotPresent", "Always").contains(pullPolicy)) {
      problems.add(Problem.error(r, "spec.imagePullPolicy", pullPolicy
          + " (expected: UNSPECIFIED_POLICY, IfNotPresent, Always)"));
    }
    PluginPhase phase = factory == null ? PluginPhase.UNSPECIFIED_PHASE : factory.defaultPhase();
    JsonNode ph = spec.get("phase");
    if (ph != null && !ph.isNull()) {
      try {
        phase = PluginPhase.valueOf(ph.asText());
      } catch (IllegalArgumentException e) {
        problems.add(Problem.error(r, "spec.phase", ph.asText() + " (expected: AUTHN, AUTHZ, STATS, UNSPECIFIED_PHASE)"));
      }
    }
    int priority = factory == null ? 0 : factory.defaultPriority();
    JsonNode pr = spec.get("priority");
    if (pr != null && !pr.isNull()) {
      if (pr.canConvertToInt() && pr.isIntegralNumber() || pr.isTextual() && pr.asText().matches("-?\\d{1,9}")) {
        priority = pr.isTextual() ? Integer.parseInt(pr.asText()) : pr.intValue();
      } else {
        problems.add(Problem.error(r, "spec.priority", pr.asText() + " (expected: an integer)"));
      }
    }
    FailStrategy failStrategy = FailStrategy.FAIL_CLOSE;
    JsonNode fs = spec.get("failStrategy");
    if (fs != null && !fs.isNull()) {
      try {
        failStrategy = FailStrategy.valueOf(fs.asText());
      } catch (IllegalArgumentException e) {
        problems.add(Problem.error(r, "spec.failStrategy", fs.asText() + " (expected: FAIL_CLOSE, FAIL_OPEN)"));
      }
    }
    Boolean defaultDisable = bool(r, spec.get("defaultConfigDisable"), "spec.defaultConfigDisable", problems);
    JsonNode rulesNode = spec.get("matchRules");
    if (rulesNode != null && !rulesNode.isNull() && !rulesNode.isArray()) {
      problems.add(Problem.error(r, "spec.matchRules", "not a list (expected: a list of rules)"));
      rulesNode = null;
    }
    boolean pending = false;
    if (lookup instanceof PluginRegistry.Missing m) {
      problems.add(Problem.error(r, "spec.url", m.message()));
    } else if (lookup instanceof PluginRegistry.Pending pd) {
      problems.add(Problem.warning(r, "spec.url", pd.message()));
      pending = true;
    }

    // defaultConfig (or Istio's pluginConfig)
    String defaultField = spec.has("defaultConfig") || !spec.has("pluginConfig") ? "defaultConfig" : "pluginConfig";
    JsonNode def = spec.get(defaultField);
    boolean hasRules = rulesNode != null && !rulesNode.isEmpty();
    Map<String, Object> globalMap = null;
    if (def != null && !def.isNull()) {
      if (!def.isObject()) {
        problems.add(Problem.error(r, "spec." + defaultField, "not an object (expected: the plugin's configuration)"));
      } else {
        globalMap = asMap(def, r, set, "spec." + defaultField, problems, secrets);
      }
    } else if (!hasRules) {
      globalMap = Map.of(); // no configuration at all: the plugin runs everywhere with an empty one
    }
    Object global = null;
    boolean errors = problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    if (factory != null && globalMap != null && !errors) {
      try {
        global = requireNonNull(cast(factory).parseConfig(globalMap), "parseConfig returned null");
      } catch (PluginConfigException e) {
        problems.add(Problem.error(r, "spec." + defaultField + "." + e.field(), expected(e)));
      } catch (RuntimeException e) {
        problems.add(Problem.error(r, "spec." + defaultField, "the plugin failed to parse it: " + e));
      }
    }
    Object effectiveGlobal = Boolean.TRUE.equals(defaultDisable) ? null : global;

    List<Rule> rules = new ArrayList<>();
    if (rulesNode != null) {
      for (int i = 0; i < rulesNode.size(); i++) {
        Rule rule = parseRule(r, set, factory, global, rulesNode.get(i), i, problems, secrets);
        if (rule != null) rules.add(rule);
      }
    }
    return new Parsed(r, factory, secrets, name, url, phase, priority, failStrategy, effectiveGlobal, rules,
        List.copyOf(problems), pending);
  }

  private Rule parseRule(Resource r, ResourceSet set, PluginFactory<?> factory, Object global, JsonNode node, int i,
      List<Problem> problems, Map<String, String> secrets) {
    String at = "spec.matchRules[" + i + "]";
    if (!node.isObject()) {
      problems.add(Problem.error(r, at, "not an object (expected: ingress, domain or service, and config)"));
      return null;
    }
    int before = problems.size();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("ingress", "domain", "service", "config", "configDisable").contains(f)) {
        problems.add(Problem.warning(r, at + "." + f, "unknown field, ignored (expected: ingress, domain, service,"
            + " config, configDisable)"));
      }
    }
    List<String> ingress = strings(r, node.get("ingress"), at + ".ingress", problems);
    List<String> domain = strings(r, node.get("domain"), at + ".domain", problems);
    List<String> service = strings(r, node.get("service"), at + ".service", problems);
    Set<String> sources = null;
    if (!ingress.isEmpty()) {
      sources = new HashSet<>();
      for (int k = 0; k < ingress.size(); k++) {
        String s = ingress.get(k);
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1 || s.indexOf('/', slash + 1) >= 0) {
          problems.add(Problem.error(r, at + ".ingress[" + k + "]", s + " (expected: <namespace>/<ingress name>)"));
        }
        sources.add("Ingress " + s);
      }
    }
    DomainMatch dm = null;
    if (!domain.isEmpty()) {
      for (int k = 0; k < domain.size(); k++) {
        String bad = DomainMatch.check(domain.get(k));
        if (bad != null) problems.add(Problem.error(r, at + ".domain[" + k + "]", bad));
      }
      dm = new DomainMatch(domain);
    }
    for (int k = 0; k < service.size(); k++) {
      if (service.get(k).isBlank()) {
        problems.add(Problem.error(r, at + ".service[" + k + "]", "empty (expected: <service FQDN>[:<port>])"));
      }
    }
    if (ingress.isEmpty() && domain.isEmpty() && service.isEmpty()) {
      problems.add(Problem.error(r, at, "no ingress, domain or service (expected: at least one of them)"));
    }
    if (!ingress.isEmpty() && !domain.isEmpty()) {
      problems.add(Problem.error(r, at, "both ingress and domain (expected: one of them; use two rules)"));
    }
    Boolean disable = bool(r, node.get("configDisable"), at + ".configDisable", problems);
    JsonNode cfg = node.get("config");
    Map<String, Object> map = Map.of();
    if (cfg != null && !cfg.isNull()) {
      if (!cfg.isObject()) {
        problems.add(Problem.error(r, at + ".config", "not an object (expected: the plugin's configuration)"));
      } else {
        map = asMap(cfg, r, set, at + ".config", problems, secrets);
      }
    }
    boolean errors = problems.subList(before, problems.size()).stream()
        .anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    Object config = null;
    if (!errors && factory != null && !Boolean.TRUE.equals(disable)) {
      try {
        config = requireNonNull(cast(factory).parseRuleConfig(map, global), "parseRuleConfig returned null");
      } catch (PluginConfigException e) {
        problems.add(Problem.error(r, at + ".config." + e.field(), expected(e)));
      } catch (RuntimeException e) {
        problems.add(Problem.error(r, at + ".config", "the plugin failed to parse it: " + e));
      }
    }
    return new Rule(i, sources, dm, List.copyOf(service), config);
  }

  private static String expected(PluginConfigException e) {
    String m = e.getMessage();
    String prefix = e.field() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  @SuppressWarnings("unchecked")
  private static PluginFactory<Object> cast(PluginFactory<?> f) {
    return (PluginFactory<Object>) f;
  }

  private static Boolean bool(Resource r, JsonNode n, String field, List<Problem> problems) {
    if (n == null || n.isNull()) return null;
    if (n.isBoolean()) return n.booleanValue();
    if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) return Boolean.valueOf(n.asText());
    problems.add(Problem.error(r, field, n.asText() + " (expected: true or false)"));
    return null;
  }

  private static List<String> strings(Resource r, JsonNode n, String field, List<Problem> problems) {
    if (n == null || n.isNull()) return List.of();
    if (!n.isArray()) {
      problems.add(Problem.error(r, field, "not a list (expected: a list of strings)"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual()) problems.add(Problem.error(r, field + "[" + i + "]", e + " (expected: a string)"));
      else out.add(e.asText());
    }
    return out;
  }

  // ---- configuration values: JSON to plain Java, with ${secret...} substituted

  private static Map<String, Object> asMap(JsonNode obj, Resource r, ResourceSet set, String field,
      List<Problem> problems, Map<String, String> secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), plain(e.getValue(), r, set, field + "." + e.getKey(), problems, secrets));
    }
    return Collections.unmodifiableMap(m);
  }

  private static Object plain(JsonNode n, Resource r, ResourceSet set, String field, List<Problem> problems,
      Map<String, String> secrets) {
    if (n == null || n.isNull() || n.isMissingNode()) return null;
    if (n.isObject()) return asMap(n, r, set, field, problems, secrets);
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < n.size(); i++) l.add(plain(n.get(i), r, set, field + "[" + i + "]", problems, secrets));
      return Collections.unmodifiableList(l);
    }
    if (n.isBoolean()) return n.booleanValue();
    if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
    if (n.isNumber()) return n.doubleValue();
    return substitute(n.asText(), r, set, field, problems, secrets);
  }

  /** {@code ${secret.<ns>/<name>.<key>}} or {@code ${secret.<name>.<key>}} (the WasmPlugin's namespace). */
  private static String substitute(String s, Resource r, ResourceSet set, String field, List<Problem> problems,
      Map<String, String> secrets) {
    if (s.indexOf("${secret.") < 0) return s;
    Matcher m = SECRET_REF.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1);
      String qualified = ref.indexOf('/') < 0 ? r.namespace() + "/" + ref : ref;
      String value = secretValue(qualified, set);
      secrets.put(qualified, value);
      if (value == null) {
        problems.add(Problem.error(r, field, "${secret." + ref + "}: no such Secret key (expected: a Secret <namespace>/"
            + "<name> with key <key> in data or stringData)"));
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The value of {@code <ns>/<name>.<key>}; names and keys may both hold dots, so every split is tried,
   * shortest name first. Null when no Secret has such a key.
   */
  static String secretValue(String qualified, ResourceSet set) {
    int slash = qualified.indexOf('/');
    if (slash <= 0) return null;
    String ns = qualified.substring(0, slash);
    String rest = qualified.substring(slash + 1);
    for (int dot = rest.indexOf('.'); dot > 0; dot = rest.indexOf('.', dot + 1)) {
      Resource secret = set.get("", "Secret", ns, rest.substring(0, dot));
      if (secret == null) continue;
      String key = rest.substring(dot + 1);
      JsonNode plain = secret.body().path("stringData").get(key);
      if (plain != null && !plain.isNull()) return plain.asText();
      JsonNode b64 = secret.body().path("data").get(key);
      if (b64 != null && !b64.isNull()) {
        try {
          return new String(Base64.getMimeDecoder().decode(b64.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }
}
