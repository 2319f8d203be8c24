package io.higressj.testing.opa;

/** A policy outside the Rego subset {@link RegoPolicy} supports, or an evaluation error. */
public final class RegoException extends RuntimeException {
  public RegoException(String message) {
    super(message);
  }
}
