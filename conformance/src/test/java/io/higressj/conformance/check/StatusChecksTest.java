package io.higressj.conformance.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.higressj.conformance.corpus.CorpusReader;
import io.higressj.conformance.corpus.StatusCheck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusChecksTest {
  static final ObjectMapper YAML = new YAMLMapper();

  /** Objects given as YAML, looked up by kind, namespace and name. */
  static StatusView view(String... objects) throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (String o : objects) all.add(YAML.readTree(o));
    return new StatusView() {
      @Override
      public Optional<JsonNode> get(String group, String kind, String namespace, String name) {
        return all.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name)
            && o.path("metadata").path("namespace").asText("").equals(namespace)).findFirst();
      }

      @Override
      public List<JsonNode> list(String group, String kind, String namespace) {
        return all.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("namespace").asText("").equals(namespace)).toList();
      }
    };
  }

  static StatusCheck check(String yaml) {
    return CorpusReader.readValue(yaml, StatusCheck.class, "test");
  }

  static final String GATEWAY = """
      kind: Gateway
      metadata: {namespace: infra, name: gw, generation: 2}
      status:
        addresses: [{type: IPAddress, value: 127.0.0.1}]
        conditions:
        - {type: Accepted, status: 'True', reason: Accepted, observedGeneration: 2}
        - {type: Programmed, status: 'True', reason: Programmed, observedGeneration: 2}
        listeners:
        - name: http
          attachedRoutes: 1
          supportedKinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
          conditions:
          - {type: Accepted, status: 'True', reason: Accepted, observedGeneration: 2}
          - {type: ResolvedRefs, status: 'True', reason: ResolvedRefs, observedGeneration: 2}
      """;

  static final String ROUTE = """
      kind: HTTPRoute
      metadata: {namespace: infra, name: r, generation: 1}
      status:
        parents:
        - parentRef: {group: gateway.networking.k8s.io, kind: Gateway, name: gw}
          controllerName: higress.io/gateway-controller
          conditions:
          - {type: Accepted, status: 'True', reason: Accepted, observedGeneration: 1}
          - {type: ResolvedRefs, status: 'False', reason: RefNotPermitted, observedGeneration: 1}
      """;

  @Test
  void gatewayChecks() throws IOException {
    StatusView v = view(GATEWAY);
    StatusChecks.PollState s = new StatusChecks.PollState();
    assertThat(StatusChecks.poll(check("{type: gatewayAddress, gateway: {namespace: infra, name: gw}}"), v, s)).isNull();
    assertThat(StatusChecks.poll(check("{type: namespacesReady, namespaces: [infra]}"), v, s)).isNull();
    assertThat(StatusChecks.poll(check("{type: gatewayCondition, gateway: {namespace: infra, name: gw}, condition: {type: Programmed, status: 'True', reason: null}}"), v, s)).isNull();
    assertThat(StatusChecks.poll(check("{type: listenersConditions, gateway: {namespace: infra, name: gw}, conditions: [{type: ResolvedRefs, status: 'True', reason: null}]}"), v, s)).isNull();
    assertThat(StatusChecks.poll(check("""
        type: gatewayListeners
        gateway: {namespace: infra, name: gw}
        listeners:
        - name: http
          supportedKinds: [{kind: HTTPRoute}]
          attachedRoutes: 1
          conditions: [{type: Accepted, status: 'True', reason: Accepted}]
        """), v, s)).isNull();
    assertThat(StatusChecks.poll(check("{type: gatewayZeroRoutes, gateway: {namespace: infra, name: gw}}"), v, s))
        .isEqualTo("Gateway infra/gw expected no listener or one with attachedRoutes 0, status.listeners: "
            + v.get("", "Gateway", "infra", "gw").orElseThrow().path("status").path("listeners"));
    assertThat(StatusChecks.poll(check("{type: gatewayLatestConditions, gateway: {namespace: infra, name: missing}}"), v, s))
        .isEqualTo("Gateway infra/missing does not exist");
  }

  @Test
  void staleConditionsFailEveryGatewayCheck() throws IOException {
    StatusView v = view(GATEWAY.replace("generation: 2}", "generation: 3}"));
    assertThat(StatusChecks.poll(check("{type: gatewayLatestConditions, gateway: {namespace: infra, name: gw}}"), v, new StatusChecks.PollState()))
        .startsWith("Gateway infra/gw: conditions not at generation 3: [Accepted (observedGeneration 2), Programmed (observedGeneration 2)]");
  }

  @Test
  void routeChecks() throws IOException {
    StatusView v = view(ROUTE);
    StatusChecks.PollState s = new StatusChecks.PollState();
    assertThat(StatusChecks.poll(check("""
        type: routeCondition
        route: {kind: HTTPRoute, namespace: infra, name: r}
        parent: {namespace: infra, name: gw}
        condition: {type: ResolvedRefs, status: 'False', reason: RefNotPermitted}
        """), v, s)).isNull();
    String parents = """
        type: routeParents
        route: {kind: HTTPRoute, namespace: infra, name: r}
        namespaceRequired: %s
        parents:
        - parentRef: {group: gateway.networking.k8s.io, kind: Gateway, namespace: infra, name: gw}
          controllerName: higress.io/gateway-controller
          conditions: [{type: Accepted, status: 'True', reason: Accepted}]
        """;
    assertThat(StatusChecks.poll(check(parents.formatted("false")), v, s)).isNull();
    assertThat(StatusChecks.poll(check(parents.formatted("true")), v, s)).startsWith("HTTPRoute infra/r has no status.parents entry matching gw");
    assertThat(StatusChecks.poll(check("{type: routeLatestConditions, route: {kind: HTTPRoute, namespace: infra, name: r}}"), v, s)).isNull();
  }

  @Test
  void noAcceptedParentsNeedsTwoEmptyPollsInARow() throws IOException {
    StatusView v = view("kind: HTTPRoute\nmetadata: {namespace: infra, name: r, generation: 1}\nstatus: {parents: []}\n");
    StatusCheck c = check("{type: routeNoAcceptedParents, route: {kind: HTTPRoute, namespace: infra, name: r}}");
    StatusChecks.PollState s = new StatusChecks.PollState();
    assertThat(StatusChecks.poll(c, v, s)).contains("needs two polls in a row");
    assertThat(StatusChecks.poll(c, v, s)).isNull();
    assertThat(StatusChecks.poll(c, view(ROUTE), new StatusChecks.PollState())).contains("has accepted parents");
  }

  @Test
  void gatewayClassAccepted() throws IOException {
    StatusView v = view("kind: GatewayClass\nmetadata: {name: higress, generation: 1}\nstatus: {conditions: [{type: Accepted, status: 'True', observedGeneration: 1}]}\n");
    assertThat(StatusChecks.poll(check("{type: gatewayClassAccepted, gatewayClass: higress, status: 'True'}"), v, new StatusChecks.PollState())).isNull();
    assertThat(StatusChecks.poll(check("{type: gatewayClassAccepted, gatewayClass: higress, status: 'False'}"), v, new StatusChecks.PollState()))
        .startsWith("GatewayClass higress lacks condition Accepted=False");
  }
}
