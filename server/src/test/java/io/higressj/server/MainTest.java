package io.higressj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpDocumentsEveryFlag() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config-dir", "--http-port", "--https-port", "--admin-port",
        "--access-log", "--bind-address", "--admin-address", "--ingress-class", "--workers", "--upstream-timeout",
        "--listener-port-map", "--write-status", "--version", "--train");
    for (Main.Flag f : Main.FLAGS) assertThat(out.toString(StandardCharsets.UTF_8)).contains(f.help());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(default: 8080)", "(default: as declared)");
  }

  @Test
  void version() {
    assertThat(run("-V")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Higress-J");
  }

  @Test
  void trainingServesItsRequestsAndStops() {
    assertThat(run("--train")).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void bothSpellingsOfAValueAndTheDefaults() throws Exception {
    var v = Main.parse(new String[] {"--http-port=9001", "--https-port", "-1", "--write-status", "false"});
    assertThat(v.get("--http-port")).isEqualTo("9001");
    assertThat(v.get("--https-port")).isEqualTo("-1");
    assertThat(v.get("--write-status")).isEqualTo("false");
    assertThat(v.get("--config-dir")).isEqualTo("conf");
    assertThat(v.get("--admin-port")).isEqualTo("15000");
  }

  @Test
  void theReadCacheDirectory() throws Exception {
    assertThat(Main.parse(new String[0]).get("--read-cache")).isEqualTo("auto");
    assertThat(Main.readCache("off")).isNull();
    assertThat(Main.readCache("/var/cache/gw")).isEqualTo(java.nio.file.Path.of("/var/cache/gw"));
    java.nio.file.Path auto = Main.readCache("auto");
    assertThat(auto.endsWith(java.nio.file.Path.of("higress-j", "config"))).as(auto.toString()).isTrue();
    String xdg = System.getenv("XDG_CACHE_HOME");
    assertThat(auto.getParent().getParent()).isEqualTo(xdg != null && !xdg.isBlank() ? java.nio.file.Path.of(xdg)
        : java.nio.file.Path.of(System.getProperty("user.home"), ".cache"));
  }

  @Test
  void durations() throws Exception {
    assertThat(Main.parseDuration("--upstream-timeout", "60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Main.parseDuration("--upstream-timeout", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Main.parseDuration("--upstream-timeout", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Main.parseDuration("--upstream-timeout", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> Main.parseDuration("--upstream-timeout", "soon")).hasMessageContaining("--upstream-timeout: soon");
    assertThat(Main.parseDuration("--busy-poll", "50us")).isEqualTo(Duration.ofNanos(50_000));
    assertThat(Main.parseDuration("--busy-poll", "0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void busyPollingIsBoundedAndNamedInItsErrors() {
    assertThat(run("--busy-poll", "soon")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--busy-poll: soon (expected: e.g. 60s, 500ms, 50us, 2m)");
    err.reset();
    assertThat(run("--busy-poll", "1s")).as("seconds where microseconds were meant").isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("busyPoll: 1000000us (expected: 0 to 10ms, e.g. 50us)");
    assertThat(Main.usage()).contains("--busy-poll=DURATION");
  }

  @Test
  void rejectsBadPortsWithTheFieldName() {
    assertThat(run("--http-port", "70000")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("httpPort: 70000");
  }

  @Test
  void badCommandLinesSayWhatIsWrong() {
    assertThat(run("--http-prot", "8080")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --http-prot").contains("Usage: higress");
    err.reset();
    assertThat(run("--workers", "many")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--workers: many (expected: an integer)");
    err.reset();
    assertThat(run("--config-dir")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--config-dir: missing DIR");
    err.reset();
    assertThat(run("--write-status=maybe")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--write-status: maybe (expected: true or false)");
    err.reset();
    assertThat(run("--listener-port-map", "x=y")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--listener-port-map");
  }
}
