package io.higressj.conformance;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.backend.EchoBackends;
import io.higressj.conformance.backend.ServiceStandIns;
import io.higressj.conformance.capability.Capabilities;
import io.higressj.conformance.client.WireClient;
import io.higressj.conformance.corpus.Case;
import io.higressj.conformance.corpus.Corpus;
import io.higressj.conformance.corpus.CorpusException;
import io.higressj.conformance.corpus.CorpusReader;
import io.higressj.conformance.gateway.AdminClient;
import io.higressj.conformance.gateway.ExternalGateway;
import io.higressj.conformance.gateway.GatewayUnderTest;
import io.higressj.conformance.gateway.InProcessGateway;
import io.higressj.conformance.report.CaseResult;
import io.higressj.conformance.report.RunReport;
import io.higressj.conformance.run.BaseSetup;
import io.higressj.conformance.run.CaseExecutor;
import io.higressj.conformance.run.RetryLoop;
import io.higressj.conformance.run.RunContext;
import io.higressj.conformance.store.ObjectKey;
import io.higressj.conformance.store.ObjectStore;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a corpus directory against a gateway (FORMAT.md section 2): starts the echo backends,
 * writes the installation, base and backend objects into a fresh configuration directory, starts
 * the gateway on it, then runs every selected case in name order. A case that needs a capability
 * the gateway lacks is reported SKIP and not run; when no selected case can run, neither the
 * gateway nor the backends are started.
 */
public final class ConformanceRunner {
  private ConformanceRunner() {}

  /** Starts the gateway under test on a configuration directory. */
  public interface GatewayLauncher {
    GatewayUnderTest start(Path configDir, Path logFile);

    /** For reports: what runs. */
    String describe();

    /** The gateway of this build, in this JVM. */
    static GatewayLauncher inProcess() {
      return new GatewayLauncher() {
        @Override
        public GatewayUnderTest start(Path configDir, Path logFile) {
          return InProcessGateway.start(configDir, logFile);
        }

        @Override
        public String describe() {
          return "in-process";
        }
      };
    }

    /** {@code command} with the {@code bin/higress} port flags appended, in its own process. */
    static GatewayLauncher command(String command, Duration startTimeout) {
      requireNonNull(command, "command");
      return new GatewayLauncher() {
        @Override
        public GatewayUnderTest start(Path configDir, Path logFile) {
          return ExternalGateway.start(command, configDir, logFile, startTimeout);
        }

        @Override
        public String describe() {
          return command;
        }
      };
    }
  }

  /**
   * How to run.
   *
   * @param capabilities what the gateway supports
   * @param runUnsupported run cases even when they need missing capabilities (they are not skipped)
   * @param maxWait caps each assertion's time to consistency; null: the corpus values
   * @param launcher starts the gateway
   * @param workDir where the configuration directory and logs go; null: a new temporary directory
   * @param keepWorkDir do not delete the work directory at the end
   * @param listener called with each case's result as soon as it is known, in order
   */
  public record Options(
      Capabilities capabilities,
      boolean runUnsupported,
      Duration maxWait,
      GatewayLauncher launcher,
      Path workDir,
      boolean keepWorkDir,
      Consumer<CaseResult> listener) {
    public Options {
      requireNonNull(capabilities, "capabilities");
      requireNonNull(launcher, "launcher");
      if (listener == null) listener = r -> {};
      if (maxWait != null && (maxWait.isNegative() || maxWait.isZero())) throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: > 0)");
    }

    /** The checked-in capabilities, the in-process gateway, corpus timings. */
    public static Options defaults() {
      return new Options(Capabilities.builtin(), false, null, GatewayLauncher.inProcess(), null, false, null);
    }

    public Options withMaxWait(Duration d) {
      return new Options(capabilities, runUnsupported, d, launcher, workDir, keepWorkDir, listener);
    }

    public Options withListener(Consumer<CaseResult> l) {
      return new Options(capabilities, runUnsupported, maxWait, launcher, workDir, keepWorkDir, l);
    }

