package io.higressj.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Data-plane settings that do not come from the config directory. The edge-safety defaults follow
 * Envoy's edge recommendations where one exists; {@code docs/security.md} lists each default next
 * to Envoy's and explains where we differ.
 *
 * @param upstreamConnectTimeout time to establish an upstream TCP connection
 * @param upstreamResponseTimeout time from the request's headers to the upstream's response headers (504 after it)
 * @param upstreamIdleTimeout an idle pooled upstream connection is closed after this
 * @param maxIdleConnectionsPerEndpoint idle upstream connections kept per endpoint and event loop
 * @param maxInitialLineLength longest request line (method, target, version) accepted; 414 above
 * @param maxHeaderSize total size of the request header lines accepted; 431 above (also bounds upstream response headers)
 * @param maxHeadersCount most request header fields accepted; 431 above
 * @param requestHeadersTimeout time from a request's first byte to the end of its headers; 408 and close after it;
 *     zero disables
 * @param idleTimeout an HTTP/1.1 downstream connection with no request in progress is closed after this; zero disables
 * @param maxRequestsPerConnection requests served on one HTTP/1.1 downstream connection, the last one answered with
 *     {@code Connection: close}; zero means no limit
 * @param headersWithUnderscores what to do with request header names containing {@code _}
 * @param xffNumTrustedHops how many proxies in front of the gateway append to {@code X-Forwarded-For}; the
 *     client address is the Nth address from the right of the received header (0: the TCP peer)
 * @param mergeSlashes merge runs of {@code /} in the request path before routing
 * @param escapedSlashes what to do with {@code %2F} and {@code %5C} in the request path
 * @param internalHeaders request headers the gateway owns and removes from downstream requests: lower-case names,
 *     a trailing {@code *} makes a prefix
 * @param internalHeaderExceptions lower-case names kept although {@link #internalHeaders} matches them
 * @param http2 downstream HTTP/2 settings and flood budgets (the header list limit is {@link #maxHeaderSize})
 * @param overload connection limit and memory-pressure thresholds
 * @param requestBodyIdleTimeout a request whose body stops arriving for this long (while the gateway is
 *     reading) is answered 408 and its connection closed (the request half of Envoy's
 *     {@code stream_idle_timeout}); zero disables
 * @param responseIdleTimeout a response whose body stops arriving from the upstream (or stops leaving towards a
 *     client that does not read) for this long is cut short: the upstream connection is closed and the client's
 *     connection (HTTP/1.1) or stream (HTTP/2) ended, access log flag {@code SI} (the response half of Envoy's
 *     {@code stream_idle_timeout}); zero disables
 * @param requestTimeout time from a request's headers until the gateway has received all of it; a request still
 *     incomplete then, with no response started, is answered 408 and its connection closed (Envoy's
 *     {@code request_timeout}); zero disables
 * @param connectionBufferLimit bytes the gateway queues for one client connection that does not read
 *     (the write high-water mark; reading from its upstream pauses above it and resumes below half of it),
 *     as Envoy's {@code per_connection_buffer_limit_bytes}
 * @param floodPenalty how long new connections from a client address are refused after the gateway ended
 *     its connections for flooding ({@code ENHANCE_YOUR_CALM}) twice within that time; zero disables
 * @param upstreamConnectionBufferLimit bytes the gateway queues for one backend connection that does not read
 *     (the write high-water mark: reading the client's request body pauses above it and resumes below half of
 *     it), as Envoy's cluster {@code per_connection_buffer_limit_bytes}; Netty's default 64 KiB unless
 *     {@code higress-config} sets {@code upstream.connectionBufferLimits}
 */
public record ProxyOptions(
    Duration upstreamConnectTimeout,
    Duration upstreamResponseTimeout,
    Duration upstreamIdleTimeout,
    int maxIdleConnectionsPerEndpoint,
    int maxInitialLineLength,
    int maxHeaderSize,
    int maxHeadersCount,
    Duration requestHeadersTimeout,
    Duration idleTimeout,
    int maxRequestsPerConnection,
    HeadersWithUnderscores headersWithUnderscores,
    int xffNumTrustedHops,
    boolean mergeSlashes,
    EscapedSlashes escapedSlashes,
    List<String> internalHeaders,
    List<String> internalHeaderExceptions,
    Http2Options http2,
    Overload overload,
    Duration requestBodyIdleTimeout,
    Duration responseIdleTimeout,
    Duration requestTimeout,
    int connectionBufferLimit,
    Duration floodPenalty,
    int upstreamConnectionBufferLimit) {

  /**
   * When the gateway refuses new work instead of failing under it (Envoy's overload manager).
   *
   * @param maxConnections client connections open at once over all listeners; the next one is closed as soon
   *     as it is accepted; 0: no limit
   * @param heapFraction share of the maximum heap still in use after the last garbage collection above which
   *     new requests are answered 503
   * @param directMemoryFraction share of the maximum direct memory in use (Netty's buffers) above which new
   *     requests are answered 503
   * @param maxConnectionsPerListener client connections open at once on one listener (Envoy's listener
   *     {@code max_connections}); the next one is closed as soon as it is accepted; 0: no limit
   */
  public record Overload(int maxConnections, double heapFraction, double directMemoryFraction,
      int maxConnectionsPerListener) {
    /** No per-listener limit. */
    public Overload(int maxConnections, double heapFraction, double directMemoryFraction) {
      this(maxConnections, heapFraction, directMemoryFraction, 0);
    }

    public Overload withMaxConnections(int max, int perListener) {
      return new Overload(max, heapFraction, directMemoryFraction, perListener);
    }

    public Overload {
      if (maxConnections < 0) throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 0, 0 = no limit)");
      if (maxConnectionsPerListener < 0) {
        throw new IllegalArgumentException("maxConnectionsPerListener: " + maxConnectionsPerListener + " (expected: >= 0, 0 = no limit)");
      }
      if (!(heapFraction > 0 && heapFraction <= 1)) {
        throw new IllegalArgumentException("heapFraction: " + heapFraction + " (expected: > 0 and <= 1)");
      }
      if (!(directMemoryFraction > 0 && directMemoryFraction <= 1)) {
        throw new IllegalArgumentException("directMemoryFraction: " + directMemoryFraction + " (expected: > 0 and <= 1)");
      }
    }

    /** Envoy's edge example: 50,000 connections; refuse work at 95% of memory. */
    public static Overload defaults() {
      return new Overload(50_000, 0.95, 0.95);
    }
  }

  /** Request header names with an underscore (Envoy's {@code headers_with_underscores_action}). */
  public enum HeadersWithUnderscores {
    /** Forward them (Envoy's and Higress's default). */
    ALLOW,
    /** Remove them from the request and go on. */
    DROP,
    /** Answer 400 and close the connection. */
    REJECT
  }

  /** {@code %2F} and {@code %5C} in a request path (Envoy's {@code path_with_escaped_slashes_action}). */
  public enum EscapedSlashes {
    /** Keep them encoded: they are not path separators for routing (Envoy's default). */
    KEEP("KEEP_UNCHANGED"),
    /** Answer 400. */
    REJECT("REJECT_REQUEST"),
    /** Decode them to {@code /} (a backslash counts as a slash, as Envoy's normalisation makes it) and route the result. */
    UNESCAPE_AND_FORWARD("UNESCAPE_AND_FORWARD"),
    /** As {@link #UNESCAPE_AND_FORWARD}, but answer a request that had them with a 307 to the decoded path (Envoy's edge recommendation). */
    UNESCAPE_AND_REDIRECT("UNESCAPE_AND_REDIRECT");

    /** Envoy's name, which {@code higress-config}'s {@code pathWithEscapedSlashesAction} uses. */
    public final String envoyName;

    EscapedSlashes(String envoyName) {
      this.envoyName = envoyName;
    }

    public static EscapedSlashes ofEnvoyName(String name) {
      for (EscapedSlashes e : values()) if (e.envoyName.equals(name)) return e;
      throw new IllegalArgumentException("pathWithEscapedSlashesAction: " + name);
    }
  }

  public ProxyOptions {
    requireNonNull(upstreamConnectTimeout, "upstreamConnectTimeout");
    requireNonNull(upstreamResponseTimeout, "upstreamResponseTimeout");
    requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
    requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(headersWithUnderscores, "headersWithUnderscores");
    requireNonNull(escapedSlashes, "escapedSlashes");
    requireNonNull(internalHeaders, "internalHeaders");
    requireNonNull(internalHeaderExceptions, "internalHeaderExceptions");
    requireNonNull(http2, "http2");
    requireNonNull(overload, "overload");
    requireNonNull(requestBodyIdleTimeout, "requestBodyIdleTimeout");
    notNegative("requestBodyIdleTimeout", requestBodyIdleTimeout);
    requireNonNull(responseIdleTimeout, "responseIdleTimeout");
    notNegative("responseIdleTimeout", responseIdleTimeout);
    requireNonNull(requestTimeout, "requestTimeout");
    notNegative("requestTimeout", requestTimeout);
    if (connectionBufferLimit < 1024) {
      throw new IllegalArgumentException("connectionBufferLimit: " + connectionBufferLimit + " (expected: >= 1024)");
    }
    requireNonNull(floodPenalty, "floodPenalty");
    notNegative("floodPenalty", floodPenalty);
    if (upstreamConnectionBufferLimit < 1024) {
      throw new IllegalArgumentException("upstreamConnectionBufferLimit: " + upstreamConnectionBufferLimit + " (expected: >= 1024)");
    }
    positive("upstreamConnectTimeout", upstreamConnectTimeout);
    positive("upstreamResponseTimeout", upstreamResponseTimeout);
    positive("upstreamIdleTimeout", upstreamIdleTimeout);
    notNegative("requestHeadersTimeout", requestHeadersTimeout);
    notNegative("idleTimeout", idleTimeout);
    if (maxIdleConnectionsPerEndpoint < 0) {
      throw new IllegalArgumentException("maxIdleConnectionsPerEndpoint: " + maxIdleConnectionsPerEndpoint + " (expected: >= 0)");
    }
    if (maxInitialLineLength <= 0) throw new IllegalArgumentException("maxInitialLineLength: " + maxInitialLineLength + " (expected: > 0)");
    if (maxHeaderSize <= 0) throw new IllegalArgumentException("maxHeaderSize: " + maxHeaderSize + " (expected: > 0)");
    if (maxHeadersCount <= 0) throw new IllegalArgumentException("maxHeadersCount: " + maxHeadersCount + " (expected: > 0)");
    if (maxRequestsPerConnection < 0) {
      throw new IllegalArgumentException("maxRequestsPerConnection: " + maxRequestsPerConnection + " (expected: >= 0, 0 = no limit)");
    }
    if (xffNumTrustedHops < 0) throw new IllegalArgumentException("xffNumTrustedHops: " + xffNumTrustedHops + " (expected: >= 0)");
    internalHeaders = headerNames("internalHeaders", internalHeaders, true);
    internalHeaderExceptions = headerNames("internalHeaderExceptions", internalHeaderExceptions, false);
  }

  private static List<String> headerNames(String what, List<String> names, boolean prefixes) {
    for (String n : names) {
      requireNonNull(n, what + " entry");
      String name = prefixes && n.endsWith("*") ? n.substring(0, n.length() - 1) : n;
      if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT)) || !isToken(name)) {
        throw new IllegalArgumentException(what + ": " + n + " (expected: a lower-case header name"
            + (prefixes ? ", optionally ending with *" : "") + ")");
      }
    }
    return List.copyOf(names);
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) return false;
    }
    return true;
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
  }

  private static void notNegative(String name, Duration d) {
    if (d.isNegative()) throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0, 0 disables)");
  }

  /** Netty's default write high-water mark, kept for backend connections unless configured. */
  public static final int DEFAULT_UPSTREAM_BUFFER_LIMIT = 64 * 1024;

  public static ProxyOptions defaults() {
    return new ProxyOptions(
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        256,
        16 * 1024,
        60 * 1024,               // Envoy's max_request_headers_kb default
        100,                     // Envoy's max_headers_count default
        Duration.ofSeconds(10),
        Duration.ofHours(1),     // Envoy edge: common_http_protocol_options.idle_timeout 3600s
        0,
        HeadersWithUnderscores.ALLOW,
        0,
        false,
        EscapedSlashes.KEEP,
        List.of("x-envoy-*", "x-higress-*", "x-mse-consumer"),
        List.of("x-higress-nonce"), // read by the replay-protection plugin from clients
        Http2Options.defaults(),
        Overload.defaults(),
        Duration.ofSeconds(300),  // Envoy edge: stream_idle_timeout 300s
        Duration.ofSeconds(300),  // Envoy edge: stream_idle_timeout 300s
        Duration.ofSeconds(300),  // Envoy edge: request_timeout 300s
        32 * 1024,                // Envoy edge: per_connection_buffer_limit_bytes 32768
        Duration.ZERO,            // no flood penalty: clients behind one NAT share an address
        DEFAULT_UPSTREAM_BUFFER_LIMIT);
  }

  /** The settings without {@link #connectionBufferLimit} and {@link #floodPenalty} (32 KiB, off). */
  public ProxyOptions(Duration upstreamConnectTimeout, Duration upstreamResponseTimeout, Duration upstreamIdleTimeout,
      int maxIdleConnectionsPerEndpoint, int maxInitialLineLength, int maxHeaderSize, int maxHeadersCount,
      Duration requestHeadersTimeout, Duration idleTimeout, int maxRequestsPerConnection,
      HeadersWithUnderscores headersWithUnderscores, int xffNumTrustedHops, boolean mergeSlashes,
      EscapedSlashes escapedSlashes, List<String> internalHeaders, List<String> internalHeaderExceptions,
      Http2Options http2, Overload overload, Duration requestBodyIdleTimeout, Duration responseIdleTimeout,
      Duration requestTimeout) {
    this(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint,
        maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout, idleTimeout,
        maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes, escapedSlashes,
        internalHeaders, internalHeaderExceptions, http2, overload, requestBodyIdleTimeout, responseIdleTimeout,
        requestTimeout, 32 * 1024, Duration.ZERO, DEFAULT_UPSTREAM_BUFFER_LIMIT);
  }

  /** The settings without {@link #responseIdleTimeout} and {@link #requestTimeout}, which get 300 s each. */
  public ProxyOptions(Duration upstreamConnectTimeout, Duration upstreamResponseTimeout, Duration upstreamIdleTimeout,
      int maxIdleConnectionsPerEndpoint, int maxInitialLineLength, int maxHeaderSize, int maxHeadersCount,
      Duration requestHeadersTimeout, Duration idleTimeout, int maxRequestsPerConnection,
      HeadersWithUnderscores headersWithUnderscores, int xffNumTrustedHops, boolean mergeSlashes,
      EscapedSlashes escapedSlashes, List<String> internalHeaders, List<String> internalHeaderExceptions,
      Http2Options http2, Overload overload, Duration requestBodyIdleTimeout) {
    this(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint,
        maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout, idleTimeout,
        maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes, escapedSlashes,
        internalHeaders, internalHeaderExceptions, http2, overload, requestBodyIdleTimeout, Duration.ofSeconds(300),
        Duration.ofSeconds(300));
  }

  /** The settings without {@link #requestBodyIdleTimeout}, which gets 300 s. */
  public ProxyOptions(Duration upstreamConnectTimeout, Duration upstreamResponseTimeout, Duration upstreamIdleTimeout,
      int maxIdleConnectionsPerEndpoint, int maxInitialLineLength, int maxHeaderSize, int maxHeadersCount,
      Duration requestHeadersTimeout, Duration idleTimeout, int maxRequestsPerConnection,
      HeadersWithUnderscores headersWithUnderscores, int xffNumTrustedHops, boolean mergeSlashes,
      EscapedSlashes escapedSlashes, List<String> internalHeaders, List<String> internalHeaderExceptions,
      Http2Options http2, Overload overload) {
    this(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint,
        maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout, idleTimeout,
        maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes, escapedSlashes,
        internalHeaders, internalHeaderExceptions, http2, overload, Duration.ofSeconds(300));
  }

  /** The settings without {@link #overload}, which gets {@link Overload#defaults()}. */
  public ProxyOptions(Duration upstreamConnectTimeout, Duration upstreamResponseTimeout, Duration upstreamIdleTimeout,
      int maxIdleConnectionsPerEndpoint, int maxInitialLineLength, int maxHeaderSize, int maxHeadersCount,
      Duration requestHeadersTimeout, Duration idleTimeout, int maxRequestsPerConnection,
      HeadersWithUnderscores headersWithUnderscores, int xffNumTrustedHops, boolean mergeSlashes,
      EscapedSlashes escapedSlashes, List<String> internalHeaders, List<String> internalHeaderExceptions,
      Http2Options http2) {
    this(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint,
        maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout, idleTimeout,
        maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes, escapedSlashes,
        internalHeaders, internalHeaderExceptions, http2, Overload.defaults());
  }

  /** The settings without {@link #http2}, which gets {@link Http2Options#defaults()} (the record's shape before it had them). */
  public ProxyOptions(Duration upstreamConnectTimeout, Duration upstreamResponseTimeout, Duration upstreamIdleTimeout,
      int maxIdleConnectionsPerEndpoint, int maxInitialLineLength, int maxHeaderSize, int maxHeadersCount,
      Duration requestHeadersTimeout, Duration idleTimeout, int maxRequestsPerConnection,
      HeadersWithUnderscores headersWithUnderscores, int xffNumTrustedHops, boolean mergeSlashes,
      EscapedSlashes escapedSlashes, List<String> internalHeaders, List<String> internalHeaderExceptions) {
    this(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout, maxIdleConnectionsPerEndpoint,
        maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout, idleTimeout,
        maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes, escapedSlashes,
        internalHeaders, internalHeaderExceptions, Http2Options.defaults());
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * These options with the {@code higress-config} settings over them. A field the ConfigMap leaves at
   * Higress's default keeps this value (so flags and embedders keep control); a field set to anything
   * else wins: {@code downstream.idleTimeout}, {@code downstream.maxRequestHeadersKb},
   * {@code downstream.http2.*}, {@code downstream.routeTimeout} (the response timeout of routes that
   * set none) and {@code upstream.idleTimeout}.
   */
  public ProxyOptions with(io.higressj.config.settings.GatewaySettings settings) {
    io.higressj.config.settings.Downstream d = settings.downstream();
    io.higressj.config.settings.Downstream dd = io.higressj.config.settings.Downstream.DEFAULT;
    io.higressj.config.settings.Upstream u = settings.upstream();
    io.higressj.config.settings.Upstream ud = io.higressj.config.settings.Upstream.DEFAULT;
    if (d.equals(dd) && u.equals(ud)) return this;
    Builder b = toBuilder();
    if (!d.idleTimeout().equals(dd.idleTimeout())) b.idleTimeout(d.idleTimeout());
    if (d.maxRequestHeadersKb() != dd.maxRequestHeadersKb()) b.maxHeaderSize((int) d.maxRequestHeadersKb() * 1024);
    if (!d.routeTimeout().equals(dd.routeTimeout())) b.upstreamResponseTimeout(d.routeTimeout());
    if (d.connectionBufferLimits() != dd.connectionBufferLimits() && d.connectionBufferLimits() > 0) {
      // below 1 KiB the gateway could not queue even one response head: taken as 1 KiB
      b.connectionBufferLimit((int) Math.min(Integer.MAX_VALUE, Math.max(1024, d.connectionBufferLimits())));
    }
    if (u.connectionBufferLimits() != ud.connectionBufferLimits() && u.connectionBufferLimits() > 0) {
      // Higress's default (10 MiB) is left aside: the gateway keeps Netty's 64 KiB unless the value is set
      b.upstreamConnectionBufferLimit((int) Math.min(Integer.MAX_VALUE, Math.max(1024, u.connectionBufferLimits())));
    }
    if (!u.idleTimeout().equals(ud.idleTimeout())) {
      b.upstreamIdleTimeout(u.idleTimeout().isZero() ? Duration.ofDays(365) : u.idleTimeout());
    }
    // Higress-J's own keys: each one set wins
    if (d.mergeSlashes() != null) b.mergeSlashes(d.mergeSlashes());
    if (d.pathWithEscapedSlashesAction() != null) b.escapedSlashes(EscapedSlashes.ofEnvoyName(d.pathWithEscapedSlashesAction()));
    b.maxHeadersCount((int) d.limit("maxHeadersCount", maxHeadersCount));
    b.maxInitialLineLength((int) Math.min(Integer.MAX_VALUE, d.limit("maxRequestLineKb", -1) * 1024));
    if (d.limit("maxRequestLineKb", -1) < 0) b.maxInitialLineLength(maxInitialLineLength);
    b.maxRequestsPerConnection((int) d.limit("maxRequestsPerConnection", maxRequestsPerConnection));
    b.requestHeadersTimeout(seconds(d, "requestHeadersTimeout", requestHeadersTimeout));
    b.requestBodyIdleTimeout(seconds(d, "streamIdleTimeout", requestBodyIdleTimeout));
    b.responseIdleTimeout(seconds(d, "streamIdleTimeout", responseIdleTimeout));
    b.requestTimeout(seconds(d, "requestTimeout", requestTimeout));
    b.floodPenalty(seconds(d, "floodPenaltySeconds", floodPenalty));
    b.overload(overload.withMaxConnections((int) d.limit("maxConnections", overload.maxConnections()),
        (int) d.limit("maxConnectionsPerListener", overload.maxConnectionsPerListener())));
    io.higressj.config.settings.Downstream.Http2 h = d.http2();
    io.higressj.config.settings.Downstream.Http2 hd = dd.http2();
    int streams = h.maxConcurrentStreams() != hd.maxConcurrentStreams() ? (int) h.maxConcurrentStreams()
        : http2.maxConcurrentStreams();
    int stream = h.initialStreamWindowSize() != hd.initialStreamWindowSize() ? (int) h.initialStreamWindowSize()
        : http2.initialStreamWindowSize();
    int conn = h.initialConnectionWindowSize() != hd.initialConnectionWindowSize()
        ? (int) h.initialConnectionWindowSize() : http2.initialConnectionWindowSize();
    Http2Options.Builder hb = http2.toBuilder().maxConcurrentStreams(streams).initialStreamWindowSize(stream)
        .initialConnectionWindowSize(Math.max(conn, stream))
        .floodWindow(Duration.ofSeconds(d.limit("http2.floodWindowSeconds", http2.floodWindow().toSeconds())))
        .maxResetFramesPerWindow((int) d.limit("http2.maxResetFramesPerWindow", http2.maxResetFramesPerWindow()))
        .maxSettingsFramesPerWindow((int) d.limit("http2.maxSettingsFramesPerWindow", http2.maxSettingsFramesPerWindow()))
        .maxPingFramesPerWindow((int) d.limit("http2.maxPingFramesPerWindow", http2.maxPingFramesPerWindow()))
        .maxPriorityFramesPerWindow((int) d.limit("http2.maxPriorityFramesPerWindow", http2.maxPriorityFramesPerWindow()))
        .maxWindowUpdateFramesPerWindow(
            (int) d.limit("http2.maxWindowUpdateFramesPerWindow", http2.maxWindowUpdateFramesPerWindow()))
        .maxOtherFramesPerWindow((int) d.limit("http2.maxOtherFramesPerWindow", http2.maxOtherFramesPerWindow()))
        .maxConsecutiveEmptyDataFrames(
            (int) d.limit("http2.maxConsecutiveEmptyDataFrames", http2.maxConsecutiveEmptyDataFrames()))
        .maxSmallContinuationFrames((int) d.limit("http2.maxSmallContinuationFrames", http2.maxSmallContinuationFrames()));
    b.http2(hb.build());
    return b.build();
  }

  private static Duration seconds(io.higressj.config.settings.Downstream d, String key, Duration dflt) {
    long v = d.limit(key, -1);
    return v < 0 ? dflt : Duration.ofSeconds(v);
  }

  public ProxyOptions withUpstreamResponseTimeout(Duration d) {
    return toBuilder().upstreamResponseTimeout(d).build();
  }

  /** Changes some settings of an existing {@link ProxyOptions}; validation happens in {@link #build()}. */
  public static final class Builder {
    private Duration upstreamConnectTimeout;
    private Duration upstreamResponseTimeout;
    private Duration upstreamIdleTimeout;
    private int maxIdleConnectionsPerEndpoint;
    private int maxInitialLineLength;
    private int maxHeaderSize;
    private int maxHeadersCount;
    private Duration requestHeadersTimeout;
    private Duration idleTimeout;
    private int maxRequestsPerConnection;
    private HeadersWithUnderscores headersWithUnderscores;
    private int xffNumTrustedHops;
    private boolean mergeSlashes;
    private EscapedSlashes escapedSlashes;
    private List<String> internalHeaders;
    private List<String> internalHeaderExceptions;
    private Http2Options http2;
    private Overload overload;
    private Duration requestBodyIdleTimeout;
    private Duration responseIdleTimeout;
    private Duration requestTimeout;
    private int connectionBufferLimit;
    private Duration floodPenalty;
    private int upstreamConnectionBufferLimit;

    private Builder(ProxyOptions o) {
      upstreamConnectTimeout = o.upstreamConnectTimeout;
      upstreamResponseTimeout = o.upstreamResponseTimeout;
      upstreamIdleTimeout = o.upstreamIdleTimeout;
      maxIdleConnectionsPerEndpoint = o.maxIdleConnectionsPerEndpoint;
      maxInitialLineLength = o.maxInitialLineLength;
      maxHeaderSize = o.maxHeaderSize;
      maxHeadersCount = o.maxHeadersCount;
      requestHeadersTimeout = o.requestHeadersTimeout;
      idleTimeout = o.idleTimeout;
      maxRequestsPerConnection = o.maxRequestsPerConnection;
      headersWithUnderscores = o.headersWithUnderscores;
      xffNumTrustedHops = o.xffNumTrustedHops;
      mergeSlashes = o.mergeSlashes;
      escapedSlashes = o.escapedSlashes;
      internalHeaders = o.internalHeaders;
      internalHeaderExceptions = o.internalHeaderExceptions;
      http2 = o.http2;
      overload = o.overload;
      requestBodyIdleTimeout = o.requestBodyIdleTimeout;
      responseIdleTimeout = o.responseIdleTimeout;
      requestTimeout = o.requestTimeout;
      connectionBufferLimit = o.connectionBufferLimit;
      floodPenalty = o.floodPenalty;
      upstreamConnectionBufferLimit = o.upstreamConnectionBufferLimit;
    }

    public Builder upstreamConnectTimeout(Duration v) { upstreamConnectTimeout = v; return this; }
    public Builder upstreamResponseTimeout(Duration v) { upstreamResponseTimeout = v; return this; }
    public Builder upstreamIdleTimeout(Duration v) { upstreamIdleTimeout = v; return this; }
    public Builder maxIdleConnectionsPerEndpoint(int v) { maxIdleConnectionsPerEndpoint = v; return this; }
    public Builder maxInitialLineLength(int v) { maxInitialLineLength = v; return this; }
    public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
    public Builder maxHeadersCount(int v) { maxHeadersCount = v; return this; }
    public Builder requestHeadersTimeout(Duration v) { requestHeadersTimeout = v; return this; }
    public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
    public Builder maxRequestsPerConnection(int v) { maxRequestsPerConnection = v; return this; }
    public Builder headersWithUnderscores(HeadersWithUnderscores v) { headersWithUnderscores = v; return this; }
    public Builder xffNumTrustedHops(int v) { xffNumTrustedHops = v; return this; }
    public Builder mergeSlashes(boolean v) { mergeSlashes = v; return this; }
    public Builder escapedSlashes(EscapedSlashes v) { escapedSlashes = v; return this; }
    public Builder internalHeaders(List<String> v) { internalHeaders = v; return this; }
    public Builder internalHeaderExceptions(List<String> v) { internalHeaderExceptions = v; return this; }
    public Builder http2(Http2Options v) { http2 = v; return this; }
    public Builder overload(Overload v) { overload = v; return this; }
    public Builder requestBodyIdleTimeout(Duration v) { requestBodyIdleTimeout = v; return this; }
    public Builder responseIdleTimeout(Duration v) { responseIdleTimeout = v; return this; }
    public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
    public Builder connectionBufferLimit(int v) { connectionBufferLimit = v; return this; }
    public Builder floodPenalty(Duration v) { floodPenalty = v; return this; }
    public Builder upstreamConnectionBufferLimit(int v) { upstreamConnectionBufferLimit = v; return this; }

    public ProxyOptions build() {
      return new ProxyOptions(upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout,
          maxIdleConnectionsPerEndpoint, maxInitialLineLength, maxHeaderSize, maxHeadersCount, requestHeadersTimeout,
          idleTimeout, maxRequestsPerConnection, headersWithUnderscores, xffNumTrustedHops, mergeSlashes,
          escapedSlashes, internalHeaders, internalHeaderExceptions, http2, overload, requestBodyIdleTimeout,
          responseIdleTimeout, requestTimeout, connectionBufferLimit, floodPenalty, upstreamConnectionBufferLimit);
    }
  }
}
