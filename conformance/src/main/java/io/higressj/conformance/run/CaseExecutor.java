package io.higressj.conformance.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.conformance.capability.Capabilities;
import io.higressj.conformance.check.ResponseCheck;
import io.higressj.conformance.check.StatusChecks;
import io.higressj.conformance.client.GoClient;
import io.higressj.conformance.client.GrpcClient;
import io.higressj.conformance.client.Headers;
import io.higressj.conformance.client.WebSocketClient;
import io.higressj.conformance.client.WireRequest;
import io.higressj.conformance.client.WireResponse;
import io.higressj.conformance.corpus.Case;
import io.higressj.conformance.corpus.CaseSpec.VariableSpec;
import io.higressj.conformance.corpus.Entry;
import io.higressj.conformance.corpus.Expect;
import io.higressj.conformance.corpus.StatusCheck;
import io.higressj.conformance.corpus.Step;
import io.higressj.conformance.corpus.Traffic;
import io.higressj.conformance.report.AssertionResult;
import io.higressj.conformance.report.CaseResult;
import io.higressj.conformance.report.ExchangeRecord;
import io.higressj.conformance.store.ObjectKey;
import io.higressj.testing.echo.EchoServer;
import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one case (FORMAT.md section 2.2): applies its manifests, performs its setup, processes its
 * assertions and steps in order, stops at the first failing assertion, and in every case restores
 * the base state of the store afterwards.
 */
public final class CaseExecutor {
  /** How far back and how long a mirrored request is looked for (Gateway API FORMAT.md 7.4). */
  static final Duration MIRROR_LOOKBACK = Duration.ofSeconds(30);
  static final Duration MIRROR_WAIT = Duration.ofSeconds(10);

  private final RunContext ctx;
  private final Targets targets;
  private final SecureRandom random = new SecureRandom();

  private final io.higressj.conformance.backend.ExternalServices services;

  public CaseExecutor(RunContext ctx) {
    this(ctx, null);
  }

  /** With {@code services} providing the case's {@code requires.services} (null: none). */
  public CaseExecutor(RunContext ctx, io.higressj.conformance.backend.ExternalServices services) {
    this.services = services;
    this.ctx = requireNonNull(ctx, "ctx");
    this.targets = new Targets(ctx.gateway(), ctx.admin());
  }

  /** The object as the corpus's gateway installation would see it: Gateway API placeholders replaced. */
  public static ObjectNode admit(ObjectNode object, Capabilities.GatewayApi names) {
    String group = ObjectKey.groupOf(object.path("apiVersion").asText());
    if (!group.equals("gateway.networking.k8s.io")) return object;
    ObjectNode copy = object.deepCopy();
    String kind = copy.path("kind").asText();
    if (kind.equals("Gateway") && copy.path("spec").isObject()) ((ObjectNode) copy.get("spec")).put("gatewayClassName", names.gatewayClassName());
    if (kind.equals("GatewayClass") && copy.path("spec").isObject()) ((ObjectNode) copy.get("spec")).put("controllerName", names.controllerName());
    return copy;
  }

  /** The literal placeholders of {@code case.yaml} and their values. */
  static Map<String, String> constants(Capabilities.GatewayApi names) {
    return Map.of("{GATEWAY_CONTROLLER_NAME}", names.controllerName(), "{GATEWAY_CLASS_NAME}", names.gatewayClassName());
  }

