package io.higressj.plugins.traffictag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.api.Action;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginPhase;
import io.higressj.testing.plugin.PluginTestHost;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficTagTest {
  final Deque<Integer> draws = new ArrayDeque<>();
  final TrafficTagFactory factory = new TrafficTagFactory(() -> draws.removeFirst());

  static Map<String, Object> cond(String type, String key, String op, List<String> value) {
    Map<String, Object> c = new HashMap<>(Map.of("conditionType", type, "key", key, "operator", op));
    if (value != null) c.put("value", value);
    return c;
  }

  /** Higress's first documented example */
  static Map<String, Object> example1() {
    return Map.of("defaultTagKey", "x-mse-tag", "defaultTagVal", "base", "conditionGroups", List.of(Map.of(
        "headerName", "x-mse-tag", "headerValue", "gray", "logic", "and", "conditions", List.of(
            cond("header", "role", "in", List.of("user", "viewer", "editor")),
            cond("parameter", "foo", "equal", List.of("bar"))))));
  }

  String tag(PluginTestHost host, String path, String... headers) {
    var ex = host.exchange("GET", path, "a.com");
    for (int i = 0; i < headers.length; i += 2) ex.header(headers[i], headers[i + 1]);
    assertThat(ex.requestHeaders()).isEqualTo(Action.CONTINUE);
    assertThat(ex.localReply()).isNull();
    return ex.headers().get("x-mse-tag");
  }

  @Test
  void nameAndPlace() {
    assertThat(factory.name()).isEqualTo("traffic-tag");
    assertThat(factory.defaultPhase()).isEqualTo(PluginPhase.UNSPECIFIED_PHASE);
    assertThat(factory.defaultPriority()).isEqualTo(400);
  }

  @Test
  void conditionsWithAndElseDefault() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, example1());
    assertThat(tag(host, "/?foo=bar", "role", "viewer")).isEqualTo("gray");
    assertThat(tag(host, "/?a=1&foo=b%61r", "role", "editor")).isEqualTo("gray");
    assertThat(tag(host, "/?foo=baz", "role", "viewer")).isEqualTo("base");
    assertThat(tag(host, "/?foo=bar", "role", "admin")).isEqualTo("base");
    assertThat(tag(host, "/?foo=bar")).isEqualTo("base"); // no role header: the and-group fails
    // the client's own tag is kept
    assertThat(tag(host, "/?foo=bar", "role", "viewer", "x-mse-tag", "blue")).isEqualTo("blue");
  }

  @Test
  void orGroupsAndEveryOperator() throws Exception {
    List<Map<String, Object>> conditions = List.of(
        cond("cookie", "uid", "prefix", List.of("vip-")),
        cond("header", "x-ver", "regex", List.of("^v[2-9]")),
        cond("parameter", "beta", "exists", null),
        cond("header", "x-region", "not_in", List.of("cn", "us")),
        cond("header", "x-env", "not_equal", List.of("prod")));
    PluginTestHost host = PluginTestHost.of(factory, Map.of("conditionGroups", List.of(Map.of(
        "headerName", "x-mse-tag", "headerValue", "gray", "logic", "OR", "conditions", conditions))));
    assertThat(tag(host, "/", "cookie", "a=1; uid=vip-7", "x-region", "cn", "x-env", "prod")).isEqualTo("gray");
    assertThat(tag(host, "/", "x-ver", "v3.1", "x-region", "cn", "x-env", "prod")).isEqualTo("gray");
    assertThat(tag(host, "/?beta", "x-region", "cn", "x-env", "prod")).isEqualTo("gray");
    assertThat(tag(host, "/", "x-region", "eu", "x-env", "prod")).isEqualTo("gray");
    assertThat(tag(host, "/", "x-region", "us", "x-env", "staging")).isEqualTo("gray");
    assertThat(tag(host, "/", "cookie", "uid=std-1", "x-ver", "v1", "x-region", "cn", "x-env", "prod")).isNull();
    // absent values hold for no operator but not_exists (x-region, x-env absent here)
    assertThat(tag(host, "/")).isNull();

    PluginTestHost notExists = PluginTestHost.of(factory, Map.of("conditionGroups", List.of(Map.of(
        "headerName", "x-mse-tag", "headerValue", "anon", "logic", "and",
        "conditions", List.of(cond("cookie", "uid", "not_exists", null))))));
    assertThat(tag(notExists, "/")).isEqualTo("anon");
    assertThat(tag(notExists, "/", "cookie", "uid=1")).isNull();
  }

  @Test
  void percentageIsAStableHashOfTheValue() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("conditionGroups", List.of(Map.of(
        "headerName", "x-mse-tag", "headerValue", "gray", "logic", "and",
        "conditions", List.of(cond("header", "x-user", "percentage", List.of("30")))))));
    int tagged = 0;
    for (int i = 0; i < 1000; i++) {
      String user = "user-" + i;
      byte[] d = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
      boolean expected = Long.remainderUnsigned(ByteBuffer.wrap(d, 0, 8).getLong(), 100) < 30;
      String t = tag(host, "/", "x-user", user);
      assertThat(t != null).as(user).isEqualTo(expected);
      assertThat(tag(host, "/", "x-user", user)).isEqualTo(t); // the same value, the same answer
      if (t != null) tagged++;
    }
    assertThat(tagged).isBetween(240, 360);
  }

  @Test
  void weightGroupsAfterConditions() throws Exception {
    Map<String, Object> c = new HashMap<>(Map.of("weightGroups", List.of(
        Map.of("headerName", "x-mse-tag", "headerValue", "gray", "weight", 30),
        Map.of("headerName", "x-mse-tag", "headerValue", "blue", "weight", 30))));
    PluginTestHost host = PluginTestHost.of(factory, c);
    draws.addAll(List.of(0, 29, 30, 59, 60, 99));
    assertThat(List.of(tag(host, "/"), tag(host, "/"), tag(host, "/"), tag(host, "/")))
        .containsExactly("gray", "gray", "blue", "blue");
    assertThat(tag(host, "/")).isNull();
    assertThat(tag(host, "/")).isNull();

    c.put("defaultTagKey", "x-mse-tag");
    c.put("defaultTagVal", "base");
    c.put("conditionGroups", example1().get("conditionGroups"));
    PluginTestHost all = PluginTestHost.of(factory, c);
    assertThat(tag(all, "/?foo=bar", "role", "user")).isEqualTo("gray"); // no draw made
    assertThat(draws).isEmpty();
    draws.add(75);
    assertThat(tag(all, "/")).isEqualTo("base");

    // the real random source: about 30 % each
    PluginTestHost real = PluginTestHost.of(new TrafficTagFactory(), Map.of("weightGroups", c.get("weightGroups")));
    int gray = 0;
    for (int i = 0; i < 2000; i++) if ("gray".equals(tag(real, "/"))) gray++;
    assertThat(gray).isBetween(480, 720);
  }

  @Test
  void badConfigurationsNameTheField() {
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerValue", "v", "logic", "and")))))
        .isInstanceOf(PluginConfigException.class).hasMessageStartingWith("conditionGroups[0].headerName:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "xor"))))).hasMessageStartingWith("conditionGroups[0].logic:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("body", "k", "equal", List.of("x")))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].conditionType:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("header", "k", "like", List.of("x")))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].operator:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("header", "k", "regex", List.of("(")))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].value:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("header", "k", "percentage", List.of("101")))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].value:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("header", "k", "equal", List.of("a", "b")))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].value:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("conditionGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "logic", "and", "conditions", List.of(cond("header", "k", "in", List.of()))))))).hasMessageStartingWith(
        "conditionGroups[0].conditions[0].value:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("weightGroups", List.of(Map.of("headerName", "h", "headerValue", "v",
        "weight", 101))))).hasMessageStartingWith("weightGroups[0].weight:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("weightGroups", List.of(
        Map.of("headerName", "h", "headerValue", "v", "weight", 60), Map.of("headerName", "h", "headerValue", "w", "weight", 50)))))
        .hasMessageStartingWith("weightGroups[1].weight:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("weightGroups", List.of(Map.of("headerName", "h", "headerValue", "v")))))
        .hasMessageStartingWith("weightGroups[0].weight:");
    assertThatThrownBy(() -> factory.parseConfig(Map.of("weightGroups", "x"))).hasMessageStartingWith("weightGroups:");
  }

  @Test
  void hostileInput() throws Exception {
    PluginTestHost host = PluginTestHost.of(factory, Map.of("conditionGroups", List.of(Map.of(
        "headerName", "x-mse-tag", "headerValue", "gray", "logic", "or", "conditions", List.of(
            cond("parameter", "p", "regex", List.of("(a+)+$")), cond("cookie", "c", "equal", List.of("1")))))));
    assertThat(tag(host, "/?p=" + "a".repeat(50_000) + "!")).isNull(); // no match, found in linear time (RE2)
    assertThat(tag(host, "/?p=x" + "a".repeat(50_000))).isEqualTo("gray");
    assertThat(tag(host, "/?p=%zz&=&&", "cookie", ";;=;c")).isNull();
    assertThat(tag(host, "/", "cookie", "c=1=2")).isNull();
    assertThat(tag(host, "/", "cookie", " c=1 ")).isEqualTo("gray");
  }
}
