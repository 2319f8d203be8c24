package io.higressj.conformance.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.conformance.corpus.Traffic.GrpcSpec;
import io.higressj.conformance.corpus.Traffic.GrpcWeightedDistribution;
import io.higressj.conformance.corpus.Traffic.LoadSpec;
import io.higressj.conformance.corpus.Traffic.MirrorDistribution;
import io.higressj.conformance.corpus.Traffic.Target;
import io.higressj.conformance.corpus.Traffic.WebSocketSpec;
import io.higressj.conformance.corpus.Traffic.WeightedDistribution;

/**
 * One element of {@code assertions}: an assertion (it has exactly one of {@code request},
 * {@code load}, {@code statusCheck}, {@code grpc}, {@code websocket}, {@code weightedDistribution},
 * {@code mirrorDistribution}, {@code grpcWeightedDistribution}) or a step ({@code step}).
 *
 * @param unenforced expectations upstream never checked: kept for information, never evaluated
 * @param maxTimeToConsistencySeconds null: the corpus default
 * @param consecutiveSuccesses null: the corpus default
 * @param repeat the whole assertion is performed this many times (null = 1)
 * @param noRetry the first attempt decides
 */
public record Entry(
    String name,
    Boolean nameGenerated,
    Target target,
    RequestSpec request,
    LoadSpec load,
    StatusCheck statusCheck,
    GrpcSpec grpc,
    WebSocketSpec websocket,
    WeightedDistribution weightedDistribution,
    MirrorDistribution mirrorDistribution,
    GrpcWeightedDistribution grpcWeightedDistribution,
    Step step,
    Expect expect,
    JsonNode unenforced,
    Integer maxTimeToConsistencySeconds,
    Integer consecutiveSuccesses,
    Integer repeat,
    Boolean noRetry,
    JsonNode notes) {

  /** What an entry does. */
  public enum Type {
    REQUEST, LOAD, STATUS_CHECK, GRPC, WEBSOCKET, WEIGHTED_DISTRIBUTION, MIRROR_DISTRIBUTION, GRPC_WEIGHTED_DISTRIBUTION, STEP
  }

  public Entry {
    Fields.exactlyOne("entry", "request", request, "load", load, "statusCheck", statusCheck, "grpc", grpc,
        "websocket", websocket, "weightedDistribution", weightedDistribution, "mirrorDistribution", mirrorDistribution,
        "grpcWeightedDistribution", grpcWeightedDistribution, "step", step);
    if (step == null && (name == null || name.isEmpty())) throw new IllegalArgumentException("name: missing");
    if ((request != null || load != null || grpc != null) && expect == null) {
      throw new IllegalArgumentException("expect: missing");
    }
    if (request != null && expect.expectedStatus() == null) {
      throw new IllegalArgumentException("expect.status: missing (expected: status or response.status)");
    }
    if (maxTimeToConsistencySeconds != null && maxTimeToConsistencySeconds <= 0) {
      throw new IllegalArgumentException("maxTimeToConsistencySeconds: " + maxTimeToConsistencySeconds + " (expected: > 0)");
    }
    if (consecutiveSuccesses != null && consecutiveSuccesses <= 0) {
      throw new IllegalArgumentException("consecutiveSuccesses: " + consecutiveSuccesses + " (expected: > 0)");
    }
    if (repeat != null && repeat <= 0) throw new IllegalArgumentException("repeat: " + repeat + " (expected: > 0)");
  }

  public Type type() {
    if (request != null) return Type.REQUEST;
    if (load != null) return Type.LOAD;
    if (statusCheck != null) return Type.STATUS_CHECK;
    if (grpc != null) return Type.GRPC;
    if (websocket != null) return Type.WEBSOCKET;
    if (weightedDistribution != null) return Type.WEIGHTED_DISTRIBUTION;
    if (mirrorDistribution != null) return Type.MIRROR_DISTRIBUTION;
    if (grpcWeightedDistribution != null) return Type.GRPC_WEIGHTED_DISTRIBUTION;
    return Type.STEP;
  }

  public boolean isStep() {
    return step != null;
  }

  public int repetitions() {
    return repeat == null ? 1 : repeat;
  }

  public boolean retries() {
    return noRetry == null || !noRetry;
  }
}
