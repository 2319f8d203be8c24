package io.higressj.plugins.degraphql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.api.Action;
import io.higressj.api.CalloutRequest;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Higress's {@code de-graphql}: a plain GET (say {@code /api?owner=a&name=b}) becomes a GraphQL POST
 * of the configured {@code gql} to {@code endpoint} on the route's cluster, the query parameters
 * giving the variables the query declares; the GraphQL answer is the reply.
 */
public final class DeGraphqlFactory implements PluginFactory<DeGraphqlFactory.Config> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)\\s*:\\s*(String|Float|Int|Boolean)(!?)");
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "transfer-encoding", "content-type",
      "connection", "expect");

  /** A declared variable of the query: its name and GraphQL type. */
  public record Variable(String name, String type) {}

  public record Config(String gql, String endpoint, long timeoutMillis, String domain, List<Variable> variables) {
    public Config {
      variables = List.copyOf(variables);
    }
  }

  @Override
  public String name() {
    return "de-graphql";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 430;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    String gql = f.string("gql", "");
    if (gql.isBlank()) throw new PluginConfigException("gql", "missing (expected: a GraphQL query)");
    String endpoint = f.string("endpoint", "").trim();
    if (endpoint.isEmpty()) endpoint = "/graphql";
    if (!endpoint.startsWith("/") || endpoint.chars().anyMatch(c -> c <= 32 || c == 127)) {
      throw new PluginConfigException("endpoint", "\"" + endpoint + "\" (expected: a path such as /graphql)");
    }
    long timeout = f.integer("timeout", 5000);
    if (timeout <= 0) timeout = 5000;
    String domain = f.string("domain", "").trim();
    if (domain.chars().anyMatch(c -> c <= 32 || c == 127)) throw new PluginConfigException("domain", "\"" + domain + "\" (expected: a host name)");
    List<Variable> variables = new ArrayList<>();
    Matcher m = VARIABLE.matcher(gql);
    while (m.find()) variables.add(new Variable(m.group(1), m.group(2)));
    return new Config(gql, endpoint, timeout, domain, variables);
  }

  /** The GraphQL request body for a request target; null when a typed variable's value is not of its type. */
  static String body(Config config, String target) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    int q = target.indexOf('?');
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        params.computeIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), k -> new ArrayList<>())
            .add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("query", config.gql());
    ObjectNode vars = JSON.createObjectNode();
    for (Variable v : config.variables()) {
      List<String> values = params.get(v.name());
      if (values == null || vars.has(v.name())) continue;
      String value = String.join(",", values);
      try {
        switch (v.type()) {
          case "String" -> vars.put(v.name(), value);
          case "Int" -> vars.put(v.name(), new java.math.BigInteger(value.trim()));
          case "Float" -> vars.put(v.name(), new BigDecimal(value.trim()));
          case "Boolean" -> {
            if (!value.equals("true") && !value.equals("false")) return null;
            vars.put(v.name(), Boolean.parseBoolean(value));
          }
          default -> throw new IllegalStateException(v.type());
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (!vars.isEmpty()) body.set("variables", vars);
    return body.toString();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        String body = body(config, headers.path() == null ? "/" : headers.path());
        if (body == null) {
          ctx.sendLocalReply(400, "a query parameter does not have the type its GraphQL variable declares");
          return Action.PAUSE;
        }
        String cluster = ctx.clusterName();
        if (cluster == null) {
          ctx.sendLocalReply(503, "no cluster for the GraphQL endpoint");
          return Action.PAUSE;
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : headers.entries()) {
          String n = e.getKey().toLowerCase(Locale.ROOT);
          if (!n.startsWith(":") && !NOT_FORWARDED.contains(n)) out.add(e);
        }
        out.add(Map.entry("content-type", "application/json"));
        out.add(Map.entry("host", config.domain().isEmpty() ? headers.authority() : config.domain()));
        ctx.callout(new CalloutRequest(cluster, "POST", config.endpoint(), out, body.getBytes(StandardCharsets.UTF_8)),
            Duration.ofMillis(config.timeoutMillis()), res -> {
              if (res.failure() != null) {
                ctx.sendLocalReply(502, "GraphQL endpoint failed: " + res.failure());
                return;
              }
              Map<String, String> reply = new LinkedHashMap<>();
              for (Map.Entry<String, String> e : res.headers()) {
                String n = e.getKey().toLowerCase(Locale.ROOT);
                if (!n.startsWith(":") && !n.equals("content-length") && !n.equals("transfer-encoding") && !n.equals("connection")) {
                  reply.putIfAbsent(n, e.getValue());
                }
              }
              reply.put("x-degraphql-endpoint", config.endpoint());
              reply.put("x-degraphql-timeout", String.valueOf(config.timeoutMillis()));
              reply.put("x-degraphql-version", "1.0.0");
              ctx.sendLocalReply(res.status(), reply, res.body());
            });
        return Action.PAUSE;
      }
    };
  }
}
