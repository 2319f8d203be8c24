package io.higressj.conformance.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One case.
 *
 * @param outcome PASS (every assertion passed), FAIL, or SKIP (not run: it needs something the gateway lacks)
 * @param message FAIL: the first failing assertion and its expected versus received; SKIP: what is needed
 * @param needs SKIP: the missing capabilities ({@code annotation X}, {@code kind G/K}, {@code plugin P}, {@code status} ...)
 * @param assertions every assertion, in order
 */
public record CaseResult(String name, Outcome outcome, String message, List<String> needs, List<AssertionResult> assertions, long millis) {

  public enum Outcome { PASS, FAIL, SKIP }

  public CaseResult {
    requireNonNull(name, "name");
    requireNonNull(outcome, "outcome");
    needs = List.copyOf(needs);
    assertions = List.copyOf(assertions);
  }

  /** The console line: {@code PASS name}, {@code FAIL name: why}, {@code SKIP name: needs ...}; always one line. */
  public String line() {
    String why = message == null ? "" : message.replaceAll("\\s*\\R\\s*", " | ");
    return switch (outcome) {
      case PASS -> "PASS " + name;
      case FAIL -> "FAIL " + name + ": " + why;
      case SKIP -> "SKIP " + name + ": " + why;
    };
  }
}
