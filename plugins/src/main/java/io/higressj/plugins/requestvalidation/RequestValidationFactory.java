package io.higressj.plugins.requestvalidation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.higressj.api.Action;
import io.higressj.api.Body;
import io.higressj.api.FilterContext;
import io.higressj.api.HttpFilter;
import io.higressj.api.PluginConfigException;
import io.higressj.api.PluginFactory;
import io.higressj.api.PluginPhase;
import io.higressj.api.RequestHeaders;
import io.higressj.plugins.ConfigFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Higress's {@code request-validation}: the request headers (as an object of lower-case name to
 * value) and the JSON request body are validated against JSON Schemas; a request that fails is
 * answered with {@code rejected_code} and {@code rejected_msg}. Schemas are compiled once, with the
 * configuration.
 */
public final class RequestValidationFactory implements PluginFactory<RequestValidationFactory.Config> {
  /** the most body validated; larger bodies are answered 413 */
  static final int MAX_BODY_BYTES = 10 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Either schema may be null (not validated). */
  public record Config(Schema headerSchema, Schema bodySchema, int rejectedCode, String rejectedMsg) {}

  @Override
  public String name() {
    return "request-validation";
  }

  @Override
  public PluginPhase defaultPhase() {
    return PluginPhase.AUTHN;
  }

  @Override
  public int defaultPriority() {
    return 220;
  }

  @Override
  public Config parseConfig(Map<String, Object> config) throws PluginConfigException {
    ConfigFields f = ConfigFields.of(config);
    boolean swagger = f.bool("enable_swagger", false);
    boolean oas3 = f.bool("enable_oas3", false);
    if (swagger && oas3) {
      throw new PluginConfigException("enable_oas3", "true together with enable_swagger (expected: at most one of them)");
    }
    // Swagger 2.0 and OpenAPI 3.0 schema objects are draft 4 dialects; plain schemas: draft 7
    SpecificationVersion version = swagger || oas3 ? SpecificationVersion.DRAFT_4 : SpecificationVersion.DRAFT_7;
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(version);
    Schema header = schema(f, "header_schema", registry, version);
    Schema body = schema(f, "body_schema", registry, version);
    if (header == null && body == null) {
      throw new PluginConfigException("header_schema", "missing, and so is body_schema (expected: at least one schema)");
    }
    int code = f.status("rejected_code", 403);
    String msg = f.string("rejected_msg", "");
    return new Config(header, body, code, msg);
  }

  private static final Map<SpecificationVersion, String> META_SCHEMAS = Map.of(
      SpecificationVersion.DRAFT_4, "http://json-schema.org/draft-04/schema#",
      SpecificationVersion.DRAFT_7, "http://json-schema.org/draft-07/schema#");

  private static Schema schema(ConfigFields f, String field, SchemaRegistry registry, SpecificationVersion version) throws PluginConfigException {
    if (!f.has(field)) return null;
    Map<String, Object> raw = f.object(field);
    JsonNode node = JSON.valueToTree(raw);
    List<com.networknt.schema.Error> problems;
    try {
      problems = registry.getSchema(SchemaLocation.of(META_SCHEMAS.get(version))).validate(node);
    } catch (Exception e) {
      throw new PluginConfigException(field, "could not be checked against its meta-schema: " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new PluginConfigException(field, "not a valid JSON Schema: " + problems.get(0).toString());
    }
    try {
      Schema s = registry.getSchema(JSON.writeValueAsString(node));
      s.initializeValidators(); // compile now: a bad keyword value fails here, not per request
      return s;
    } catch (Exception e) {
      throw new PluginConfigException(field, "not a valid JSON Schema: " + e.getMessage());
    }
  }

  @Override
  public HttpFilter create(Config config) {
    return new HttpFilter() {
      private boolean validateBody;

      @Override
      public Action onRequestHeaders(FilterContext ctx, RequestHeaders headers, boolean endOfStream) {
        if (config.headerSchema() != null) {
          ObjectNode h = JSON.createObjectNode();
          for (Map.Entry<String, String> e : headers.entries()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || h.has(name)) continue; // the first value of a repeated header
            h.put(name, e.getValue());
          }
          if (!config.headerSchema().validate(h).isEmpty()) {
            reject(ctx);
            return Action.PAUSE;
          }
        }
        if (config.bodySchema() != null && !endOfStream) {
          validateBody = true;
          ctx.bufferRequestBody(MAX_BODY_BYTES);
        }
        return Action.CONTINUE;
      }

      @Override
      public Action onRequestBody(FilterContext ctx, Body body, boolean endOfStream) {
        if (!validateBody || !endOfStream) return Action.CONTINUE;
        validateBody = false;
        JsonNode doc;
        try {
          doc = JSON.readTree(body.text(StandardCharsets.UTF_8));
        } catch (Exception e) {
          doc = null; // not JSON: fails validation
        }
        if (doc == null || doc.isMissingNode() || !config.bodySchema().validate(doc).isEmpty()) {
          reject(ctx);
          return Action.PAUSE;
        }
        return Action.CONTINUE;
      }

      private void reject(FilterContext ctx) {
        ctx.sendLocalReply(config.rejectedCode(), Map.of("content-type", "text/plain; charset=utf-8"), config.rejectedMsg().getBytes(StandardCharsets.UTF_8));
      }
    };
  }
}
