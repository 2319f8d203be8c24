package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed modules are the ones build.sh produced (SHA256SUMS is written by it). */
class FixturesReproducibleTest {
  @Test
  void committedModulesMatchTheirRecordedDigests() throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.WASM_DIR.resolve("SHA256SUMS"));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(7);
    for (String line : lines) {
      String[] parts = line.split("\\s+");
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Fixtures.wasm(parts[1]))))
          .as(parts[1])
          .isEqualTo(parts[0]);
    }
  }
}
