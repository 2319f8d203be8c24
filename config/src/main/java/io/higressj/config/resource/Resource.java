package io.higressj.config.resource;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kubernetes-style object as a config source read it.
 *
 * @param key identity as {@code kubectl apply} sees it
 * @param apiVersion as written, e.g. {@code networking.k8s.io/v1}
 * @param body the whole object (apiVersion, kind, metadata, spec, ...)
 * @param origin where it came from (a file path, "kubernetes", ...), for error messages
 */
public record Resource(ResourceKey key, String apiVersion, ObjectNode body, String origin) {
  public Resource {
    requireNonNull(key, "key");
    requireNonNull(apiVersion, "apiVersion");
    requireNonNull(body, "body");
    requireNonNull(origin, "origin");
  }

  public String kind() {
    return key.kind();
  }

  public String namespace() {
    return key.namespace();
  }

  public String name() {
    return key.name();
  }

  public JsonNode metadata() {
    return body.path("metadata");
  }

  public JsonNode spec() {
    return body.path("spec");
  }

  /** {@code metadata.annotations[name]}, or null. */
  public String annotation(String name) {
    JsonNode v = metadata().path("annotations").get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  public String label(String name) {
    JsonNode v = metadata().path("labels").get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** "Kind namespace/name", the way problems name an object. */
  public String describe() {
    return key.toString();
  }
}
