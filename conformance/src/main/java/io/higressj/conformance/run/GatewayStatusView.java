package io.higressj.conformance.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.check.StatusView;
import io.higressj.conformance.store.ObjectKey;
import io.higressj.conformance.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Objects as an API server returns them: the stored object (its metadata, generation included)
 * with the {@code status} the gateway reports for it on {@code GET /status}
 * ({@code {"items": [{"apiVersion", "kind", "metadata": {"namespace", "name"}, "status"}]}}).
 */
final class GatewayStatusView implements StatusView {
  private final ObjectStore store;
  private final JsonNode items;

  GatewayStatusView(ObjectStore store, JsonNode statusList) {
    this.store = store;
    this.items = statusList.path("items");
  }

  @Override
  public Optional<JsonNode> get(String group, String kind, String namespace, String name) {
    return store.find(group, kind, namespace, name).flatMap(store::get).map(this::withStatus);
  }

  @Override
  public List<JsonNode> list(String group, String kind, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (ObjectNode o : store.list(group, kind, namespace)) out.add(withStatus(o));
    return out;
  }

  private JsonNode withStatus(ObjectNode object) {
    ObjectKey key = ObjectKey.of(object);
    object.remove("status");
    for (JsonNode item : items) {
      if (ObjectKey.of(item).equals(key)) {
        object.set("status", item.path("status"));
        break;
      }
    }
    return object;
  }
}
