package io.higressj.api;

/** Response headers with the status code. */
public interface ResponseHeaders extends Headers {
  int status();

  void status(int status);
}
