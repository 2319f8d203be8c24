package io.higressj.config.resource;

import static java.util.Objects.requireNonNull;

/**
 * Something wrong with the configuration, precise enough to fix: which object, which field, what.
 *
 * @param origin file (or other source) the object came from
 * @param object the object, e.g. "Ingress default/foo"; "" when the file itself could not be read
 * @param field path of the field, e.g. "spec.rules[0].http.paths[1].pathType"; "" for the whole object
 * @param message what is wrong, e.g. "Regex: unsupported value (expected: Exact, Prefix, ImplementationSpecific)"
 * @param severity ERROR: the object was skipped; WARNING: the object applies, with this defect
 */
public record Problem(String origin, String object, String field, String message, Severity severity) {
  public enum Severity { ERROR, WARNING }

  public Problem {
    requireNonNull(origin, "origin");
    requireNonNull(object, "object");
    requireNonNull(field, "field");
    requireNonNull(message, "message");
    requireNonNull(severity, "severity");
  }

  public static Problem error(Resource r, String field, String message) {
    return new Problem(r.origin(), r.describe(), field, message, Severity.ERROR);
  }

  public static Problem warning(Resource r, String field, String message) {
    return new Problem(r.origin(), r.describe(), field, message, Severity.WARNING);
  }

  /** One log line: file, object, field, message. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(severity == Severity.ERROR ? "rejected " : "warning ");
    if (!object.isEmpty()) b.append(object).append(' ');
    b.append('(').append(origin).append(')');
    if (!field.isEmpty()) b.append(' ').append(field);
    b.append(": ").append(message);
    return b.toString();
  }
}