  public CaseResult run(Case c) {
    long start = System.nanoTime();
    Map<String, GeneratedCertificate> certificates = new HashMap<>(ctx.baseCertificates());
    Map<ObjectKey, Long> generationsBeforePatch = new HashMap<>();
    StepRunner steps = new StepRunner(ctx.store(), certificates, generationsBeforePatch, CertificateGenerator.Subject.HIGRESS_E2E);
    Exchanges exchanges = new Exchanges(ctx.wire(), targets, certificates, Duration.ofSeconds(ctx.defaults().requestTimeoutSeconds()));
    Variables variables = new Variables(c.spec().variables(), constants(ctx.capabilities().gatewayApi()), random);
    List<AssertionResult> results = new ArrayList<>();
    String failure = null;
    try {
      try {
        ctx.settle(() -> {
          for (ObjectNode o : c.objects()) ctx.store().apply(admit(o, ctx.capabilities().gatewayApi()));
          if (services != null) for (ObjectNode o : services.endpointsFor(c)) ctx.store().apply(o);
        });
      } catch (Exception e) {
        failure = "applying the manifests failed: " + e.getMessage();
      }
      for (int i = 0; failure == null && i < c.spec().setup().size(); i++) {
        failure = perform(steps, c.spec().setup().get(i), "setup[" + i + "]");
      }
      for (int i = 0; i < c.spec().assertions().size(); i++) {
        Entry entry = c.spec().assertions().get(i);
        if (entry.isStep()) {
          if (failure == null) failure = perform(steps, entry.step(), "assertions[" + i + "]");
          continue;
        }
        if (failure != null) {
          results.add(new AssertionResult(i, entry.name(), typeName(entry.type()), AssertionResult.Status.NOT_RUN, null, 0, 0, null, null));
          continue;
        }
        AssertionResult r = evaluate(c, i, variables, exchanges, generationsBeforePatch);
        results.add(r);
        if (r.status() == AssertionResult.Status.FAIL) failure = r.name() + ": " + r.message();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } finally {
      try {
        ctx.settle(() -> ctx.store().restore(ctx.baseState()));
      } catch (Exception e) {
        if (failure == null) failure = "restoring the base objects failed: " + e.getMessage();
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return failure == null
        ? new CaseResult(c.name(), CaseResult.Outcome.PASS, null, List.of(), results, millis)
        : new CaseResult(c.name(), CaseResult.Outcome.FAIL, failure, List.of(), results, millis);
  }

  private String perform(StepRunner steps, Step step, String where) {
    try {
      ctx.settle(() -> steps.perform(step));
      return null;
    } catch (Exception e) {
      return "step " + step.kind() + " (" + where + ") failed: " + e.getMessage();
    }
  }

  static String typeName(Entry.Type t) {
    return switch (t) {
      case REQUEST -> "request";
      case LOAD -> "load";
      case STATUS_CHECK -> "statusCheck";
      case GRPC -> "grpc";
      case WEBSOCKET -> "websocket";
      case WEIGHTED_DISTRIBUTION -> "weightedDistribution";
      case MIRROR_DISTRIBUTION -> "mirrorDistribution";
      case GRPC_WEIGHTED_DISTRIBUTION -> "grpcWeightedDistribution";
      case STEP -> "step";
    };
  }

  private AssertionResult evaluate(Case c, int index, Variables variables, Exchanges exchanges, Map<ObjectKey, Long> generations)
      throws InterruptedException {
    Entry first;
    try {
      first = c.entry(index, variables.replacements());
    } catch (RuntimeException e) {
      return result(index, c.spec().assertions().get(index), false, e.getMessage(), 0, 0, null, null);
    }
    long start = System.nanoTime();
    AtomicReference<String> lastRequest = new AtomicReference<>();
    AtomicReference<ExchangeRecord> lastExchange = new AtomicReference<>();
    int attempts = 0;
    String failure = null;
    switch (first.type()) {
      case REQUEST, GRPC, WEBSOCKET -> {
        int needed = first.retries()
            ? (first.consecutiveSuccesses() != null ? first.consecutiveSuccesses() : ctx.defaults().consecutiveSuccesses())
            : 1;
        Duration maxTime = first.retries() ? ctx.consistency(first.maxTimeToConsistencySeconds()) : Duration.ZERO;
        Duration pause = Duration.ofMillis(ctx.defaults().retryPauseMs());
        for (int rep = 0; rep < first.repetitions() && failure == null; rep++) {
          Instant assertionStart = Instant.now();
          RetryLoop.Outcome o = RetryLoop.run(() -> {
            variables.regenerate(VariableSpec::perAttempt);
            Entry e = c.entry(index, variables.replacements());
            return switch (e.type()) {
              case REQUEST -> requestAttempt(e, exchanges, assertionStart, lastRequest, lastExchange);
              case GRPC -> grpcAttempt(e, exchanges, lastRequest);
              default -> webSocketAttempt(e, lastRequest);
            };
          }, needed, maxTime, pause, ctx.ticker());
          attempts += o.attempts();
          if (!o.passed()) failure = o.describe(needed) + (first.repetitions() > 1 ? " (repetition " + (rep + 1) + " of " + first.repetitions() + ")" : "");
        }
      }
      case STATUS_CHECK -> {
        StatusCheck check = first.statusCheck();
        if (check.type().equals("generationChanged")) {
          attempts = 1;
          failure = generationChanged(check, generations);
        } else {
          Duration limit = ctx.capped(Duration.ofSeconds(check.upstreamTimeoutSeconds()));
          Duration poll = check.type().equals("routeNoAcceptedParents") ? Duration.ofSeconds(1)
              : Duration.ofMillis(ctx.defaults().statusPollIntervalMs());
          StatusChecks.PollState state = new StatusChecks.PollState();
          long deadline = System.nanoTime() + limit.toNanos();
          while (true) {
            attempts++;
            failure = statusPoll(check, state);
            if (failure == null || System.nanoTime() > deadline) break;
            Thread.sleep(poll);
          }
          if (failure != null) failure = failure + " (" + attempts + " polls in " + limit.toSeconds() + " s)";
        }
      }
      case LOAD -> {
        attempts = 1;
        lastRequest.set(first.load().request().method() + " " + first.load().request().host() + first.load().request().path());
        failure = TrafficRuns.load(exchanges, first.load(), first.expect());
      }
      case WEIGHTED_DISTRIBUTION, GRPC_WEIGHTED_DISTRIBUTION -> {
        int max = first.type() == Entry.Type.WEIGHTED_DISTRIBUTION ? first.weightedDistribution().maxAttempts()
            : first.grpcWeightedDistribution().maxAttempts();
        long deadline = ctx.maxWait() == null ? Long.MAX_VALUE : System.nanoTime() + ctx.maxWait().toNanos();
        for (int a = 0; a < max; a++) {
          attempts++;
          failure = first.type() == Entry.Type.WEIGHTED_DISTRIBUTION
              ? TrafficRuns.weightedAttempt(exchanges, first.target(), first.weightedDistribution())
              : TrafficRuns.grpcWeightedAttempt(exchanges, first.target(), first.grpcWeightedDistribution());
          if (failure == null || System.nanoTime() > deadline) break;
        }
        if (failure != null) failure = failure + " (" + attempts + " distribution attempts)";
      }
      case MIRROR_DISTRIBUTION -> {
        int max = first.mirrorDistribution().maxAttempts();
        long deadline = ctx.maxWait() == null ? Long.MAX_VALUE : System.nanoTime() + ctx.maxWait().toNanos();
        for (int a = 0; a < max; a++) {
          attempts++;
          variables.regenerate(VariableSpec::perDistributionAttempt);
          Entry e = c.entry(index, variables.replacements());
          failure = mirrorAttempt(e, exchanges);
          if (failure == null || System.nanoTime() > deadline || a == max - 1) break;
          Thread.sleep(TrafficRuns.seconds(e.mirrorDistribution().retryDelaySeconds()));
        }
        if (failure != null) failure = failure + " (" + attempts + " distribution attempts)";
      }
      case STEP -> throw new IllegalStateException("steps are performed, not evaluated");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return result(index, first, failure == null, failure, attempts, millis, lastRequest.get(), lastExchange.get());
  }

  private static AssertionResult result(int index, Entry e, boolean passed, String message, int attempts, long millis, String lastRequest,
      ExchangeRecord exchange) {
    return new AssertionResult(index, e.name(), typeName(e.type()), passed ? AssertionResult.Status.PASS : AssertionResult.Status.FAIL,
        passed ? null : (lastRequest == null ? message : lastRequest + ": " + message), attempts, millis, lastRequest,
        passed ? null : exchange);
  }

  /** The request as it went on the wire, for the report. */
  static String requestText(WireRequest r) {
    StringBuilder s = new StringBuilder(r.method()).append(' ').append(r.target()).append(' ')
        .append(r.protocol() == WireRequest.Protocol.HTTP_1_1 ? "HTTP/1.1" : "HTTP/2").append('\n');
    s.append(r.protocol() == WireRequest.Protocol.HTTP_1_1 ? "Host: " : ":authority: ").append(r.authority()).append('\n');
    for (Headers.Line l : r.headers().lines()) s.append(l).append('\n');
    if (r.body() != null) s.append('\n').append(new String(r.body(), StandardCharsets.UTF_8));
    return s.toString();
  }

  static String destination(WireRequest r) {
    return r.address().getHostString() + ":" + r.address().getPort() + " " + r.protocol()
        + (r.tls() == null ? "" : " TLS" + (r.tls().sni() == null ? "" : " SNI " + r.tls().sni()));
  }

  static ExchangeRecord record(WireRequest request, WireResponse response) {
    List<String> headers = response.headers().lines().stream().map(Headers.Line::toString).toList();
    byte[] b = response.body();
    String body = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.UTF_8) + (b.length > 4096 ? "... (" + b.length + " bytes)" : "");
    return new ExchangeRecord(requestText(request), destination(request), response.status(), headers, body, null);
  }

  private String requestAttempt(Entry e, Exchanges exchanges, Instant assertionStart, AtomicReference<String> lastRequest,
      AtomicReference<ExchangeRecord> lastExchange) throws InterruptedException {
    GoClient.Call call;
    try {
      call = exchanges.call(e.target(), e.request());
    } catch (IOException ex) {
      return ex.getMessage();
    }
    lastRequest.set(Exchanges.describe(call));
    GoClient.Result result;
    try {
      result = new GoClient(ctx.wire(), targets.dialer(e.target())).execute(call);
    } catch (IOException ex) {
      lastExchange.set(new ExchangeRecord(Exchanges.describe(call), null, null, null, null, ex.getMessage()));
      return "request failed: " + ex.getMessage();
    }
    lastExchange.set(record(result.request(), result.response()));
    List<String> failures = ResponseCheck.evaluate(e.expect(), result.response(), result.url());
    if (failures.isEmpty() && !e.expect().mirroredTo().isEmpty()) {
      String m = mirrored(e.expect(), e.request().path(), assertionStart);
      if (m != null) failures = List.of(m);
    }
    if (failures.isEmpty()) return null;
    return failures.get(0) + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more: " + String.join("; ", failures.subList(1, failures.size())) + ")" : "");
  }

  /** 7.4: every mirror backend received a request for {@code path} (looked for up to 10 s after the assertion started). */
  private String mirrored(Expect expect, String path, Instant assertionStart) throws InterruptedException {
    Instant since = assertionStart.minus(MIRROR_LOOKBACK);
    Instant until = assertionStart.plus(MIRROR_WAIT);
    for (String id : expect.mirroredTo()) {
      Optional<EchoServer> server = ctx.backends().find(id);
      if (server.isEmpty()) return "mirror backend " + id + " is not an echo backend of this corpus";
      while (server.get().requestsSince(since).stream().noneMatch(r -> r.path().equals(path))) {
        if (Instant.now().isAfter(until)) return "expected backend " + id + " to receive a mirrored request for " + path + " within 10 s, it did not";
        Thread.sleep(50);
      }
    }
    return null;
  }

  private String grpcAttempt(Entry e, Exchanges exchanges, AtomicReference<String> lastRequest) {
    Traffic.GrpcSpec g = e.grpc();
    lastRequest.set("gRPC " + g.path() + (g.authority() == null ? "" : " (authority " + g.authority() + ")"));
    GrpcClient.Reply reply;
    try {
      reply = exchanges.grpc(e.target(), g, Map.of());
    } catch (IOException ex) {
      return "gRPC call failed: " + ex.getMessage();
    }
    Expect x = e.expect();
    if (x.grpcStatus() != null && !x.grpcStatus().equals(reply.code())) {
      return "expected gRPC status " + x.grpcStatus() + ", received " + reply.code() + (reply.message() == null ? "" : " (" + reply.message() + ")");
    }
    if (!"OK".equals(reply.code())) return null;
    if (x.fullyQualifiedMethod() != null && !x.fullyQualifiedMethod().equals(reply.fullyQualifiedMethod())) {
      return "expected the backend to see method " + x.fullyQualifiedMethod() + ", received " + reply.fullyQualifiedMethod();
    }
    if (x.namespace() != null && !x.namespace().equals(reply.namespace())) {
      return "expected the reply from namespace " + x.namespace() + ", received " + reply.namespace();
    }
    if (x.backend() != null && (reply.pod() == null || !reply.pod().startsWith(x.backend()))) {
      return "expected the reply from backend " + x.backend() + ", received pod " + reply.pod();
    }
    return null;
  }

  private String webSocketAttempt(Entry e, AtomicReference<String> lastRequest) {
    Traffic.WebSocketSpec ws = e.websocket();
    Targets.Endpoint ep;
    try {
      ep = targets.resolve(e.target(), "http");
    } catch (IOException ex) {
      return ex.getMessage();
    }
    String authority = ep.logicalHost() + ":" + ep.logicalPort();
    lastRequest.set("WebSocket ws://" + authority + ws.path());
    Duration timeout = Duration.ofSeconds(ctx.defaults().requestTimeoutSeconds());
    try (WebSocketClient.Session s = new WebSocketClient(ctx.wire()).open(ep.dial(), authority, ws.path(), ws.origin(), timeout)) {
      for (int i = 0; i < ws.exchanges().size(); i++) {
        Traffic.WsExchange x = ws.exchanges().get(i);
        s.send(x.send().bytes(), x.send().text() != null);
        byte[] got = s.receive(timeout);
        if (!Arrays.equals(got, x.expectReceive().bytes())) {
          return "exchange " + (i + 1) + ": expected to receive " + show(x.expectReceive().bytes()) + ", received " + show(got);
        }
      }
      return null;
    } catch (IOException ex) {
      return "WebSocket failed: " + ex.getMessage();
    }
  }

  private static String show(byte[] b) {
    String text = new String(b, java.nio.charset.StandardCharsets.UTF_8);
    return text.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f) ? "\"" + text + "\"" : Arrays.toString(b);
  }

  private String statusPoll(StatusCheck check, StatusChecks.PollState state) {
    Optional<JsonNode> status;
    try {
      status = ctx.admin().status();
    } catch (IOException e) {
      return "cannot read status from the admin endpoint: " + e.getMessage();
    }
    if (status.isEmpty()) return "the gateway does not publish object status (GET /status on the admin endpoint: 404)";
    return StatusChecks.poll(check, new GatewayStatusView(ctx.store(), status.get()), state);
  }

  private String generationChanged(StatusCheck check, Map<ObjectKey, Long> generations) {
    if (check.object() == null) return "generationChanged: object missing";
    StepRunner resolver = new StepRunner(ctx.store(), new HashMap<>(), generations, CertificateGenerator.Subject.HIGRESS_E2E);
    ObjectKey key;
    try {
      key = resolver.resolve(check.object());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    Long before = generations.get(key);
    if (before == null) return key + ": no mergePatch of this object preceded the check";
    long now = ctx.store().get(key).map(o -> o.path("metadata").path("generation").asLong(0)).orElse(0L);
    return now != before ? null : key + ": metadata.generation is still " + now;
  }

  private String mirrorAttempt(Entry e, Exchanges exchanges) throws InterruptedException {
    Traffic.MirrorDistribution m = e.mirrorDistribution();
    Instant since = Instant.now();
    Duration maxTime = ctx.consistency(e.maxTimeToConsistencySeconds());
    Duration pause = Duration.ofMillis(ctx.defaults().retryPauseMs());
    String failure = TrafficRuns.concurrently(m.totalRequests(), m.concurrency(), i -> {
      RetryLoop.Outcome o = RetryLoop.run(() -> {
        GoClient.Result r;
        try {
          r = exchanges.send(e.target(), m.request());
        } catch (IOException ex) {
          return "request failed: " + ex.getMessage();
        }
        List<String> f = ResponseCheck.evaluate(m.expectEach(), r.response(), r.url());
        return f.isEmpty() ? null : f.get(0);
      }, m.perRequestConsecutiveSuccesses(), maxTime, pause, ctx.ticker());
      return o.passed() ? null : o.describe(m.perRequestConsecutiveSuccesses());
    });
    if (failure != null) return failure;
    return TrafficRuns.mirrorShares(m, m.request().path(), since, id -> ctx.backends().find(id));
  }
}
