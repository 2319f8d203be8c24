package io.higressj.config.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.GatewayListeners;
import io.higressj.config.model.ListenerConfig;
import io.higressj.config.model.MatchInput;
import io.higressj.config.model.Route;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.SnapshotDump;
import io.higressj.config.model.VirtualHost;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of the Gateway API translator: {@code golden-gatewayapi/<name>.in.yaml} (after the shared
 * {@code _common.yaml}) translates to {@code <name>.out.yaml}: the listeners with their routes in match
 * order, the clusters, every object's status and the problems. Rewrite them with {@code ./mvnw -pl config
 * test -Dtest=GatewayApiGoldenTest -Dgolden.update=true} and read the difference.
 *
 * <p>{@code # expect: [METHOD] <namespace>/<gateway>:<port> <host><path>[?query] [header=value ...] -> <route>}
 * (or {@code -> 404}) checks the route a request selects.
 */
class GatewayApiGoldenTest {
  static final Path DIR = Path.of(System.getProperty("basedir", ".")).resolve("src/test/resources/golden-gatewayapi");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");
  static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".in.yaml"))
          .map(n -> n.substring(0, n.length() - ".in.yaml".length())).sorted().toList().stream();
    }
  }

  static GatewayApiTranslator.Result translate(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    assertThat(p.problems()).isEmpty();
    ResourceSet set = ResourceSet.of(p.resources(), List.of());
    return new GatewayApiTranslator(GatewayApiTranslator.Options.defaults()).translate(set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void golden(String name) throws IOException {
    String input = Files.readString(DIR.resolve(name + ".in.yaml"));
    GatewayApiTranslator.Result r = translate(Files.readString(DIR.resolve("_common.yaml")) + "\n---\n" + input);
    String actual = "# " + name + ".in.yaml as translated by GatewayApiGoldenTest (-Dgolden.update=true rewrites it)\n"
        + YAML.writeValueAsString(dump(r));
    Path out = DIR.resolve(name + ".out.yaml");
    if (UPDATE) {
      Files.writeString(out, actual);
    } else if (!Files.exists(out)) {
      fail(out + " is missing: run with -Dgolden.update=true, then read it");
    } else {
      assertThat(actual).as(out.toString()).isEqualTo(Files.readString(out));
    }
    checkExpectations(input, new GatewayListeners(r.listeners()));
  }

  static ObjectNode dump(GatewayApiTranslator.Result r) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("listeners", SnapshotDump.listeners(new GatewayListeners(r.listeners())));
    ArrayNode clusters = root.putArray("clusters");
    for (ClusterConfig c : new TreeMap<>(r.clusters()).values()) {
      clusters.add(c.name() + " " + c.protocol() + " " + c.endpoints());
    }
    ObjectNode statuses = root.putObject("statuses");
    Map<String, ObjectNode> sorted = new TreeMap<>();
    for (Map.Entry<ResourceKey, ObjectNode> e : r.statuses().entrySet()) sorted.put(e.getKey().toString(), e.getValue());
    sorted.forEach(statuses::set);
    ArrayNode problems = root.putArray("problems");
    for (Problem p : r.problems()) problems.add(p.severity() + " " + p.object() + " " + p.field() + ": " + p.message());
    return root;
  }

  static void checkExpectations(String input, GatewayListeners listeners) {
    for (String line : input.lines().toList()) {
      if (!line.startsWith("# expect: ")) continue;
      String[] sides = line.substring("# expect: ".length()).split(" -> ");
      String[] words = sides[0].trim().split("\\s+");
      int i = 0;
      String method = "GET";
      if (words[0].matches("[A-Z]+")) method = words[i++];
      ListenerConfig l = listeners.get(words[i++]);
      assertThat(l).as(line + ": listener").isNotNull();
      String hostAndPath = words[i++];
      int slash = hostAndPath.indexOf('/');
      String host = hostAndPath.substring(0, slash);
      String target = hostAndPath.substring(slash);
      Map<String, String> headers = new HashMap<>();
      for (; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        headers.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      }
      RouteTable table = l.routes();
      VirtualHost vh = table.select(host);
      Route route = vh == null ? null : vh.match(MatchInput.of(method, target, host, headers));
      assertThat(route == null ? "404" : route.name()).as(line).isEqualTo(sides[1].trim());
    }
  }
}
