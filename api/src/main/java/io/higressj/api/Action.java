package io.higressj.api;

/** What a filter tells the chain after a callback. */
public enum Action {
  /** go on with the next filter (or send upstream / downstream) */
  CONTINUE,
  /**
   * stop here until {@link FilterContext#resume()} is called; used while a callout is in flight. For
   * a body callback, the data seen so far is kept and the next body callback sees it all again (the
   * proxy-wasm "stop iteration and buffer" behaviour).
   */
  PAUSE
}
