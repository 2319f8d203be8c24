package io.higressj.api;

/**
 * A plugin configuration that cannot be used. The message names the field and says what was
 * expected, e.g. {@code "consumers[1].credential: missing (expected: a non-empty string)"}; the
 * gateway adds the plugin and object names.
 */
public final class PluginConfigException extends Exception {
  private final String field;

  public PluginConfigException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** the field's path inside the plugin configuration, e.g. {@code consumers[1].credential} */
  public String field() {
    return field;
  }
}
