package io.higressj.config.source;

import io.higressj.config.resource.ResourceSet;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Emits the Kubernetes-shaped objects of one place (a directory, a cluster, Nacos...). Every source
 * produces the same resource model, so one translator serves every deployment.
 */
public interface ConfigSource extends AutoCloseable {
  /**
   * Reads the current objects and hands them to {@code listener} before returning, then again (on the
   * source's own thread) after every change. Each call carries the complete set, not a delta.
   */
  void start(Consumer<ResourceSet> listener) throws IOException;

  @Override
  void close();
}
