package io.higressj.conformance.corpus;

/** A corpus file that cannot be read or does not follow the format; the message names the file and field. */
public final class CorpusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorpusException(String message) {
    super(message);
  }

  public CorpusException(String message, Throwable cause) {
    super(message, cause);
  }
}
