package io.higressj.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.conformance.corpus.StatusCheck;
import io.higressj.conformance.corpus.StatusCheck.Condition;
import io.higressj.conformance.corpus.StatusCheck.ExpectedParent;
import io.higressj.conformance.corpus.Traffic.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The status assertions of the Gateway API corpus (FORMAT.md section 11), one poll at a time. A
 * poll returns null when the check holds, else why not. {@code generationChanged} is a property
 * of the object store and is judged by the runner.
 */
public final class StatusChecks {
  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
  static final String SKIP_READINESS = "gateway-api/skip-this-for-readiness";

  private StatusChecks() {}

  /** State kept between the polls of one check ({@code routeNoAcceptedParents} needs two empty polls in a row). */
  public static final class PollState {
    int emptyPolls;
  }

  /** @return null when the check holds, else the reason */
  public static String poll(StatusCheck check, StatusView view, PollState state) {
    return switch (check.type()) {
      case "namespacesReady" -> namespacesReady(check, view);
      case "gatewayAddress" -> gateway(check.gateway(), view, gw -> {
        for (JsonNode a : gw.path("status").path("addresses")) {
          if (!a.path("type").asText("").isEmpty()) return null;
        }
        return "has no status.addresses entry with a type (status.addresses: " + gw.path("status").path("addresses") + ")";
      });
      case "gatewayLatestConditions" -> gateway(check.gateway(), view, gw -> null);
      case "gatewayCondition" -> gateway(check.gateway(), view,
          gw -> has(gw.path("status").path("conditions"), check.condition()) ? null
              : "lacks condition " + check.condition() + " (conditions: " + summary(gw.path("status").path("conditions")) + ")");
      case "gatewayZeroRoutes" -> gateway(check.gateway(), view, gw -> {
        JsonNode listeners = gw.path("status").path("listeners");
        if (listeners.isEmpty()) return null;
        if (listeners.size() == 1 && listeners.get(0).path("attachedRoutes").asLong(-1) == 0) return null;
        return "expected no listener or one with attachedRoutes 0, status.listeners: " + listeners;
      });
      case "listenersConditions" -> gateway(check.gateway(), view, gw -> listenersConditions(check, gw));
      case "gatewayListeners" -> gateway(check.gateway(), view, gw -> gatewayListeners(check, gw));
      case "gatewayClassAccepted" -> gatewayClass(check.gatewayClass(), view, gc -> {
        for (JsonNode c : gc.path("status").path("conditions")) {
          if (c.path("type").asText().equals("Accepted") && (check.status() == null || check.status().equals(c.path("status").asText()))) {
            return null;
          }
        }
        return "lacks condition Accepted=" + (check.status() == null ? "*" : check.status()) + " (conditions: "
            + summary(gc.path("status").path("conditions")) + ")";
      });
      case "gatewayClassLatestConditions" -> gatewayClass(check.gatewayClass(), view, gc -> null);
      case "routeLatestConditions" -> route(check, view, r -> null);
      case "routeCondition" -> route(check, view, r -> routeCondition(check, r));
      case "routeParents" -> route(check, view, r -> routeParents(check, r));
      case "routeNoAcceptedParents" -> routeNoAcceptedParents(check, view, state);
      case "generationChanged" -> throw new IllegalArgumentException("generationChanged is judged by the runner");
      default -> "unsupported status check type " + check.type();
    };
  }

  private interface Judge {
    String judge(JsonNode object);
  }

  private static String gateway(ObjectRef ref, StatusView view, Judge judge) {
    Optional<JsonNode> gw = view.get(GATEWAY_GROUP, "Gateway", ref.namespace(), ref.name());
    if (gw.isEmpty()) return "Gateway " + ref + " does not exist";
    String stale = staleConditions(gw.get(), gw.get().path("status").path("conditions"));
    if (stale != null) return "Gateway " + ref + ": " + stale;
    String r = judge.judge(gw.get());
    return r == null ? null : "Gateway " + ref + " " + r;
  }

  private static String gatewayClass(String name, StatusView view, Judge judge) {
    Optional<JsonNode> gc = view.get(GATEWAY_GROUP, "GatewayClass", "", name);
    if (gc.isEmpty()) return "GatewayClass " + name + " does not exist";
    String stale = staleConditions(gc.get(), gc.get().path("status").path("conditions"));
    if (stale != null) return "GatewayClass " + name + ": " + stale;
    String r = judge.judge(gc.get());
    return r == null ? null : "GatewayClass " + name + " " + r;
  }

