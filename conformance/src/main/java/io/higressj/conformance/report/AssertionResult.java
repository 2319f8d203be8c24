package io.higressj.conformance.report;

import static java.util.Objects.requireNonNull;

/**
 * One assertion of a case.
 *
 * @param index its position in {@code assertions} (steps count too)
 * @param name its name in the corpus
 * @param type {@code request}, {@code load}, {@code statusCheck}, {@code grpc}, {@code websocket},
 *     {@code weightedDistribution}, {@code mirrorDistribution} or {@code grpcWeightedDistribution}
 * @param status PASS, FAIL, or NOT_RUN (the case stopped at an earlier failure)
 * @param message for a failure: what was expected and what was received; null otherwise
 * @param attempts how many attempts were made (requests, polls or distribution rounds)
 * @param millis how long it took
 * @param lastRequest the last request sent, e.g. {@code GET http://foo.com/hello}; null if none
 * @param lastExchange for a failed HTTP assertion: its last request and response in full; null otherwise
 */
public record AssertionResult(int index, String name, String type, Status status, String message, int attempts, long millis,
    String lastRequest, ExchangeRecord lastExchange) {

  public enum Status { PASS, FAIL, NOT_RUN }

  public AssertionResult {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(status, "status");
  }
}
