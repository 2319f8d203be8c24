package io.higressj.conformance;

import io.higressj.conformance.capability.Capabilities;
import io.higressj.conformance.corpus.CorpusException;
import io.higressj.conformance.report.RunReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/higress-conformance}: runs a corpus against the gateway and prints one line per case. */
@Command(
    name = "higress-conformance",
    mixinStandardHelpOptions = true,
    version = "Higress-J conformance 0.1.0",
    sortOptions = false,
    description = {
      "Runs a conformance corpus (../shared/conformance/higress, .../gateway-api, or any",
      "directory in that format) against the gateway. Prints one line per case: PASS, FAIL",
      "with the first failing assertion, or SKIP with what the gateway lacks; then",
      "'N passed, M failed, K skipped'. Exit status: 0 when no case failed, 1 when one",
      "did, 2 when the run could not be made. Docs: docs/conformance.md."
    })
public final class Main implements Callable<Integer> {
  @Option(names = "--corpus", paramLabel = "DIR", required = true, description = "The corpus directory (it holds _base/base.yaml).")
  Path corpus;

  @Option(names = "--case", paramLabel = "NAME", split = ",", description = "Run only these cases (repeatable, or comma-separated).")
  List<String> cases = new ArrayList<>();

  @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report with every case and assertion.")
  Path report;

  @Option(names = "--gateway-cmd", paramLabel = "CMD",
      description = "Run the gateway as this command (through /bin/sh) with --config-dir DIR --http-port 0 --https-port 0 "
          + "--admin-port 0 --access-log off --listener-port-map *=0 appended; default: the gateway of this build, in this JVM.")
  String gatewayCommand;

  @Option(names = "--max-wait", paramLabel = "SECONDS",
      description = "Cap each assertion's time to consistency (maxTimeToConsistencySeconds) at this many seconds; default: the corpus values.")
  Integer maxWait;

  @Option(names = "--capabilities", paramLabel = "FILE",
      description = "Use this capabilities file instead of the built-in one (format: docs/conformance.md).")
  Path capabilities;

  @Option(names = "--run-unsupported",
      description = "Run the cases that need capabilities the gateway lacks instead of skipping them.")
  boolean runUnsupported;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Keep the configuration directory and the gateway log here.")
  Path workDir;

  @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long --gateway-cmd may take to print its ready line (default: ${DEFAULT-VALUE}).")
  int startTimeout;

  private final PrintStream out;

  Main(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main(out));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parse) -> {
      err.println("higress-conformance: " + e.getMessage());
      return 2;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    if (maxWait != null && maxWait <= 0) throw new CommandLine.ParameterException(new CommandLine(this), "--max-wait: " + maxWait + " (expected: > 0)");
    Capabilities caps;
    try {
      caps = capabilities == null ? Capabilities.builtin() : Capabilities.load(capabilities);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--capabilities: " + e.getMessage(), e);
    }
    ConformanceRunner.GatewayLauncher launcher = gatewayCommand == null
        ? ConformanceRunner.GatewayLauncher.inProcess()
        : ConformanceRunner.GatewayLauncher.command(gatewayCommand, Duration.ofSeconds(startTimeout));
    ConformanceRunner.Options options = new ConformanceRunner.Options(caps, runUnsupported,
        maxWait == null ? null : Duration.ofSeconds(maxWait), launcher, workDir, workDir != null, r -> {
          out.println(r.line());
          out.flush();
        });
    RunReport result;
    try {
      result = ConformanceRunner.run(corpus, cases, options);
    } catch (CorpusException | IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    out.println(result.summary().line());
    if (report != null) result.write(report);
    return result.summary().failed() > 0 ? 1 : 0;
  }
}
