package io.higressj.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The objects as a Kubernetes API server would return them: {@code metadata} as stored (with
 * {@code generation} and {@code annotations}) and {@code status} as the gateway reports it.
 */
public interface StatusView {
  /** The object, or empty when it does not exist; {@code group} "" is the core group. */
  Optional<JsonNode> get(String group, String kind, String namespace, String name);

  /** Every object of the kind in the namespace. */
  List<JsonNode> list(String group, String kind, String namespace);
}
