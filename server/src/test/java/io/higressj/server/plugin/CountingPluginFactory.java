package io.higressj.server.plugin;

import io.higressj.api.HttpFilter;
import io.higressj.api.PluginFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A plugin that counts its factory's instances: in no services file of the class path, tests name it. */
public class CountingPluginFactory implements PluginFactory<Map<String, Object>> {
  static final AtomicInteger INSTANCES = new AtomicInteger();

  public CountingPluginFactory() {
    INSTANCES.incrementAndGet();
  }

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public Map<String, Object> parseConfig(Map<String, Object> config) {
    return Map.copyOf(config);
  }

  @Override
  public HttpFilter create(Map<String, Object> config) {
    return new HttpFilter() {};
  }

  /** The same plugin under another class, for an entry that misnames it. */
  public static class Again extends CountingPluginFactory {}
}
