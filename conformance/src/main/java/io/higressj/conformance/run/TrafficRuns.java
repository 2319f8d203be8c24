package io.higressj.conformance.run;

import io.higressj.conformance.check.EchoReply;
import io.higressj.conformance.check.ResponseCheck;
import io.higressj.conformance.client.GoClient;
import io.higressj.conformance.client.GrpcClient;
import io.higressj.conformance.corpus.Expect;
import io.higressj.conformance.corpus.RequestSpec;
import io.higressj.conformance.corpus.Traffic;
import io.higressj.conformance.corpus.Traffic.Entropy;
import io.higressj.conformance.corpus.Traffic.Target;
import io.higressj.testing.echo.EchoServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The assertions that send many requests: {@code load} (Higress FORMAT.md 9) and the Gateway API
 * distribution checks (12.3 to 12.5). Each returns null when it passes, else why not.
 */
final class TrafficRuns {
  /** Sends request number {@code i}; null when it went as expected, else why not. */
  @FunctionalInterface
  interface Job {
    String run(int i) throws Exception;
  }

  private TrafficRuns() {}

  /** Runs {@code total} jobs, at most {@code concurrency} at a time; the first failure stops the rest. */
  static String concurrently(int total, int concurrency, Job job) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < Math.min(concurrency, total); w++) {
        workers.add(pool.submit(() -> {
          int i;
          while (failure.get() == null && (i = next.getAndIncrement()) < total) {
            String f;
            try {
              f = job.run(i);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              f = "interrupted";
            } catch (Exception e) {
              f = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (f != null) failure.compareAndSet(null, "request " + (i + 1) + " of " + total + ": " + f);
          }
        }));
      }
      for (Future<?> f : workers) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failure.compareAndSet(null, e.getCause().toString());
        }
      }
    }
    return failure.get();
  }

  /** Higress {@code load}: 2xx responses per second over the whole phase, or their count. */
  static String load(Exchanges exchanges, Traffic.LoadSpec load, Expect expect) throws InterruptedException {
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < load.workers(); w++) {
        pool.submit(() -> {
          for (int i = 0; i < load.requestsPerWorker(); i++) {
            try {
              int status = exchanges.send(null, load.request()).response().status();
              if (status >= 200 && status < 300) successes.incrementAndGet();
              else Thread.sleep(load.pauseAfterNon2xxMs());
            } catch (IOException e) {
              errors.incrementAndGet(); // neither counted nor followed by a pause
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        });
      }
    }
    double millis = Math.max(1, (System.nanoTime() - start) / 1e6);
    double rate = successes.get() * 1000.0 / millis;
    String summary = successes.get() + " 2xx responses in " + Math.round(millis) + " ms (" + String.format(java.util.Locale.ROOT, "%.2f", rate)
        + "/s; " + errors.get() + " transport errors)";
    if (expect.successRate() != null && !expect.successRate().contains(rate)) {
      return "expected a 2xx rate within " + expect.successRate() + " per second, received " + summary;
    }
    if (expect.maxSuccesses() != null && successes.get() > expect.maxSuccesses()) {
      return "expected at most " + expect.maxSuccesses() + " 2xx responses, received " + summary;
    }
    return null;
  }

  /** The request with, at probability p, its headers replaced by the entropy header. */
  static RequestSpec withEntropy(RequestSpec request, Entropy entropy) {
    if (entropy == null || ThreadLocalRandom.current().nextDouble() >= entropy.probability()) return request;
    int value = ThreadLocalRandom.current().nextInt(entropy.valueMin(), entropy.valueMax() + 1);
    return request.withHeaders(Map.of(entropy.header(), List.of(Integer.toString(value))));
  }

  /** {@code infra-backend-v1-higressj-0} → {@code infra-backend-v1}: the pod name without its last two parts. */
  static String serviceOfPod(String pod) {
    String[] parts = pod.split("-");
    if (parts.length <= 2) return pod;
    return String.join("-", java.util.Arrays.copyOf(parts, parts.length - 2));
  }

  /** One attempt of 12.3: every response as expected, every backend's share within tolerance. */
  static String weightedAttempt(Exchanges exchanges, Target target, Traffic.WeightedDistribution w) throws InterruptedException {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    String failure = concurrently(w.totalRequests(), w.concurrency(), i -> {
      GoClient.Result r = exchanges.send(target, withEntropy(w.request(), w.entropy()));
      List<String> f = ResponseCheck.evaluate(w.expectEach(), r.response(), r.url());
      if (!f.isEmpty()) return f.get(0);
      EchoReply echo;
      try {
        echo = EchoReply.parse(r.response().body());
      } catch (IllegalArgumentException e) {
        return "not an echo reply: " + e.getMessage();
      }
      String backend = serviceOfPod(echo.pod());
      if (!w.weights().containsKey(backend)) return "reply from backend " + backend + ", not one of " + w.weights().keySet();
      counts.computeIfAbsent(backend, k -> new AtomicInteger()).incrementAndGet();
      return null;
    });
    return failure != null ? failure : shares(counts, w.weights(), w.totalRequests(), w.tolerance());
  }

  /** One attempt of 12.5: gRPC calls; only OK replies count. */
  static String grpcWeightedAttempt(Exchanges exchanges, Target target, Traffic.GrpcWeightedDistribution w) throws InterruptedException {
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    String failure = concurrently(w.totalRequests(), w.concurrency(), i -> {
      Map<String, String> extra = Map.of();
      Entropy e = w.entropy();
      if (e != null && ThreadLocalRandom.current().nextDouble() < e.probability()) {
        extra = Map.of(e.header(), Integer.toString(ThreadLocalRandom.current().nextInt(e.valueMin(), e.valueMax() + 1)));
      }
      GrpcClient.Reply reply = exchanges.grpc(target, w.grpc(), extra);
      if (!reply.code().equals("OK")) return null;
      String backend = serviceOfPod(reply.pod());
      if (!w.weights().containsKey(backend)) return "reply from backend " + backend + ", not one of " + w.weights().keySet();
      counts.computeIfAbsent(backend, k -> new AtomicInteger()).incrementAndGet();
      return null;
    });
    return failure != null ? failure : shares(counts, w.weights(), w.totalRequests(), w.tolerance());
  }

  static String shares(Map<String, AtomicInteger> counts, Map<String, Double> weights, int total, double tolerance) {
    long expectedBackends = weights.values().stream().filter(v -> v > 0).count();
    Map<String, Integer> seen = new java.util.TreeMap<>();
    counts.forEach((k, v) -> seen.put(k, v.get()));
    if (seen.size() != expectedBackends) {
      return "expected " + expectedBackends + " backends with weights " + weights + ", received replies from " + seen;
    }
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(weights).entrySet()) {
      double share = seen.getOrDefault(e.getKey(), 0) / (double) total;
      if (Math.abs(share - e.getValue()) > tolerance) {
        return "expected backend " + e.getKey() + " to get " + e.getValue() + " (±" + tolerance + ") of " + total
            + " requests, received " + String.format(java.util.Locale.ROOT, "%.3f", share) + " (counts " + seen + ")";
      }
    }
    return null;
  }

  /**
   * The check of 12.4 after the requests: each mirror backend received about {@code percent} of them.
   *
   * @param since the attempt's start
   */
  static String mirrorShares(Traffic.MirrorDistribution m, String path, Instant since, java.util.function.Function<String, Optional<EchoServer>> backends)
      throws InterruptedException {
    Thread.sleep(200); // mirrored requests are sent alongside the response; let the last ones land
    List<String> failures = new ArrayList<>();
    for (Traffic.Mirror mirror : m.mirrors()) {
      Optional<EchoServer> server = backends.apply(mirror.backend());
      if (server.isEmpty()) return "mirror backend " + mirror.backend() + " is not an echo backend of this corpus";
      long count = server.get().requestsSince(since).stream().filter(r -> r.path().equals(path)).count();
      double p = mirror.percent() / 100.0;
      double expected = m.totalRequests() * p;
      double margin = m.toleranceStdDevs() * Math.sqrt(m.totalRequests() * p * (1 - p));
      if (count < expected - margin || count > expected + margin) {
        failures.add("expected backend " + mirror.backend() + " to receive " + Math.round(expected) + " ± " + String.format(java.util.Locale.ROOT, "%.1f", margin)
            + " mirrored requests for " + path + ", received " + count);
      }
    }
    return failures.isEmpty() ? null : String.join("; ", failures);
  }

  static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
