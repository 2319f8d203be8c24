package io.higressj.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.higressj.api.PluginFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The built-in plugins' services file names each plugin ({@code class # name: x}): the gateway registers
 * them by that name without loading them, so the name must be the one the factory gives.
 */
class BuiltInPluginIndexTest {
  @Test
  void everyEntryNamesItsPluginAsTheFactoryDoes() throws Exception {
    List<String> entries = entries();
    assertThat(entries).hasSizeGreaterThan(20);
    Set<String> names = new HashSet<>();
    for (String entry : entries) {
      int hash = entry.indexOf('#');
      assertThat(hash).as("%s names its plugin (# name: ...)", entry).isPositive();
      String comment = entry.substring(hash + 1).strip();
      assertThat(comment).as(entry).startsWith("name:");
      String name = comment.substring("name:".length()).strip();
      String className = entry.substring(0, hash).strip();
      PluginFactory<?> f = (PluginFactory<?>) Class.forName(className).getConstructor().newInstance();
      assertThat(f.name()).as(className).isEqualTo(name);
      assertThat(names.add(name)).as("%s is named once", name).isTrue();
    }
  }

  private static List<String> entries() throws IOException {
    try (InputStream in = BuiltInPluginIndexTest.class.getResourceAsStream(
        "/META-INF/services/" + PluginFactory.class.getName())) {
      assertThat(in).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.strip().startsWith("#")).toList();
    }
  }
}
