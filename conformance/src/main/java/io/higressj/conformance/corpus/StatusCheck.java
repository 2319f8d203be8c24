package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.conformance.corpus.Traffic.ObjectRef;
import java.util.List;
import java.util.Set;

/**
 * A Gateway API {@code statusCheck} (FORMAT.md section 11): a condition on the status the gateway
 * publishes for an object. The fields present depend on {@code type}.
 *
 * @param type one of {@link #TYPES}
 * @param gateway a Gateway {@code {namespace, name}}
 * @param route {@code {kind, namespace, name}} of an HTTPRoute or GRPCRoute
 * @param parent a parent Gateway
 * @param condition one expected condition
 * @param conditions several expected conditions
 * @param listeners {@code listenersConditions}: listener names; {@code gatewayListeners}: listener objects
 * @param listener {@code gatewayAddress}: the listener upstream pairs with the address (not checked)
 * @param namespaces {@code namespacesReady}
 * @param namespaceRequired {@code routeParents}: whether an actual parentRef must carry a namespace
 * @param parents {@code routeParents}: the expected parents
 * @param gatewayClass a GatewayClass name
 * @param status {@code gatewayClassAccepted}: the Accepted status, null = any
 * @param object {@code generationChanged}: the object
 */
public record StatusCheck(
    String type,
    ObjectRef gateway,
    RouteRef route,
    ObjectRef parent,
    Condition condition,
    List<Condition> conditions,
    JsonNode listeners,
    String listener,
    List<String> namespaces,
    Boolean namespaceRequired,
    List<ExpectedParent> parents,
    String gatewayClass,
    String status,
    ObjectKeySpec object) {

  public static final Set<String> TYPES = Set.of("namespacesReady", "gatewayAddress", "routeParents", "listenersConditions",
      "routeCondition", "routeNoAcceptedParents", "routeLatestConditions", "gatewayZeroRoutes", "gatewayCondition",
      "gatewayLatestConditions", "gatewayListeners", "gatewayClassAccepted", "gatewayClassLatestConditions",
      "generationChanged");

  public StatusCheck {
    requiredText(type, "type");
    if (!TYPES.contains(type)) throw new IllegalArgumentException("type: \"" + type + "\" (expected one of " + new java.util.TreeSet<>(TYPES) + ")");
    conditions = list(conditions);
    namespaces = list(namespaces);
    parents = list(parents);
  }

  /** The timeout upstream gives this type (FORMAT.md 11), in seconds. */
  public int upstreamTimeoutSeconds() {
    return switch (type) {
      case "gatewayAddress", "gatewayCondition", "gatewayClassAccepted" -> 180;
      case "namespacesReady" -> 300;
      default -> 60;
    };
  }

  /** {@code {kind, namespace, name}} of a route. */
  public record RouteRef(String kind, String namespace, String name) {
    public RouteRef {
      requiredText(kind, "kind");
      requiredText(name, "name");
      if (namespace == null) namespace = "";
    }
  }

  /** {@code {type, status, reason}}; a null status or reason matches any. */
  public record Condition(String type, String status, String reason) {
    public Condition {
      requiredText(type, "type");
    }

    @Override
    public String toString() {
      return type + "=" + (status == null ? "*" : status) + (reason == null ? "" : " (" + reason + ")");
    }
  }

  /** An expected {@code status.parents[]} entry. */
  public record ExpectedParent(ParentRef parentRef, String controllerName, List<Condition> conditions) {
    public ExpectedParent {
      Fields.required(parentRef, "parentRef");
      conditions = list(conditions);
    }
  }

  public record ParentRef(String group, String kind, String namespace, String name, String sectionName) {
    public ParentRef {
      requiredText(name, "name");
    }
  }
}
