package io.higressj.config.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.config.ingress.IngressTranslator;
import io.higressj.config.model.Route;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WasmPluginTranslatorTest {
  /** The parsed configuration: the map as given, plus which call made it. */
  record Cfg(Map<String, Object> map, Cfg global) {}

  /** A factory counting its parses; {@code consumers[i].name} must be a string. */
  static final class TestFactory implements PluginFactory<Cfg> {
    final String name;
    final PluginPhase phase;
    final AtomicInteger parses = new AtomicInteger();

    TestFactory(String name, PluginPhase phase) {
      this.name = name;
      this.phase = phase;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public PluginPhase defaultPhase() {
      return phase;
    }

    @Override
    public Cfg parseConfig(Map<String, Object> config) throws PluginConfigException {
      parses.incrementAndGet();
      if (config.get("consumers") instanceof List<?> l) {
        for (int i = 0; i < l.size(); i++) {
          if (!(l.get(i) instanceof Map<?, ?> m) || !(m.get("name") instanceof String)) {
            throw new PluginConfigException("consumers[" + i + "].name", "missing (expected: a string)");
          }
        }
      }
      return new Cfg(config, null);
    }

    @Override
    public Cfg parseRuleConfig(Map<String, Object> rule, Cfg global) throws PluginConfigException {
      Cfg c = parseConfig(rule);
      return new Cfg(c.map(), global);
    }

    @Override
    public HttpFilter create(Cfg config) {
      return new HttpFilter() {};
    }
  }

  final TestFactory a = new TestFactory("plugin-a", PluginPhase.UNSPECIFIED_PHASE);
  final TestFactory b = new TestFactory("plugin-b", PluginPhase.AUTHN);
  final TestFactory c = new TestFactory("plugin-c", PluginPhase.UNSPECIFIED_PHASE);
  final PluginRegistry registry = PluginRegistry.of(Map.of("plugin-a", a, "plugin-b", b, "plugin-c", c));

  static final String INGRESSES = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: foo, namespace: default}
      spec:
        rules:
        - host: foo.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: bar, namespace: default}
      spec:
        rules:
        - host: bar.com
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: wild, namespace: default}
      spec:
        rules:
        - host: "*.wild.com"
          http:
            paths:
            - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
      ---
      """;

  static ResourceSet parse(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    return ResourceSet.of(p.resources(), p.problems());
  }

  static String plugin(String name, String url, String spec) {
    return """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: %s, namespace: higress-system}
        spec:
          url: %s
        %s
        ---
        """.formatted(name, url, spec.indent(2));
  }

  record Out(Snapshot routes, WasmPluginTranslator.Result result) {
    Route route(String host) {
      for (VirtualHost vh : routes.routes().virtualHosts()) {
        if (vh.domain().equals(host)) return vh.routes().get(0);
      }
      throw new AssertionError("no host " + host);
    }

    PluginChain chain(String host) {
      return result.chains().forRoute(route(host));
    }

    List<String> names(String host) {
      PluginChain ch = chain(host);
      List<String> out = new ArrayList<>();
      if (ch != null) for (PluginBinding pb : ch.bindings()) out.add(pb.plugin());
      return out;
    }

    Cfg config(String host, String plugin, String authority) {
      for (PluginBinding pb : chain(host).bindings()) {
        if (pb.plugin().equals(plugin)) return (Cfg) pb.configFor(authority);
      }
      throw new AssertionError(plugin + " not on " + host);
    }

    List<Problem> errors() {
      return result.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).toList();
    }
  }

  Out translate(WasmPluginTranslator t, String yaml) {
    ResourceSet set = parse(yaml);
    Snapshot s = IngressTranslator.translate(set);
    return new Out(s, t.translate(set, s.routes()));
  }

  Out translate(String yaml) {
    return translate(new WasmPluginTranslator(registry), yaml);
  }

  @Test
  void pluginNameIsTheLastPathElementWithoutTagOrExtension() {
    assertThat(WasmPluginTranslator.pluginName("oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/key-auth:1.0.0"))
        .isEqualTo("key-auth");
    assertThat(WasmPluginTranslator.pluginName("oci://r.io/p/request-block@sha256:abcd")).isEqualTo("request-block");
    assertThat(WasmPluginTranslator.pluginName("file:///opt/plugins/my-plugin.wasm")).isEqualTo("my-plugin");
    assertThat(WasmPluginTranslator.pluginName("https://example.com/x/basic-auth.wasm?v=2")).isEqualTo("basic-auth");
    assertThat(WasmPluginTranslator.pluginName("registry.local:5000/plugins/cors:2.0")).isEqualTo("cors");
    assertThat(WasmPluginTranslator.pluginName("oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/go-request-block:2.0.0"))
        .isEqualTo("request-block");
    // the Go images of the auth plugins name the built-ins (no alias factories needed)
    assertThat(WasmPluginTranslator.pluginName("oci://r.example/plugins/go-key-auth:2.0.0")).isEqualTo("key-auth");
    assertThat(WasmPluginTranslator.pluginName("oci://r.example/plugins/go-basic-auth:2.0.0")).isEqualTo("basic-auth");
    assertThat(WasmPluginTranslator.pluginName("oci://r.example/plugins/go-jwt-auth:2.0.0")).isEqualTo("jwt-auth");
    assertThat(WasmPluginTranslator.pluginName("file:///opt/plugins/wasm-cpp/extensions/request_block/plugin.wasm"))
        .isEqualTo("request-block");
    assertThat(WasmPluginTranslator.pluginName("file:///opt/plugins/wasm-go/extensions/cache-control/plugin.wasm"))
        .isEqualTo("cache-control");
    assertThat(WasmPluginTranslator.pluginName("file:///plugin.wasm")).isEqualTo("plugin");
  }

  @Test
  void ordersByPhaseThenPriorityThenName() {
    Out o = translate(INGRESSES
        + plugin("a", "oci://r/p/plugin-a:1", "priority: 10")
        + plugin("c", "oci://r/p/plugin-c:1", "priority: 100")
        + plugin("b", "oci://r/p/plugin-b:1", "priority: 1")); // AUTHN by its factory's default
    assertThat(o.names("foo.com")).containsExactly("plugin-b", "plugin-c", "plugin-a");
    assertThat(o.chain("foo.com").bindings()).extracting(PluginBinding::rank).isSorted();

    Out p = translate(INGRESSES
        + plugin("a", "oci://r/p/plugin-a:1", "phase: AUTHZ\npriority: 10")
        + plugin("b", "oci://r/p/plugin-b:1", "phase: STATS\npriority: 1000")
        + plugin("c", "oci://r/p/plugin-c:1", "phase: AUTHZ\npriority: 20"));
    assertThat(p.names("foo.com")).containsExactly("plugin-c", "plugin-a", "plugin-b");
    assertThat(o.errors()).isEmpty();
  }

  @Test
  void matchRulesByIngressDomainAndServiceFirstMatchWins() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {level: global}
        matchRules:
        - ingress: [default/foo]
          config: {level: ingress}
        - domain: ["*.bar.com", "bar.*", "a.wild.com"]
          config: {level: domain}
        - service: ["api.default.svc.cluster.local:8080"]
          config: {level: service}
        """));
    assertThat(o.errors()).isEmpty();
    assertThat(o.config("foo.com", "plugin-a", "foo.com").map()).containsEntry("level", "ingress");
    // bar.com: an exact host, the domain rule is decided at once
    assertThat(o.config("bar.com", "plugin-a", "bar.com").map()).containsEntry("level", "domain");
    assertThat(o.chain("bar.com").get(0).domainRules()).isEmpty();
    // *.wild.com: the domain rule comes first but is checked per request; otherwise the service rule applies
    assertThat(o.chain("*.wild.com").get(0).domainRules()).hasSize(1);
    assertThat(o.config("*.wild.com", "plugin-a", "a.wild.com").map()).containsEntry("level", "domain");
    assertThat(o.config("*.wild.com", "plugin-a", "A.wild.com:8080").map()).containsEntry("level", "domain");
    assertThat(o.config("*.wild.com", "plugin-a", "b.wild.com").map()).containsEntry("level", "service");
    DomainMatch d = new DomainMatch(List.of("*.bar.com", "bar.*"));
    assertThat(d.matches("x.bar.com")).isTrue();
    assertThat(d.matches("bar.org:80")).isTrue();
    assertThat(d.matches("foobar.com")).isFalse();
    // rule configurations see the parsed global one
    assertThat(o.config("foo.com", "plugin-a", "foo.com").global().map()).containsEntry("level", "global");
  }

  @Test
  void serviceWithoutPortMatchesAnyPortAndGlobalAppliesElsewhere() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {level: global}
        matchRules:
        - service: ["web.default.svc.cluster.local"]
          config: {level: service}
        """));
    assertThat(o.config("foo.com", "plugin-a", "foo.com").map()).containsEntry("level", "service");
    assertThat(o.config("bar.com", "plugin-a", "bar.com").map()).containsEntry("level", "global");
  }

  @Test
  void configDisableAndDefaultConfigDisable() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {level: global}
        matchRules:
        - ingress: [default/foo]
          configDisable: true
        """) + plugin("c", "oci://r/p/plugin-c:1", """
        defaultConfig: {level: global}
        defaultConfigDisable: true
        matchRules:
        - ingress: [default/bar]
          config: {level: bar}
        """));
    assertThat(o.errors()).isEmpty();
    assertThat(o.names("foo.com")).isEmpty(); // a: disabled there; c: only global, disabled
    assertThat(o.names("bar.com")).containsExactly("plugin-a", "plugin-c");
    assertThat(o.config("bar.com", "plugin-c", "bar.com").map()).containsEntry("level", "bar");
  }

  @Test
  void withRulesAndNoDefaultConfigThePluginRunsOnlyWhereARuleMatches() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        matchRules:
        - domain: [bar.com]
          config: {level: domain}
        """) + plugin("c", "oci://r/p/plugin-c:1", ""));
    assertThat(o.names("foo.com")).containsExactly("plugin-c"); // no configuration at all: everywhere
    assertThat(o.config("bar.com", "plugin-a", "bar.com").map()).containsEntry("level", "domain");
    assertThat(o.config("bar.com", "plugin-a", "other.com").map()).containsEntry("level", "domain"); // decided for bar.com
  }

  @Test
  void secretsAreSubstitutedAndReappliedWhenTheSecretChanges() {
    WasmPluginTranslator t = new WasmPluginTranslator(registry);
    String wasm = plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig:
          token: "Bearer ${secret.default/creds.token}"
          short: "${secret.local.key}"
        """);
    String local = """
        apiVersion: v1
        kind: Secret
        metadata: {name: local, namespace: higress-system}
        stringData: {key: local-value}
        ---
        """;
    Out o = translate(t, INGRESSES + wasm + local + secret("s3cr3t"));
    assertThat(o.errors()).isEmpty();
    assertThat(o.config("foo.com", "plugin-a", "foo.com").map())
        .containsEntry("token", "Bearer s3cr3t").containsEntry("short", "local-value");
    int parses = a.parses.get();

    Out same = translate(t, INGRESSES + wasm + local + secret("s3cr3t"));
    assertThat(same.config("foo.com", "plugin-a", "foo.com").map()).containsEntry("token", "Bearer s3cr3t");
    assertThat(a.parses.get()).isEqualTo(parses); // nothing changed: not parsed again

    Out changed = translate(t, INGRESSES + wasm + local + secret("n3w"));
    assertThat(changed.config("foo.com", "plugin-a", "foo.com").map()).containsEntry("token", "Bearer n3w");
    assertThat(a.parses.get()).isEqualTo(parses + 1);

    Out missing = translate(t, INGRESSES + wasm + local);
    assertThat(missing.errors()).singleElement().satisfies(p -> {
      assertThat(p.object()).isEqualTo("WasmPlugin higress-system/a");
      assertThat(p.field()).isEqualTo("spec.defaultConfig.token");
      assertThat(p.message()).contains("${secret.default/creds.token}");
    });
    assertThat(missing.names("foo.com")).isEmpty();
  }

  static String secret(String token) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: creds, namespace: default}
        data: {token: %s}
        ---
        """.formatted(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void badConfigurationsAreReportedWithTheirFieldAndThePluginIsLeftOut() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {consumers: [{name: ok}]}
        matchRules:
        - ingress: [default/foo]
          config: {}
        - ingress: [default/bar]
          config:
            consumers: [{name: ok}, {credential: x}]
        """) + plugin("c", "oci://r/p/plugin-c:1", """
        phase: EARLY
        priority: high
        failStrategy: SOMETIMES
        matchRules:
        - config: {a: 1}
        - ingress: [foo]
          domain: [x.com]
        """) + plugin("b", "oci://r/p/nobody:1", ""));
    assertThat(o.names("foo.com")).isEmpty();
    assertThat(o.names("bar.com")).isEmpty();
    List<String> lines = o.errors().stream().map(p -> p.object() + " " + p.field() + ": " + p.message()).toList();
    assertThat(lines).contains(
        "WasmPlugin higress-system/a spec.matchRules[1].config.consumers[1].name: missing (expected: a string)",
        "WasmPlugin higress-system/c spec.phase: EARLY (expected: AUTHN, AUTHZ, STATS, UNSPECIFIED_PHASE)",
        "WasmPlugin higress-system/c spec.priority: high (expected: an integer)",
        "WasmPlugin higress-system/c spec.failStrategy: SOMETIMES (expected: FAIL_CLOSE, FAIL_OPEN)",
        "WasmPlugin higress-system/c spec.matchRules[0]: no ingress, domain or service (expected: at least one of them)",
        "WasmPlugin higress-system/c spec.matchRules[1].ingress[0]: foo (expected: <namespace>/<ingress name>)",
        "WasmPlugin higress-system/c spec.matchRules[1]: both ingress and domain (expected: one of them; use two rules)",
        "WasmPlugin higress-system/b spec.url: no built-in plugin named nobody and no Wasm module loader");
  }

  @Test
  void failStrategyDefaultsToFailCloseAsInHigress() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", "")
        + plugin("c", "oci://r/p/plugin-c:1", "failStrategy: FAIL_OPEN"));
    assertThat(o.chain("foo.com").bindings()).extracting(PluginBinding::failStrategy)
        .containsExactly(FailStrategy.FAIL_CLOSE, FailStrategy.FAIL_OPEN);
  }

  @Test
  void configurationsAreParsedOncePerChangeAndChainsAreShared() {
    WasmPluginTranslator t = new WasmPluginTranslator(registry);
    String yaml = INGRESSES + plugin("a", "oci://r/p/plugin-a:1", "defaultConfig: {x: 1}");
    translate(t, yaml);
    int n = a.parses.get();
    Out again = translate(t, yaml);
    assertThat(a.parses.get()).isEqualTo(n);
    assertThat(again.chain("foo.com")).isSameAs(again.chain("bar.com"));
    translate(t, INGRESSES + plugin("a", "oci://r/p/plugin-a:1", "defaultConfig: {x: 2}"));
    assertThat(a.parses.get()).isEqualTo(n + 1);
  }

  @Test
  void pendingModulesAreLeftOutWithAWarning() {
    WasmPluginTranslator t = new WasmPluginTranslator(ref -> new PluginRegistry.Pending("fetching " + ref.url()));
    Out o = translate(t, INGRESSES + plugin("a", "oci://r/p/plugin-a:1", ""));
    assertThat(o.errors()).isEmpty();
    assertThat(o.result().problems()).singleElement().satisfies(p -> assertThat(p.message()).isEqualTo("fetching oci://r/p/plugin-a:1"));
    assertThat(o.names("foo.com")).isEmpty();
  }

  @Test
  void lookingUpARouteWithoutPluginsAllocatesNothing() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        matchRules:
        - ingress: [default/foo]
          config: {x: 1}
        """));
    Route bar = o.route("bar.com");
    PluginChains chains = o.result().chains();
    assertThat(chains.forRoute(bar)).isNull();
    assertThat(PluginChains.EMPTY.forRoute(bar)).isNull();
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    int found = 0;
    for (int i = 0; i < 20_000; i++) found += chains.forRoute(bar) == null && PluginChains.EMPTY.forRoute(bar) == null ? 0 : 1;
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) found += chains.forRoute(bar) == null && PluginChains.EMPTY.forRoute(bar) == null ? 0 : 1;
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertThat(found).isZero();
    assertThat(allocated).isLessThan(10_000); // nothing per lookup (a little slack for the counter itself)
  }

  @Test
  void configDumpShowsChains() {
    Out o = translate(INGRESSES + plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {x: 1}
        matchRules:
        - domain: [foo.com]
          configDisable: true
        """));
    Snapshot s = new Snapshot(1, o.routes().created(), o.routes().routes(), o.routes().clusters(), o.routes().tls(),
        List.of(), o.routes().settings(), o.result().chains());
    String json = SnapshotDump.toJson(s).toString();
    assertThat(json).contains("\"plugins\":[{\"name\":\"plugin-a\",\"phase\":\"UNSPECIFIED_PHASE\",\"priority\":0,"
        + "\"config\":\"defaultConfig\",\"domainRules\":[\"matchRules[0] foo.com disabled\"]}]");
    assertThat(json).contains("\"wasmPlugins\":[{\"name\":\"plugin-a\",\"source\":\"WasmPlugin higress-system/a\"");
  }

  @Test
  void aChangeOfRoutesDecidesOnlyTheNewRoutesAndGivesWhatAFreshTranslationGives() {
    String plugins = plugin("a", "oci://r/p/plugin-a:1", """
        defaultConfig: {level: global}
        matchRules:
        - domain: [h3.example.com, "*.example.com"]
          config: {level: domain}
        - service: [s5.default.svc.cluster.local]
          config: {level: service}
        - ingress: [default/i7]
          config: {level: ingress}
        """) + plugin("b", "oci://r/p/plugin-b:1", """
        matchRules:
        - domain: [h1.example.com]
          config: {level: only-h1}
        """);
    java.util.function.IntFunction<String> ingresses = version -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        b.append("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i").append(i)
            .append(", namespace: default}\nspec:\n  rules:\n  - host: ").append(i == 11 ? "x.wild.org" : "h" + i % 6 + ".example.com")
            .append("\n    http: {paths: [{path: /p").append(i).append(i == version % 12 ? "v" + version : "")
            .append(", pathType: Prefix, backend: {service: {name: s").append(i).append(", port: {number: 80}}}}]}\n---\n");
      }
      return b.toString();
    };
    IngressTranslator routes = new IngressTranslator(IngressTranslator.Options.defaults());
    WasmPluginTranslator t = new WasmPluginTranslator(registry);
    WasmPluginTranslator.Result before = null;
    Snapshot previous = null;
    ResourceSet set = parse(ingresses.apply(0) + plugins);
    for (int version = 0; version < 30; version++) {
      if (version > 0) {
        // the objects of this version that differ from the last one's; every tenth changes a plugin too,
        // so that nothing may be kept
        String yaml = ingresses.apply(version) + (version % 10 == 9 ? plugins.replace("level: service", "level: v" + version) : plugins);
        java.util.TreeMap<io.higressj.config.resource.ResourceKey, io.higressj.config.resource.Resource> changes = new java.util.TreeMap<>();
        for (var res : parse(yaml).resources().values()) {
          if (!res.equals(set.resources().get(res.key()))) changes.put(res.key(), res);
        }
        set = set.with(changes, List.of());
      }
      Snapshot s = routes.update(set);
      WasmPluginTranslator.Result r = t.translate(set, s.routes());
      WasmPluginTranslator.Result fresh = new WasmPluginTranslator(registry).translate(set, s.routes());
      assertThat(r.problems()).isEqualTo(fresh.problems());
      assertThat(r.chains().unrouted()).isEqualTo(fresh.chains().unrouted());
      int kept = 0;
      for (VirtualHost vh : s.routes().virtualHosts()) {
        for (Route route : vh.routes()) {
          assertThat(r.chains().forRoute(route)).as("version %d: %s", version, route.name()).isEqualTo(fresh.chains().forRoute(route));
          if (before != null && previous.routes().virtualHosts().contains(vh) && before.chains().forRoute(route) != null
              && before.chains().forRoute(route) == r.chains().forRoute(route)) {
            kept++;
          }
        }
      }
      if (version > 0 && version % 10 != 9 && version % 10 != 0) assertThat(kept).as("version %d: chains kept", version).isGreaterThan(5);
      before = r;
      previous = s;
    }
  }
}
