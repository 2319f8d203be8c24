package io.higressj.conformance.corpus;

import static io.higressj.conformance.corpus.Fields.list;
import static io.higressj.conformance.corpus.Fields.map;
import static io.higressj.conformance.corpus.Fields.positive;
import static io.higressj.conformance.corpus.Fields.required;
import static io.higressj.conformance.corpus.Fields.requiredText;

import java.util.List;
import java.util.Map;

/** The traffic shapes of assertions other than a plain {@code request}. */
public final class Traffic {
  private Traffic() {}

  /** {@code {namespace, name}} of a Gateway (or another namespaced object). */
  public record ObjectRef(String namespace, String name) {
    public ObjectRef {
      requiredText(name, "name");
      if (namespace == null) namespace = "";
    }

    @Override
    public String toString() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }
  }

  /** Gateway API {@code target}: a Gateway and the port of one of its listeners (FORMAT.md 2.2). */
  public record Target(ObjectRef gateway, Integer port) {
    public Target {
      required(gateway, "gateway");
      required(port, "port");
      if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /** Higress {@code load} (FORMAT.md 9): workers sending requests one after another. */
  public record LoadSpec(RequestSpec request, Integer workers, Integer requestsPerWorker, Integer pauseAfterNon2xxMs) {
    public LoadSpec {
      required(request, "request");
      workers = positive(workers, 1, "workers");
      requestsPerWorker = positive(requestsPerWorker, 1, "requestsPerWorker");
      if (pauseAfterNon2xxMs == null) pauseAfterNon2xxMs = 0;
      if (pauseAfterNon2xxMs < 0) throw new IllegalArgumentException("pauseAfterNon2xxMs: " + pauseAfterNon2xxMs + " (expected: >= 0)");
    }
  }

  /** A unary gRPC call with an empty {@code EchoRequest} (Gateway API FORMAT.md 12.1). */
  public record GrpcSpec(String service, String method, String authority, Map<String, String> metadata) {
    public GrpcSpec {
      requiredText(service, "service");
      requiredText(method, "method");
      metadata = map(metadata, "metadata");
    }

    public String path() {
      return "/" + service + "/" + method;
    }
  }

  /** A WebSocket conversation (Gateway API FORMAT.md 12.2). */
  public record WebSocketSpec(String path, String origin, List<WsExchange> exchanges) {
    public WebSocketSpec {
      requiredText(path, "path");
      exchanges = list(exchanges);
    }
  }

  public record WsExchange(WsMessage send, WsMessage expectReceive) {
    public WsExchange {
      required(send, "send");
      required(expectReceive, "expectReceive");
    }
  }

  /** A text or binary message; {@code binary} is a list of byte values. */
  public record WsMessage(String text, List<Integer> binary) {
    public WsMessage {
      Fields.exactlyOne("message", "text", text, "binary", binary);
      if (binary != null) {
        for (int i = 0; i < binary.size(); i++) {
          Integer b = binary.get(i);
          if (b == null || b < 0 || b > 255) throw new IllegalArgumentException("binary[" + i + "]: " + b + " (expected: 0..255)");
        }
        binary = List.copyOf(binary);
      }
    }

    public byte[] bytes() {
      if (text != null) return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] out = new byte[binary.size()];
      for (int i = 0; i < out.length; i++) out[i] = (byte) (int) binary.get(i);
      return out;
    }
  }

  /**
   * The entropy of distribution checks: with {@code probability}, the request's headers are
   * replaced by (or, {@code addMetadata}, extended with) {@code header: <random in [valueMin, valueMax]>}.
   */
  public record Entropy(Double probability, String mode, String header, Integer valueMin, Integer valueMax) {
    public Entropy {
      required(probability, "probability");
      if (probability < 0 || probability > 1) throw new IllegalArgumentException("probability: " + probability + " (expected: 0..1)");
      requiredText(mode, "mode");
      if (!mode.equals("replaceRequestHeaders") && !mode.equals("addMetadata")) {
        throw new IllegalArgumentException("mode: \"" + mode + "\" (expected: replaceRequestHeaders or addMetadata)");
      }
      requiredText(header, "header");
      required(valueMin, "valueMin");
      required(valueMax, "valueMax");
      if (valueMin > valueMax) throw new IllegalArgumentException("valueMin: " + valueMin + " (expected: <= valueMax " + valueMax + ")");
    }
  }

  /** Gateway API FORMAT.md 12.3. */
  public record WeightedDistribution(
      RequestSpec request,
      Expect expectEach,
      Entropy entropy,
      Map<String, Double> weights,
      Integer totalRequests,
      Integer concurrency,
      Double tolerance,
      Integer maxAttempts) {
    public WeightedDistribution {
      required(request, "request");
      required(expectEach, "expectEach");
      required(expectEach.expectedStatus(), "expectEach.status");
      weights = checkedWeights(weights);
      totalRequests = positive(totalRequests, 500, "totalRequests");
      concurrency = positive(concurrency, 10, "concurrency");
      required(tolerance, "tolerance");
      maxAttempts = positive(maxAttempts, 1, "maxAttempts");
    }
  }

  /** Gateway API FORMAT.md 12.5. */
  public record GrpcWeightedDistribution(
      GrpcSpec grpc,
      Expect expectEach,
      Entropy entropy,
      Map<String, Double> weights,
      Integer totalRequests,
      Integer concurrency,
      Double tolerance,
      Integer maxAttempts) {
    public GrpcWeightedDistribution {
      required(grpc, "grpc");
      weights = checkedWeights(weights);
      totalRequests = positive(totalRequests, 500, "totalRequests");
      concurrency = positive(concurrency, 10, "concurrency");
      required(tolerance, "tolerance");
      maxAttempts = positive(maxAttempts, 1, "maxAttempts");
    }
  }

  private static Map<String, Double> checkedWeights(Map<String, Double> weights) {
    weights = map(weights, "weights");
    if (weights.isEmpty()) throw new IllegalArgumentException("weights: missing");
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      if (e.getValue() < 0 || e.getValue() > 1) {
        throw new IllegalArgumentException("weights." + e.getKey() + ": " + e.getValue() + " (expected: 0..1)");
      }
    }
    return weights;
  }

  /** Gateway API FORMAT.md 12.4. */
  public record MirrorDistribution(
      RequestSpec request,
      Expect expectEach,
      Integer perRequestConsecutiveSuccesses,
      List<Mirror> mirrors,
      Integer totalRequests,
      Integer concurrency,
      Double toleranceStdDevs,
      Integer maxAttempts,
      Double retryDelaySeconds) {
    public MirrorDistribution {
      required(request, "request");
      required(expectEach, "expectEach");
      required(expectEach.expectedStatus(), "expectEach.status");
      perRequestConsecutiveSuccesses = positive(perRequestConsecutiveSuccesses, 1, "perRequestConsecutiveSuccesses");
      mirrors = list(mirrors);
      if (mirrors.isEmpty()) throw new IllegalArgumentException("mirrors: missing");
      totalRequests = positive(totalRequests, 500, "totalRequests");
      concurrency = positive(concurrency, 10, "concurrency");
      required(toleranceStdDevs, "toleranceStdDevs");
      maxAttempts = positive(maxAttempts, 1, "maxAttempts");
      if (retryDelaySeconds == null) retryDelaySeconds = 0.0;
    }
  }

  /** A mirror backend {@code service.namespace} and the share of requests it should see. */
  public record Mirror(String backend, Double percent) {
    public Mirror {
      requiredText(backend, "backend");
      required(percent, "percent");
      if (percent < 0 || percent > 100) throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
    }
  }
}
