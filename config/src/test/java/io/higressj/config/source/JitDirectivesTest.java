package io.higressj.config.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/jit-directives.json}, which {@code bin/higress} hands to HotSpot: the JVM accepts it, each
 * class pattern still names classes of this package (a rename would leave the directive matching
 * nothing, silently), and the classes the translators run on stay out of it.
 */
class JitDirectivesTest {
  private static final Path FILE = Path.of("..", "bin", "jit-directives.json");
  private static final Pattern CLASS_PATTERN = Pattern.compile("\"(io/higressj/[A-Za-z/]+)\\*\\.\\*\"");

  private static List<String> classPrefixes() throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = CLASS_PATTERN.matcher(Files.readString(FILE));
    while (m.find()) out.add(m.group(1).replace('/', '.'));
    return out;
  }

  @Test
  void everyPatternNamesAClassOfTheReader() throws Exception {
    List<String> prefixes = classPrefixes();
    assertEquals(List.of(BlockYaml.class.getName(), YamlResources.class.getName(),
        DirectoryConfigSource.class.getName(), ReadCache.class.getName(), TextPool.class.getName()), prefixes);
    for (String p : prefixes) {
      assertTrue(p.startsWith(getClass().getPackageName() + "."), p);
      assertEquals(p, Class.forName(p).getName());
    }
    // the translators read every object through FieldMap: C2 must stay free to compile it
    for (String p : prefixes) assertFalse(FieldMap.class.getName().startsWith(p), p);
  }

  /**
   * The JDK classes listed (the file-system code the reader calls) exist in this JDK under those names,
   * and none of them is a class the request path runs on: no socket channel, no buffer.
   */
  @Test
  void theJdkPatternsNameFileSystemClasses() throws Exception {
    List<String> patterns = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:sun|java)/[A-Za-z/]+)(\\*)?\\.\\*\"").matcher(Files.readString(FILE));
    while (m.find()) patterns.add(m.group(1) + (m.group(2) == null ? "" : "*"));
    assertEquals(List.of("sun/nio/fs/*", "java/nio/file/*", "sun/nio/ch/ChannelInputStream", "sun/nio/ch/FileChannelImpl"),
        patterns);
    // a package pattern: the package exists (its file-system provider's class is in it)
    assertEquals("sun.nio.fs", java.nio.file.FileSystems.getDefault().provider().getClass().getPackageName());
    assertEquals("java.nio.file", Files.class.getPackageName());
    // a class pattern: the class exists under that name
    for (String p : patterns) {
      if (!p.endsWith("*")) assertEquals(p.replace('/', '.'), Class.forName(p.replace('/', '.')).getName());
    }
    // what reads a file is what the reader opened: a file channel and its stream, not a socket's
    try (var in = Files.newInputStream(FILE)) {
      assertEquals("sun.nio.ch.ChannelInputStream", in.getClass().getName());
    }
    try (var ch = java.nio.channels.FileChannel.open(FILE)) {
      assertEquals("sun.nio.ch.FileChannelImpl", ch.getClass().getName());
    }
  }

  @Test
  void theJvmReadsTheFile() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions",
        "-XX:CompilerDirectivesFile=" + FILE.toAbsolutePath(), "-version").redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("1 compiler directives added"), out);
  }
}
