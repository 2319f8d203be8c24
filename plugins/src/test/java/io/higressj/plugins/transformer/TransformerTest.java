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
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("add", "body",
        List.of(Map.of("key", "a", "value", "x", "value_type", "date")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].body[0].value_type: \"date\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("add", "body",
        List.of(Map.of("key", "a", "value", "twelve", "value_type", "number")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].body[0].value: \"twelve\" is not a number");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("map", "mapSource", "cookies",
        "headers", List.of(Map.of("fromKey", "a", "toKey", "b")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].mapSource: \"cookies\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("respRules", List.of(rule("map", "mapSource", "querys",
        "headers", List.of(Map.of("fromKey", "a", "toKey", "b")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("respRules[0].mapSource: responses have no query");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reroute", "sometimes")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reroute: ");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("dedupe", "headers",
        List.of(Map.of("key", "a", "strategy", "KEEP")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].headers[0].strategy: \"KEEP\"");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", List.of(rule("add", "headers",
        List.of(Map.of("key", "a", "value", "x\r\nInjected: 1")))))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules[0].headers[0].value: a line break");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("reqRules", "nope")))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("reqRules: ");
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static Map<String, Object> bodyOps() {
    return Map.of("reqRules", List.of(
        rule("remove", "body", List.of(Map.of("key", "X-removed"))),
        rule("rename", "body", List.of(Map.of("oldKey", "X-not-renamed", "newKey", "X-renamed"))),
        rule("replace", "body", List.of(Map.of("key", "X-replace", "newValue", "replaced"))),
        rule("add", "body", List.of(Map.of("key", "X-add-append", "value", "add"))),
        rule("append", "body", List.of(Map.of("key", "X-add-append", "appendValue", "append"))),
        rule("map", "body", List.of(Map.of("fromKey", "X-to-be-mapped", "toKey", "X-map"))),
        rule("dedupe", "body", List.of(Map.of("key", "X-dedupe-first", "strategy", "RETAIN_FIRST"),
            Map.of("key", "X-dedupe-last", "strategy", "RETAIN_LAST"), Map.of("key", "X-dedupe-unique", "strategy", "RETAIN_UNIQUE")))));
  }

  @Test
  void requestJsonBodyOperationsAsInTheCorpus() throws Exception {
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, bodyOps()).exchange("POST", "/post", "foo8.com");
    ex.header("content-type", "application/json");
    ex.requestHeaders(false);
    assertThat(ex.requestBufferLimit()).isPositive();
    ex.requestBody("{\"X-removed\":[\"v1\",\"v2\"],\"X-not-renamed\":[\"v1\"],\"X-to-be-mapped\":[\"v1\",\"v2\"],"
        + "\"X-replace\":\"not-replaced\",\"X-dedupe-first\":[1,2,3],\"X-dedupe-last\":[\"a\",\"b\"],"
        + "\"X-dedupe-unique\":[1,2,2,1]}", true);
    assertThat(JSON.readTree(ex.requestBody())).isEqualTo(JSON.readTree("{\"X-renamed\":[\"v1\"],\"X-to-be-mapped\":[\"v1\",\"v2\"],"
        + "\"X-replace\":\"replaced\",\"X-add-append\":[\"add\",\"append\"],\"X-map\":[\"v1\",\"v2\"],"
        + "\"X-dedupe-first\":1,\"X-dedupe-last\":\"b\",\"X-dedupe-unique\":[1,2]}"));
  }

  @Test
  void responseJsonBodyIsBufferedAndTransformed() throws Exception {
    Map<String, Object> cfg = Map.of("respRules", bodyOps().get("reqRules"));
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("POST", "/post", "foo9.com");
    ex.requestHeaders(false);
    assertThat(ex.requestBufferLimit()).isEqualTo(-1);
    ex.responseHeaders(200, Map.of("content-type", "application/json; charset=utf-8"), false);
    assertThat(ex.responseBufferLimit()).isPositive();
    ex.responseBody("{\"X-removed\":1,\"X-to-be-mapped\":{\"a\":1}}", true);
    assertThat(JSON.readTree(ex.responseBody())).isEqualTo(JSON.readTree(
        "{\"X-to-be-mapped\":{\"a\":1},\"X-map\":{\"a\":1},\"X-replace\":\"replaced\",\"X-add-append\":[\"add\",\"append\"]}"));
    // another type is left alone, unbuffered
    PluginTestHost.Exchange text = PluginTestHost.of(factory, cfg).exchange("GET", "/", "foo9.com");
    text.requestHeaders();
    text.responseHeaders(200, Map.of("content-type", "text/plain"), false);
    assertThat(text.responseBufferLimit()).isEqualTo(-1);
  }

  @Test
  void mapsBetweenBodyAndHeadersAndQuerys() throws Exception {
    Map<String, Object> toBody = Map.of("reqRules", List.of(
        rule("map", "mapSource", "headers", "body", List.of(Map.of("fromKey", "X-map", "toKey", "kmap"))),
        rule("map", "mapSource", "querys", "body", List.of(Map.of("fromKey", "q", "toKey", "test.kmap")))));
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, toBody).exchange("POST", "/post?q=1", "foo10.com");
    ex.header("content-type", "application/json").header("x-map", "higress");
    ex.requestHeaders(false);
    ex.requestBody("{\"X-hello\":\"world\"}", true);
    assertThat(JSON.readTree(ex.requestBody())).isEqualTo(JSON.readTree(
        "{\"X-hello\":\"world\",\"kmap\":[\"higress\"],\"test\":{\"kmap\":[\"1\"]}}"));

    Map<String, Object> fromBody = Map.of("reqRules", List.of(
        rule("map", "mapSource", "body", "headers", List.of(Map.of("fromKey", "test.kmap", "toKey", "X-map")),
            "querys", List.of(Map.of("fromKey", "friends.1.first", "toKey", "name")))));
    PluginTestHost.Exchange ex2 = PluginTestHost.of(factory, fromBody).exchange("POST", "/post", "foo12.com");
    ex2.header("content-type", "application/json");
    ex2.requestHeaders(false);
    String body = "{\"test\":{\"kmap\":\"higress\"},\"friends\":[{\"first\":\"Dale\"},{\"first\":\"Roger\"}]}";
    ex2.requestBody(body, true);
    assertThat(ex2.headers().get("x-map")).isEqualTo("higress");
    assertThat(ex2.headers().path()).isEqualTo("/post?name=Roger");
    assertThat(ex2.requestBody()).isEqualTo(body); // untouched body stays byte for byte
  }

  @Test
  void formBodiesAndValueTypes() throws Exception {
    Map<String, Object> cfg = Map.of("reqRules", List.of(
        rule("remove", "body", List.of(Map.of("key", "a1"))),
        rule("add", "body", List.of(Map.of("key", "n", "value", "12", "value_type", "number"),
            Map.of("key", "b", "value", "true", "value_type", "boolean"),
            Map.of("key", "o", "value", "{\"x\":[1]}", "value_type", "object"))),
        rule("map", "mapSource", "body", "headers", List.of(Map.of("fromKey", "userId", "toKey", "x-user-id")))));
    PluginTestHost.Exchange form = PluginTestHost.of(factory, cfg).exchange("POST", "/", "a.com");
    form.header("content-type", "application/x-www-form-urlencoded");
    form.requestHeaders(false);
    form.requestBody("a1=t1&userId=12&z=%20", true);
    assertThat(form.headers().get("x-user-id")).isEqualTo("12");
    assertThat(form.requestBody()).isEqualTo("b=true&n=12&o=%7B%22x%22%3A%5B1%5D%7D&userId=12&z=+");

    PluginTestHost.Exchange json = PluginTestHost.of(factory, cfg).exchange("POST", "/", "a.com");
    json.header("content-type", "application/json");
    json.requestHeaders(false);
    json.requestBody("{\"a1\":1,\"userId\":12}", true);
    assertThat(json.headers().get("x-user-id")).isEqualTo("12");
    assertThat(JSON.readTree(json.requestBody())).isEqualTo(JSON.readTree("{\"userId\":12,\"n\":12,\"b\":true,\"o\":{\"x\":[1]}}"));
  }

  @Test
  void hostileBodiesAreLeftAlone() throws Exception {
    for (String body : List.of("{not json", "[1,2", "\"just a string\"", "{\"a\":" + "[".repeat(5000))) {
      PluginTestHost.Exchange ex = PluginTestHost.of(factory, bodyOps()).exchange("POST", "/", "a.com");
      ex.header("content-type", "application/json");
      ex.requestHeaders(false);
      ex.requestBody(body, true);
      assertThat(ex.requestBody()).isEqualTo(body);
    }
    // paths through scalars and out-of-range indexes do nothing
    Map<String, Object> cfg = Map.of("reqRules", List.of(rule("add", "body",
        List.of(Map.of("key", "a.b.c", "value", "x"), Map.of("key", "arr.7", "value", "x")))));
    PluginTestHost.Exchange ex = PluginTestHost.of(factory, cfg).exchange("POST", "/", "a.com");
    ex.header("content-type", "application/json");
    ex.requestHeaders(false);
    ex.requestBody("{\"a\":\"scalar\",\"arr\":[1]}", true);
    assertThat(ex.requestBody()).isEqualTo("{\"a\":\"scalar\",\"arr\":[1]}");
  }

  @Test
  void rerouteFalseKeepsTheRoute() throws Exception {
    PluginTestHost.Exchange keep = PluginTestHost.of(factory, Map.of("reroute", false, "reqRules",
        List.of(rule("replace", "headers", List.of(Map.of("key", "reroute", "newValue", true)))))).exchange("GET", "/", "a.com");
    keep.requestHeaders();
    assertThat(keep.rerouteDisabled()).isTrue();
    assertThat(keep.headers().get("reroute")).isEqualTo("true");
    PluginTestHost.Exchange dflt = PluginTestHost.of(factory, Map.of("reqRules",
        List.of(rule("replace", "headers", List.of(Map.of("key", "reroute", "newValue", true)))))).exchange("GET", "/", "a.com");
    dflt.requestHeaders();
    assertThat(dflt.rerouteDisabled()).isFalse();
  }
}
