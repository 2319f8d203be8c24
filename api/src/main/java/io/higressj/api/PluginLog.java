package io.higressj.api;

/** A plugin's log. Never pass credentials to it. */
public interface PluginLog {
  void debug(String message);

  void info(String message);

  void warn(String message);

  void error(String message, Throwable cause);
}
