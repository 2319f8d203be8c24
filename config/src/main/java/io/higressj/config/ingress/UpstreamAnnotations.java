package io.higressj.config.ingress;

import io.higressj.config.model.UpstreamProtocol;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import java.util.List;

/**
 * {@code backend-protocol}: how the gateway talks to the Services an Ingress names. As in Higress it is
 * a Service-wide setting: every route to the Service uses it; when Ingresses disagree, the oldest one
 * that sets it wins (see {@link IngressTranslator}).
 */
final class UpstreamAnnotations {
  private UpstreamAnnotations() {}

  /** The protocol the Ingress asks for, or null (not set, or invalid: reported). */
  static UpstreamProtocol protocol(Resource r, List<Problem> problems) {
    String key = null;
    for (String prefix : List.of(IngressAnnotations.NGINX, IngressAnnotations.HIGRESS)) {
      if (r.annotation(prefix + "backend-protocol") != null) {
        key = prefix + "backend-protocol";
        break;
      }
    }
    if (key == null) return null;
    String v = r.annotation(key).trim();
    UpstreamProtocol p = v.isEmpty() ? null : UpstreamProtocol.of(v);
    if (p == null) {
      problems.add(Problem.warning(r, "metadata.annotations[\"" + key + "\"]",
          "\"" + v + "\" (expected: HTTP, HTTP2, HTTPS, GRPC or GRPCS); annotation ignored"));
    }
    return p;
  }
}