  private static String route(StatusCheck check, StatusView view, Judge judge) {
    StatusCheck.RouteRef ref = check.route();
    Optional<JsonNode> route = view.get(GATEWAY_GROUP, ref.kind(), ref.namespace(), ref.name());
    String what = ref.kind() + " " + ref.namespace() + "/" + ref.name();
    if (route.isEmpty()) return what + " does not exist";
    for (JsonNode p : route.get().path("status").path("parents")) {
      String stale = staleConditions(route.get(), p.path("conditions"));
      if (stale != null) return what + " parent " + p.path("parentRef").path("name").asText() + ": " + stale;
    }
    String r = judge.judge(route.get());
    return r == null ? null : what + " " + r;
  }

  /** null when every condition's observedGeneration is the object's generation. */
  static String staleConditions(JsonNode object, JsonNode conditions) {
    long generation = object.path("metadata").path("generation").asLong(0);
    List<String> stale = new ArrayList<>();
    for (JsonNode c : conditions) {
      if (c.path("observedGeneration").asLong(-1) != generation) {
        stale.add(c.path("type").asText() + " (observedGeneration " + c.path("observedGeneration") + ")");
      }
    }
    return stale.isEmpty() ? null : "conditions not at generation " + generation + ": " + stale;
  }

  /** A list has a condition when an entry has its type, its status (null: any) and its reason (null: any). */
  static boolean has(JsonNode conditions, Condition want) {
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(want.type())
          && (want.status() == null || want.status().equals(c.path("status").asText()))
          && (want.reason() == null || want.reason().equals(c.path("reason").asText()))) {
        return true;
      }
    }
    return false;
  }

  static String summary(JsonNode conditions) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : conditions) out.add(c.path("type").asText() + "=" + c.path("status").asText() + " (" + c.path("reason").asText() + ")");
    return out.toString();
  }

  private static String namespacesReady(StatusCheck check, StatusView view) {
    for (String ns : check.namespaces()) {
      for (JsonNode gw : view.list(GATEWAY_GROUP, "Gateway", ns)) {
        if ("true".equals(gw.path("metadata").path("annotations").path(SKIP_READINESS).asText())) continue;
        String name = ns + "/" + gw.path("metadata").path("name").asText();
        JsonNode conditions = gw.path("status").path("conditions");
        String stale = staleConditions(gw, conditions);
        if (stale != null) return "Gateway " + name + ": " + stale;
        for (String type : new String[] {"Accepted", "Programmed"}) {
          if (!has(conditions, new Condition(type, "True", null))) {
            return "Gateway " + name + " is not " + type + "=True (conditions: " + summary(conditions) + ")";
          }
        }
      }
    }
    return null;
  }

  private static String listenersConditions(StatusCheck check, JsonNode gw) {
    JsonNode listeners = gw.path("status").path("listeners");
    List<String> names = new ArrayList<>();
    if (check.listeners() != null && check.listeners().isArray()) check.listeners().forEach(n -> names.add(n.asText()));
    if (!names.isEmpty()) {
      for (String n : names) {
        if (listener(listeners, n) == null) return "has no listener " + n + " in status.listeners";
      }
    }
    for (JsonNode l : listeners) {
      String name = l.path("name").asText();
      if (!names.isEmpty() && !names.contains(name)) continue;
      for (Condition c : check.conditions()) {
        if (!has(l.path("conditions"), c)) return "listener " + name + " lacks condition " + c + " (conditions: " + summary(l.path("conditions")) + ")";
      }
    }
    return null;
  }

  private static JsonNode listener(JsonNode listeners, String name) {
    for (JsonNode l : listeners) {
      if (l.path("name").asText().equals(name)) return l;
    }
    return null;
  }

  private static String gatewayListeners(StatusCheck check, JsonNode gw) {
    JsonNode actual = gw.path("status").path("listeners");
    JsonNode expected = check.listeners();
    int want = expected == null ? 0 : expected.size();
    if (actual.size() != want) return "has " + actual.size() + " listeners in status, expected " + want;
    if (expected == null) return null;
    for (JsonNode e : expected) {
      String name = e.path("name").asText();
      JsonNode l = listener(actual, name);
      if (l == null) return "has no listener " + name + " in status.listeners";
      JsonNode kinds = e.path("supportedKinds");
      JsonNode gotKinds = l.path("supportedKinds");
      if (kinds.isArray() && kinds.isEmpty()) {
        if (!gotKinds.isEmpty()) return "listener " + name + ": expected no supportedKinds, received " + gotKinds;
      } else {
        for (JsonNode k : kinds) {
          String group = k.path("group").asText(GATEWAY_GROUP);
          boolean found = false;
          for (JsonNode g : gotKinds) {
            if (g.path("kind").asText().equals(k.path("kind").asText()) && g.path("group").asText(GATEWAY_GROUP).equals(group)) found = true;
          }
          if (!found) return "listener " + name + " lacks supported kind " + group + "/" + k.path("kind").asText() + " (received " + gotKinds + ")";
        }
      }
      if (e.has("attachedRoutes") && e.path("attachedRoutes").asLong() != l.path("attachedRoutes").asLong(-1)) {
        return "listener " + name + ": expected attachedRoutes " + e.path("attachedRoutes") + ", received " + l.path("attachedRoutes");
      }
      JsonNode conds = e.path("conditions");
      if (l.path("conditions").size() < conds.size()) {
        return "listener " + name + ": expected at least " + conds.size() + " conditions, received " + summary(l.path("conditions"));
      }
      for (JsonNode c : conds) {
        Condition want2 = new Condition(c.path("type").asText(), c.path("status").isNull() ? null : c.path("status").asText(null),
            c.path("reason").isNull() ? null : c.path("reason").asText(null));
        if (!has(l.path("conditions"), want2)) return "listener " + name + " lacks condition " + want2 + " (conditions: " + summary(l.path("conditions")) + ")";
      }
    }
    return null;
  }

  private static String routeCondition(StatusCheck check, JsonNode route) {
    ObjectRef parent = check.parent();
    for (JsonNode p : route.path("status").path("parents")) {
      JsonNode ref = p.path("parentRef");
      if (!ref.path("name").asText().equals(parent.name())) continue;
      if (ref.has("namespace") && !ref.path("namespace").asText().equals(parent.namespace())) continue;
      if (has(p.path("conditions"), check.condition())) return null;
      return "parent " + parent + " lacks condition " + check.condition() + " (conditions: " + summary(p.path("conditions")) + ")";
    }
    return "has no status.parents entry for " + parent + " (parents: " + route.path("status").path("parents") + ")";
  }

  private static String routeParents(StatusCheck check, JsonNode route) {
    JsonNode actual = route.path("status").path("parents");
    for (ExpectedParent e : check.parents()) {
      boolean matched = false;
      for (JsonNode a : actual) {
        JsonNode ref = a.path("parentRef");
        if (e.controllerName() != null && !e.controllerName().equals(a.path("controllerName").asText())) continue;
        if (!ref.has("group") || !ref.has("kind")) continue;
        if (e.parentRef().group() != null && !e.parentRef().group().equals(ref.path("group").asText())) continue;
        if (e.parentRef().kind() != null && !e.parentRef().kind().equals(ref.path("kind").asText())) continue;
        if (!e.parentRef().name().equals(ref.path("name").asText())) continue;
        boolean namespaceOk = ref.has("namespace")
            ? ref.path("namespace").asText().equals(e.parentRef().namespace())
            : !Boolean.TRUE.equals(check.namespaceRequired());
        if (!namespaceOk) continue;
        if (a.path("conditions").size() < e.conditions().size()) continue;
        if (e.conditions().stream().allMatch(c -> has(a.path("conditions"), c))) {
          matched = true;
          break;
        }
      }
      if (!matched) {
        return "has no status.parents entry matching " + e.parentRef().name() + " with " + e.conditions() + " (parents: " + actual + ")";
      }
    }
    return null;
  }

  private static String routeNoAcceptedParents(StatusCheck check, StatusView view, PollState state) {
    StatusCheck.RouteRef ref = check.route();
    Optional<JsonNode> route = view.get(GATEWAY_GROUP, ref.kind(), ref.namespace(), ref.name());
    String what = ref.kind() + " " + ref.namespace() + "/" + ref.name();
    if (route.isEmpty()) return what + " does not exist";
    JsonNode parents = route.get().path("status").path("parents");
    if (parents.isEmpty()) {
      state.emptyPolls++;
      return state.emptyPolls >= 2 ? null : what + " has no parents yet (needs two polls in a row)";
    }
    state.emptyPolls = 0;
    if (parents.size() == 1 && staleConditions(route.get(), parents.get(0).path("conditions")) == null
        && has(parents.get(0).path("conditions"), new Condition("Accepted", "False", null))) {
      return null;
    }
    return what + " has accepted parents: " + parents;
  }
}
