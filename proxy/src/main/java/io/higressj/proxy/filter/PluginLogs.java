package io.higressj.proxy.filter;

import io.higressj.api.PluginLog;
import java.util.concurrent.ConcurrentHashMap;

/** One rate-limited log per plugin: at most {@link #PER_SECOND} lines a second each, the rest counted. */
final class PluginLogs {
  static final int PER_SECOND = 20;
  private static final ConcurrentHashMap<String, PluginLog> LOGS = new ConcurrentHashMap<>();

  private PluginLogs() {}

  static PluginLog of(String plugin) {
    return LOGS.computeIfAbsent(plugin, Log::new);
  }

  private static final class Log implements PluginLog {
    private final System.Logger logger;
    private final String prefix;
    private long windowStart;
    private int inWindow;
    private int dropped;

    Log(String plugin) {
      this.logger = System.getLogger("io.higressj.plugins." + plugin);
      this.prefix = "[" + plugin + "] ";
    }

    private synchronized String admit(String message) {
      long now = System.nanoTime();
      if (now - windowStart > 1_000_000_000L) {
        String note = dropped > 0 ? " (" + dropped + " lines dropped)" : "";
        windowStart = now;
        inWindow = 0;
        dropped = 0;
        inWindow++;
        return prefix + message + note;
      }
      if (inWindow >= PER_SECOND) {
        dropped++;
        return null;
      }
      inWindow++;
      return prefix + message;
    }

    private void log(System.Logger.Level level, String message, Throwable t) {
      if (!logger.isLoggable(level)) return;
      String line = admit(message);
      if (line == null) return;
      if (t == null) logger.log(level, line);
      else logger.log(level, line, t);
    }

    @Override
    public void debug(String message) {
      log(System.Logger.Level.DEBUG, message, null);
    }

    @Override
    public void info(String message) {
      log(System.Logger.Level.INFO, message, null);
    }

    @Override
    public void warn(String message) {
      log(System.Logger.Level.WARNING, message, null);
    }

    @Override
    public void error(String message, Throwable cause) {
      log(System.Logger.Level.ERROR, message, cause);
    }
  }
}
