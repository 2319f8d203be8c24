package io.higressj.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Downstream HTTP/2 settings and flood budgets, part of {@link ProxyOptions#http2()}. The defaults
 * are Envoy's edge recommendations where one exists; {@code docs/security.md} (section "HTTP/2")
 * lists every value, who enforces it and the GOAWAY code a client gets when it goes over.
 *
 * <p>The header list limit (SETTINGS_MAX_HEADER_LIST_SIZE) is not here: it is
 * {@link ProxyOptions#maxHeaderSize()}, the same limit as for HTTP/1.1 (as Envoy's
 * {@code max_request_headers_kb} covers both).
 *
 * <p>Budgets count per connection in windows of {@link #floodWindow}: the first counted frame
 * opens a window, and every counter starts again from zero once the window has passed. Going over
 * any budget ends the connection with GOAWAY {@code ENHANCE_YOUR_CALM}.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open; the next
 *     one is refused with RST_STREAM {@code REFUSED_STREAM}
 * @param initialStreamWindowSize SETTINGS_INITIAL_WINDOW_SIZE: flow-control window of each stream for request bodies
 * @param initialConnectionWindowSize flow-control window of the whole connection for request bodies (announced
 *     by a WINDOW_UPDATE right after the SETTINGS); at least {@link #initialStreamWindowSize}
 * @param maxFrameSize SETTINGS_MAX_FRAME_SIZE: largest frame payload a client may send, 16384..16777215
 * @param floodWindow the time window of the budgets below; whole seconds, at least one
 * @param maxResetFramesPerWindow RST_STREAM frames a client may send per window (Rapid Reset, CVE-2023-44487), and
 *     RST_STREAM frames the gateway may send per window because of the client's errors (refused streams and
 *     other stream errors)
 * @param maxSettingsFramesPerWindow SETTINGS frames (acknowledgements included) a client may send per window
 * @param maxPingFramesPerWindow PING frames a client may send per window, plus one for every DATA frame the gateway
 *     sent in the window (clients such as gRPC's measure bandwidth with PINGs as data arrives)
 * @param maxPriorityFramesPerWindow PRIORITY frames a client may send per window
 * @param maxWindowUpdateFramesPerWindow WINDOW_UPDATE frames a client may send per window, plus
 *     {@link #WINDOW_UPDATES_PER_DATA_FRAME} for every DATA frame the gateway sent in the window
 * @param maxOtherFramesPerWindow frames of any other type a client may send per window: GOAWAY and extension
 *     or unknown types (e.g. PRIORITY_UPDATE), which the protocol says to ignore
 * @param maxConsecutiveEmptyDataFrames DATA frames without payload and without END_STREAM a client may send in a
 *     row (the next one ends the connection)
 * @param maxSmallContinuationFrames CONTINUATION frames (or a HEADERS frame) without END_HEADERS and shorter than
 *     8 KiB a client may send in one header block; larger ones are bounded by the header list limit
 * @param maxQueuedControlFrames control frames the gateway owes a client that does not read (PING and SETTINGS
 *     acknowledgements, RST_STREAM) before it gives up on the connection
 */
public record Http2Options(
    int maxConcurrentStreams,
    int initialStreamWindowSize,
    int initialConnectionWindowSize,
    int maxFrameSize,
    Duration floodWindow,
    int maxResetFramesPerWindow,
    int maxSettingsFramesPerWindow,
    int maxPingFramesPerWindow,
    int maxPriorityFramesPerWindow,
    int maxWindowUpdateFramesPerWindow,
    int maxOtherFramesPerWindow,
    int maxConsecutiveEmptyDataFrames,
    int maxSmallContinuationFrames,
    int maxQueuedControlFrames) {

  /** WINDOW_UPDATE frames a client earns with each DATA frame the gateway sends it (one for the stream, one for the connection, and slack). */
  public static final int WINDOW_UPDATES_PER_DATA_FRAME = 4;

  public Http2Options {
    requireNonNull(floodWindow, "floodWindow");
    atLeast("maxConcurrentStreams", maxConcurrentStreams, 1);
    if (initialStreamWindowSize < 0) {
      throw new IllegalArgumentException("initialStreamWindowSize: " + initialStreamWindowSize + " (expected: 0..2147483647)");
    }
    if (initialConnectionWindowSize < Math.max(initialStreamWindowSize, 65_535)) {
      throw new IllegalArgumentException("initialConnectionWindowSize: " + initialConnectionWindowSize
          + " (expected: >= 65535 and >= initialStreamWindowSize " + initialStreamWindowSize + ")");
    }
    if (maxFrameSize < 16_384 || maxFrameSize > 16_777_215) {
      throw new IllegalArgumentException("maxFrameSize: " + maxFrameSize + " (expected: 16384..16777215)");
    }
    if (floodWindow.compareTo(Duration.ofSeconds(1)) < 0 || floodWindow.getNano() != 0 || floodWindow.getSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("floodWindow: " + floodWindow + " (expected: whole seconds, >= 1s)");
    }
    atLeast("maxResetFramesPerWindow", maxResetFramesPerWindow, 1);
    atLeast("maxSettingsFramesPerWindow", maxSettingsFramesPerWindow, 1);
    atLeast("maxPingFramesPerWindow", maxPingFramesPerWindow, 1);
    atLeast("maxPriorityFramesPerWindow", maxPriorityFramesPerWindow, 1);
    atLeast("maxWindowUpdateFramesPerWindow", maxWindowUpdateFramesPerWindow, 1);
    atLeast("maxOtherFramesPerWindow", maxOtherFramesPerWindow, 1);
    atLeast("maxConsecutiveEmptyDataFrames", maxConsecutiveEmptyDataFrames, 1);
    atLeast("maxSmallContinuationFrames", maxSmallContinuationFrames, 1);
    atLeast("maxQueuedControlFrames", maxQueuedControlFrames, 1);
  }

  private static void atLeast(String name, int v, int min) {
    if (v < min) throw new IllegalArgumentException(name + ": " + v + " (expected: >= " + min + ")");
  }

  public static Http2Options defaults() {
    return new Http2Options(
        100,                     // Envoy edge: max_concurrent_streams 100
        65_535,                  // HTTP/2's default; Envoy edge: initial_stream_window_size 65536 (64 KiB)
        1024 * 1024,             // Envoy edge: initial_connection_window_size 1048576 (1 MiB)
        16_384,                  // HTTP/2's default
        Duration.ofSeconds(10),
        200,                     // Netty's default is 200 per 30 s
        100,
        100,
        1000,
        1000,
        1000,
        2,                       // Netty's default (Envoy: max_consecutive_inbound_frames_with_empty_payload 1)
        16,                      // Netty's default
        1000);                   // Envoy: max_outbound_control_frames 1000 (Netty's default: 10000)
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some settings of an existing {@link Http2Options}; validation happens in {@link #build()}. */
  public static final class Builder {
    private int maxConcurrentStreams;
    private int initialStreamWindowSize;
    private int initialConnectionWindowSize;
    private int maxFrameSize;
    private Duration floodWindow;
    private int maxResetFramesPerWindow;
    private int maxSettingsFramesPerWindow;
    private int maxPingFramesPerWindow;
    private int maxPriorityFramesPerWindow;
    private int maxWindowUpdateFramesPerWindow;
    private int maxOtherFramesPerWindow;
    private int maxConsecutiveEmptyDataFrames;
    private int maxSmallContinuationFrames;
    private int maxQueuedControlFrames;

    private Builder(Http2Options o) {
      maxConcurrentStreams = o.maxConcurrentStreams;
      initialStreamWindowSize = o.initialStreamWindowSize;
      initialConnectionWindowSize = o.initialConnectionWindowSize;
      maxFrameSize = o.maxFrameSize;
      floodWindow = o.floodWindow;
      maxResetFramesPerWindow = o.maxResetFramesPerWindow;
      maxSettingsFramesPerWindow = o.maxSettingsFramesPerWindow;
      maxPingFramesPerWindow = o.maxPingFramesPerWindow;
      maxPriorityFramesPerWindow = o.maxPriorityFramesPerWindow;
      maxWindowUpdateFramesPerWindow = o.maxWindowUpdateFramesPerWindow;
      maxOtherFramesPerWindow = o.maxOtherFramesPerWindow;
      maxConsecutiveEmptyDataFrames = o.maxConsecutiveEmptyDataFrames;
      maxSmallContinuationFrames = o.maxSmallContinuationFrames;
      maxQueuedControlFrames = o.maxQueuedControlFrames;
    }

    public Builder maxConcurrentStreams(int v) { maxConcurrentStreams = v; return this; }
    public Builder initialStreamWindowSize(int v) { initialStreamWindowSize = v; return this; }
    public Builder initialConnectionWindowSize(int v) { initialConnectionWindowSize = v; return this; }
    public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
    public Builder floodWindow(Duration v) { floodWindow = v; return this; }
    public Builder maxResetFramesPerWindow(int v) { maxResetFramesPerWindow = v; return this; }
    public Builder maxSettingsFramesPerWindow(int v) { maxSettingsFramesPerWindow = v; return this; }
    public Builder maxPingFramesPerWindow(int v) { maxPingFramesPerWindow = v; return this; }
    public Builder maxPriorityFramesPerWindow(int v) { maxPriorityFramesPerWindow = v; return this; }
    public Builder maxWindowUpdateFramesPerWindow(int v) { maxWindowUpdateFramesPerWindow = v; return this; }
    public Builder maxOtherFramesPerWindow(int v) { maxOtherFramesPerWindow = v; return this; }
    public Builder maxConsecutiveEmptyDataFrames(int v) { maxConsecutiveEmptyDataFrames = v; return this; }
    public Builder maxSmallContinuationFrames(int v) { maxSmallContinuationFrames = v; return this; }
    public Builder maxQueuedControlFrames(int v) { maxQueuedControlFrames = v; return this; }

    public Http2Options build() {
      return new Http2Options(maxConcurrentStreams, initialStreamWindowSize, initialConnectionWindowSize, maxFrameSize,
          floodWindow, maxResetFramesPerWindow, maxSettingsFramesPerWindow, maxPingFramesPerWindow,
          maxPriorityFramesPerWindow, maxWindowUpdateFramesPerWindow, maxOtherFramesPerWindow,
          maxConsecutiveEmptyDataFrames, maxSmallContinuationFrames, maxQueuedControlFrames);
    }
  }
}
