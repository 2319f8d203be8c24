package io.higressj.plugins.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformerTest {
  private final TransformerFactory factory = new TransformerFactory();

  private static Map<String, Object> rule(String operate, Object... kv) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("operate", operate);
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  @Test
  void placement() {
    assertThat(factory.name()).isEqualTo("transformer");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.AUTHN);
    assertThat(factory.defaultPriority()).isEqualTo(410);
  }

  @Test
  void requestHeadersAndQueryAsInTheCorpus() throws Exception {
    Map<String, Object> cfg = Map.of("reqRules", List.of(
        rule("remove", "headers", List.of(Map.of("key", "X-remove")), "querys", List.of(Map.of("key", "k1"))),
        rule("rename", "headers", List.of(Map.of("oldKey", "X-not-renamed", "newKey", "X-renamed")),
            "querys", List.of(Map.of("oldKey", "k2", "newKey", "k2-new"))),
        rule("replace", "headers", List.of(Map.of("key", "X-replace", "newValue", "replaced")),
            "querys", List.of(Map.of("key", "k2-new", "newValue", "v2-new"))),
        rule("add", "headers", List.of(Map.of("key", "X-add-append", "value", "add")),
            "querys", List.of(Map.of("key", "k3", "value", "v31"))),
        rule("append", "headers", List.of(Map.of("key", "X-add-append", "appendValue", "append")),
            "querys", List.of(Map.of("key", "k3", "appendValue", "v32"))),
        rule("map", "headers", List.of(Map.of("fromKey", "X-add-append", "toKey", "X-map")),
            "querys", List.of(Map.of("fromKey", "k3", "toKey", "k4"))),
        rule("dedupe", "headers", List.of(Map.of("key", "X-dedupe-first", "strategy", "RETAIN_FIRST"),
            Map.of("key", "X-dedupe-last", "strategy", "RETAIN_LAST"), Map.of("key", "X-dedupe-unique", "strategy", "RETAIN_UNIQUE")),
            "querys", List.of(Map.of("key", "k4", "strategy", "RETAIN_FIRST")))));
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("GET", "/get?k1=v11&k1=v12&k2=v2", "foo1.com");
    for (String v : List.of("1", "2", "3")) ex.header("X-dedupe-first", v);
    for (String v : List.of("a", "b", "c")) ex.header("X-dedupe-last", v);
    for (String v : List.of("1", "2", "3", "3", "2", "1")) ex.header("X-dedupe-unique", v);
    ex.header("X-not-renamed", "test").header("X-remove", "exist").header("X-replace", "not-replaced");
    ex.requestHeaders();
    var h = ex.headers();
    assertThat(h.path()).isEqualTo("/get?k2-new=v2-new&k3=v31&k3=v32&k4=v31");
    assertThat(h.getAll("x-add-append")).containsExactly("add", "append");
    assertThat(h.getAll("x-map")).containsExactly("add", "append");
    assertThat(h.getAll("x-dedupe-first")).containsExactly("1");
    assertThat(h.getAll("x-dedupe-last")).containsExactly("c");
    assertThat(h.getAll("x-dedupe-unique")).containsExactly("1", "2", "3");
    assertThat(h.get("x-renamed")).isEqualTo("test");
    assertThat(h.get("x-not-renamed")).isNull();
    assertThat(h.get("x-replace")).isEqualTo("replaced");
    assertThat(h.get("x-remove")).isNull();
  }

  @Test
  void responseRulesWithPatternsInConfiguredOrder() throws Exception {
    Map<String, Object> cfg = Map.of("respRules", List.of(
        rule("remove", "headers", List.of(Map.of("key", "X-remove"))),
        rule("replace", "headers", List.of(Map.of("key", "X-replace", "newValue", "replace-$1",
            "path_pattern", "^.*?\\/(\\w+)[\\?]{0,1}.*$"))),
        rule("add", "headers", List.of(Map.of("key", "X-add-append", "value", "add-$1", "host_pattern", "^(.*)\\.com$"))),
        rule("map", "headers", List.of(Map.of("fromKey", "X-add-append", "toKey", "X-map"))),
        rule("append", "headers", List.of(Map.of("key", "X-add-append", "appendValue", "append-${1}",
            "path_pattern", "^\\/get\\/(.*)\\.html$"))),
        rule("append", "headers", List.of(Map.of("key", "X-never", "appendValue", "x", "path_pattern", "^/nope")))));
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("GET", "/get/index.html", "foo5.com:8080");
    ex.requestHeaders();
    ex.responseHeaders(200, Map.of("x-remove", "exist", "x-replace", "not-replaced"), true);
    var r = ex.response();
    assertThat(r.get("x-remove")).isNull();
    assertThat(r.get("x-replace")).isEqualTo("replace-get");
    assertThat(r.getAll("x-add-append")).containsExactly("add-foo5", "append-index");
    assertThat(r.getAll("x-map")).containsExactly("add-foo5");
    assertThat(r.get("x-never")).isNull();
  }

  @Test
  void mapBetweenHeadersAndQueryAndSplitDedupe() throws Exception {
    PluginTestHost toHeader = PluginTestHost.of(factory, Map.of("reqRules", List.of(rule("map", "mapSource", "querys",
        "headers", List.of(Map.of("fromKey", "kmap", "toKey", "X-map"))))));
    PluginTestHost.Exchange a = toHeader.exchange("GET", "/get?kmap=vmap", "foo6.com");
    a.requestHeaders();
    assertThat(a.headers().get("x-map")).isEqualTo("vmap");
    assertThat(a.headers().path()).isEqualTo("/get?kmap=vmap");

    PluginTestHost toQuery = PluginTestHost.of(factory, Map.of("reqRules", List.of(rule("map", "mapSource", "headers",
        "querys", List.of(Map.of("fromKey", "X-map", "toKey", "kmap"))))));
    PluginTestHost.Exchange b = toQuery.exchange("GET", "/get", "foo7.com").header("X-map", "v map&x=1");
    b.requestHeaders();
    assertThat(b.headers().path()).isEqualTo("/get?kmap=v+map%26x%3D1");

    PluginTestHost split = PluginTestHost.of(factory, Map.of("reqRules", List.of(rule("dedupe", "headers", List.of(
        Map.of("key", "X-split-dedupe-first", "strategy", "SPLIT_AND_RETAIN_FIRST"),
        Map.of("key", "X-split-dedupe-last", "strategy", "SPLIT_AND_RETAIN_LAST"))))));
    PluginTestHost.Exchange c = split.exchange("GET", "/get", "foo18.com")
        .header("X-split-dedupe-first", "1,2,3").header("X-split-dedupe-last", "a, b, c");
    c.requestHeaders();
    assertThat(c.headers().get("x-split-dedupe-first")).isEqualTo("1");
    assertThat(c.headers().get("x-split-dedupe-last")).isEqualTo("c");
  }

  @Test
  void replaceOfAnAbsentKeyAddsItAndValuesMayBeYamlScalars() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("reqRules", List.of(rule("replace",
        "headers", List.of(Map.of("key", "reroute", "newValue", true)),
        "querys", List.of(Map.of("key", "X-replace-querys", "newValue", "exist-querys"))))));
    PluginTestHost.Exchange ex = host.exchange("GET", "/get?X-replace-querys=hello", "foo14.com");
    ex.requestHeaders();
    assertThat(ex.headers().get("reroute")).isEqualTo("true");
    assertThat(ex.headers().path()).isEqualTo("/get?X-replace-querys=exist-querys");
  }

  @Test
  void hostileQueriesAreKeptAsSentWhenUntouched() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("reqRules", List.of(rule("remove",
        "querys", List.of(Map.of("key", "k"))))));
    PluginTestHost.Exchange untouched = host.exchange("GET", "/p?a=%zz&&b==c&", "a");
    untouched.requestHeaders();
    assertThat(untouched.headers().path()).isEqualTo("/p?a=%zz&&b==c&");
    PluginTestHost.Exchange removed = host.exchange("GET", "/p?k=1&a=%E4%BD%A0", "a");
    removed.requestHeaders();
    assertThat(removed.headers().path()).isEqualTo("/p?a=%E4%BD%A0");
    PluginTestHost.Exchange all = host.exchange("GET", "/p?k=1&k=2", "a");
    all.requestHeaders();
    assertThat(all.headers().path()).isEqualTo("/p");
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("upsert")))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].operate: \"upsert\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(Map.of("headers", List.of())))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].operate: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("rename",
        "headers", List.of(Map.of("oldKey", "a")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].headers[0].newKey: missing");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("respRules", List.of(rule("add", "headers",
        List.of(Map.of("key", "a", "value", "x", "path_pattern", "(")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("respRules[0].headers[0].path_pattern: not a valid RE2");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("respRules", List.of(rule("remove", "querys",
        List.of(Map.of("key", "a")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("respRules[0].querys: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("remove", "body",
        List.of(Map.of("key", "a")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].body: JSON body operations are not built in yet");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("dedupe", "headers",
        List.of(Map.of("key", "a", "strategy", "KEEP")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].headers[0].strategy: \"KEEP\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("add", "headers",
        List.of(Map.of("key", "a", "value", "x\r\nInjected: 1")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].headers[0].value: a line break");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", "nope")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules: ");
  }
}
