package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void helpDocumentsEveryFlag() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString()).contains("--config-dir", "--http-port", "--https-port", "--admin-port", "--access-log",
        "--bind-address", "--admin-address", "--ingress-class", "--workers", "--upstream-timeout");
  }

  @Test
  void durations() {
    assertThat(Main.parseDuration("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Main.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Main.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Main.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void rejectsBadPortsWithTheFieldName() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("--http-port", "70000")).isNotZero();
    assertThat(err.toString()).contains("httpPort: 70000");
  }
}