    public Options withLauncher(GatewayLauncher l) {
      return new Options(capabilities, runUnsupported, maxWait, l, workDir, keepWorkDir, listener);
    }
  }

  /**
   * Runs the cases {@code caseNames} of the corpus at {@code root} (all when empty).
   *
   * @throws CorpusException when the corpus itself (its base) cannot be read
   * @throws IllegalArgumentException when a named case does not exist
   */
  public static RunReport run(Path root, List<String> caseNames, Options options) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Corpus corpus = CorpusReader.read(root);
    List<String> selected = caseNames.isEmpty() ? corpus.caseNames() : List.copyOf(caseNames);
    for (String n : selected) {
      if (!corpus.caseNames().contains(n)) {
        throw new IllegalArgumentException("case " + n + ": not in " + root + " (it has " + corpus.caseNames().size() + " cases, e.g. "
            + corpus.caseNames().stream().limit(5).toList() + ")");
      }
    }
    List<CaseResult> results = new ArrayList<>();
    try (Session session = new Session(corpus, options)) {
      for (String name : selected) {
        CaseResult r = session.runCase(name);
        results.add(r);
        options.listener().accept(r);
      }
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    return RunReport.of(corpus.name(), root.toAbsolutePath().normalize().toString(), options.launcher().describe(), started, millis,
        options.maxWait() == null ? null : (int) options.maxWait().toSeconds(), results);
  }

  /** The gateway, backends and store of a run; started when the first runnable case comes. */
  private static final class Session implements AutoCloseable {
    private final Corpus corpus;
    private final Options options;
    private Path workDir;
    private boolean createdWorkDir;
    private EchoBackends backends;
    private final io.higressj.conformance.backend.ExternalServices services = new io.higressj.conformance.backend.ExternalServices();
    private ServiceStandIns standIns;
    private GatewayUnderTest gateway;
    private WireClient wire;
    private CaseExecutor executor;
    private String startFailure;

    Session(Corpus corpus, Options options) {
      this.corpus = corpus;
      this.options = options;
    }

    CaseResult runCase(String name) {
      long t0 = System.nanoTime();
      Case c;
      try {
        c = CorpusReader.readCase(corpus, name);
      } catch (CorpusException e) {
        return new CaseResult(name, CaseResult.Outcome.FAIL, "cannot read the case: " + e.getMessage(), List.of(), List.of(), 0);
      }
      List<String> missing = options.capabilities().missing(c);
      if (!missing.isEmpty() && !options.runUnsupported()) {
        return new CaseResult(name, CaseResult.Outcome.SKIP, "needs " + String.join(", ", missing), missing, List.of(), 0);
      }
      if (executor == null && startFailure == null) {
        try {
          start();
        } catch (RuntimeException e) {
          startFailure = "the run could not start: " + e.getMessage();
        }
      }
      if (startFailure != null) {
        return new CaseResult(name, CaseResult.Outcome.FAIL, startFailure, List.of(), List.of(), (System.nanoTime() - t0) / 1_000_000);
      }
      try {
        return executor.run(c);
      } catch (RuntimeException e) {
        // a runner bug must not hide the other cases; the executor has restored the base state
        return new CaseResult(name, CaseResult.Outcome.FAIL, "runner error: " + e, List.of(), List.of(), (System.nanoTime() - t0) / 1_000_000);
      }
    }

    private void start() {
      try {
        if (options.workDir() != null) {
          workDir = options.workDir();
          Files.createDirectories(workDir);
        } else {
          workDir = Files.createTempDirectory("higress-conformance-");
          createdWorkDir = true;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the work directory: " + e.getMessage(), e);
      }
      Path configDir = workDir.resolve("config");
      if (Files.exists(configDir)) deleteTree(configDir); // a kept work directory of an earlier run
      ObjectStore store = new ObjectStore(configDir, Clock.systemUTC());
      backends = EchoBackends.start(corpus.base().echoBackends());
      standIns = ServiceStandIns.start(corpus.baseObjects());
      Map<String, GeneratedCertificate> certificates = BaseSetup.write(corpus, options.capabilities(), store, backends, standIns);
      gateway = options.launcher().start(configDir, workDir.resolve("gateway.log"));
      AdminClient admin = new AdminClient(gateway.address(), gateway.adminPort());
      try {
        admin.awaitReady(Duration.ofSeconds(60));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<ObjectKey, ObjectNode> baseState = store.snapshot();
      wire = new WireClient();
      executor = new CaseExecutor(new RunContext(corpus, options.capabilities(), store, admin, gateway, backends, wire, certificates,
          baseState, options.maxWait(), Duration.ofSeconds(2), RetryLoop.Ticker.SYSTEM), services);
    }

    @Override
    public void close() {
      if (wire != null) wire.close();
      if (gateway != null) gateway.close();
      if (backends != null) backends.close();
      services.close();
      if (standIns != null) standIns.close();
      if (workDir != null && createdWorkDir && !options.keepWorkDir()) deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (IOException e) {
            // best effort: a temporary directory
          }
        });
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
