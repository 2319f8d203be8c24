package io.higressj.proxy.exchange;

import io.higressj.config.model.ClusterConfig;
import io.higressj.config.model.Endpoint;
import io.higressj.config.model.Route;
import io.higressj.config.model.RoutePolicy;
import io.higressj.config.model.RouteTable;
import io.higressj.config.model.Snapshot;
import io.higressj.config.model.VirtualHost;
import io.higressj.proxy.DataPlane;
import io.higressj.proxy.ProxyOptions;
import io.higressj.proxy.http1.RequestFramingHandler;
import io.higressj.proxy.http1.ResponseFramingHandler;
import io.higressj.proxy.accesslog.AccessLogEntry;
import io.higressj.proxy.filter.FilterHost;
import io.higressj.proxy.filter.FilterRunner;
import io.higressj.config.plugin.PluginChain;
import io.higressj.proxy.upstream.UpstreamConnection;
import io.higressj.proxy.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response, from downstream request headers to the last response byte. All of
 * it runs on the downstream channel's event loop, which is also the loop of the upstream connection.
 * The snapshot is read once, at request headers, and kept to the end.
 */
final class Exchange implements UpstreamListener, FilterHost {
  private static final int MAX_ATTEMPTS = 2;
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString HTTPS = AsciiString.cached("https");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString X_ENVOY_RATELIMITED = AsciiString.cached("x-envoy-ratelimited");
  private static final AsciiString TRUE = AsciiString.cached("true");
  private static final AsciiString X_ENVOY_ROUTE_NAME = AsciiString.cached("x-envoy-route-name");
  private static final AsciiString X_ENVOY_FALLBACK_SERVICE = AsciiString.cached("x-envoy-fallback-service");

  private final ProxyHandler handler;
  private final DataPlane dataPlane;
  private final Channel downstream;
  private final HttpRequest request;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private final String method;
  private final String originalTarget;
  private final String authority;
  private final String protocol;

  private Route route;
  /** when the request body last made progress (or the gateway last paused reading it), for the body idle timeout */
  private long lastBodyNanos;
  private ScheduledFuture<?> bodyIdleTimer;
  /** request_timeout: the whole request must have arrived by then. */
  private ScheduledFuture<?> requestTimer;
  /** The response half of the stream idle timeout, checked lazily against {@link #lastResponseNanos}. */
  private boolean responseIdleArmed; // handler.responseIdle() is this exchange's
  private long lastResponseNanos;
  /** the higress-config settings of the snapshot this request started on */
  private io.higressj.config.settings.GatewaySettings settings = io.higressj.config.settings.GatewaySettings.DEFAULT;
  /** where a copy of this request goes once it is complete, or null */
  private ClusterConfig mirrorCluster;
  /** further mirrors (Gateway API: several RequestMirror filters), or null */
  private java.util.List<ClusterConfig> moreMirrors;
  /** consistent-hash key of this request, or null */
  private String hashKey;
  /** Set-Cookie for a cookie-affinity cluster when the request had no cookie, or null */
  private String affinityCookie;
  /** endpoint counted in flight (least-request balancing), or null */
  private Endpoint countedEndpoint;
  private ClusterConfig cluster;
  private Endpoint endpoint;
  private UpstreamConnection upstream;
  private ArrayDeque<HttpContent> pendingBody;
  private boolean timeoutArmed; // handler.responseTimeout() is this exchange's
  private String requestId = "-";
  private String clientAddress;
  private String flags = "-";
  private int attempts;
  /** the request's Origin when the route's CORS policy allows it: the response gets CORS headers */
  private String corsOrigin;
  /** the default backend's cluster, when the route sends some upstream statuses there (custom-http-errors) */
  private ClusterConfig fallbackCluster;
  /** the route's retries (proxy-next-upstream*); null: only the built-in retry of a connection that failed */
  private RoutePolicy.Retry retry;
  /** the weighted cluster picked (its own header changes apply), or null */
  private RoutePolicy.WeightedCluster weighted;
  private int retries;
  /** ingress-nginx proxy-* settings of the route, or null */
  private RoutePolicy.Limits limits;
  /** the per-client limits this request is counted in (limit-connections), to leave when it ends */
  private io.higressj.config.model.ClientLimits clientLimits;
  /** the body so far, for another try (retries, custom-http-errors); null: not kept */
  private ReplayBuffer replay;
  /** the current try: callbacks and timers of an earlier one are ignored */
  private int trySeq;
  private long tryStartNanos;
  /** connect timeout, then per-try / read timeout until the response headers */
  private ScheduledFuture<?> tryTimer;
  /** proxy-read-timeout between reads of the response body, and proxy-send-timeout */
  private ScheduledFuture<?> idleTimer;
  private long lastReadNanos;

  private final boolean http10Request;
  private final boolean arrivedFull;
  private boolean keepAliveDownstream;
  private boolean requestHasBody;
  private boolean requestComplete;
  /** the request said Connection: close (or was HTTP/1.0 without keep-alive); see {@link #clientDone} */
  private boolean clientAskedToClose;
  private boolean requestWrittenUpstream; // some of the request went to the current upstream
  private boolean localReply;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean upstreamKeepAlive;
  private boolean webSocket;
  private boolean tunnel;
  private boolean done;
  /** the route's plugins at work on this request; null on routes without plugins (the fast path) */
  private FilterRunner filters;
  private Snapshot snapshot;
  /** the cluster picked for {@link #pickedFor} (weighted clusters pick once per route) */
  private Route pickedFor;
  private boolean expectContinue;
  private boolean upstreamHeadersPrepared;
  /** the response head was written downstream */
  private boolean headSent;
  /** the last request chunk went to the upstream side (filters may hold the body for a while) */
  private boolean requestForwarded;
  private int status;
  private long bytesIn;
  private long bytesOut;

  Exchange(ProxyHandler handler, HttpRequest req) {
    this.handler = handler;
    this.dataPlane = handler.dataPlane();
    this.downstream = handler.ctx().channel();
    this.http10Request = req.protocolVersion() == HttpVersion.HTTP_1_0;
    this.arrivedFull = req instanceof FullHttpRequest;
    if (req instanceof FullHttpRequest full) {
      // split so the headers can be written again on a retry; the body travels as content
      this.request = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      this.request.setDecoderResult(full.decoderResult());
    } else {
      this.request = req;
    }
    this.method = req.method().name();
    this.originalTarget = req.uri();
    String host = req.headers().get(HttpHeaderNames.HOST);
    this.authority = host == null ? "" : host;
    this.protocol = handler.http2() ? "HTTP/2" : req.protocolVersion().text();
  }

  boolean requestComplete() {
    return requestComplete;
  }

  /**
   * The client asked for the connection to end with this exchange ({@code Connection: close}, or HTTP/1.0
   * without keep-alive) and all of its request has been read: a client that keeps to RFC 9112 (9.6) sends
   * nothing more, so the connection may simply be closed, without the delayed close's half-close and wait.
   */
  boolean clientDone() {
    return clientAskedToClose && requestComplete;
  }

  /** Downstream may be read while the upstream is connected and writable (or the request is over). */
  boolean wantsDownstreamReads() {
    if (requestComplete || localReply || tunnel) return true;
    if (filters != null && filters.aggregatingRequest()) return true; // bounded by the plugin's limit
    return upstream != null && requestWrittenUpstream && upstream.channel().isWritable();
  }

  void start() {
    HttpHeaders h = request.headers();
    ProxyOptions o = dataPlane.options();
    if (request.decoderResult().isFailure()) {
      // the decoder (or the framing checks) discard the rest of the connection's bytes: answer and close
      requestHasBody = true;
      HttpResponseStatus st = RequestRules.statusForDecoderFailure(request.decoderResult().cause());
      reject(st, st.reasonPhrase().toLowerCase(Locale.ROOT));
      return;
    }
    keepAliveDownstream = handler.http2() || HttpUtil.isKeepAlive(request);
    clientAskedToClose = !keepAliveDownstream;
    if (handler.lastRequestOnConnection()) keepAliveDownstream = false;
    long contentLength = HttpUtil.getContentLength(request, -1L);
    requestHasBody = HttpUtil.isTransferEncodingChunked(request) || contentLength > 0 || (handler.http2() && !arrivedFull);
    clientAddress = RequestRules.trustedClientAddress(handler.clientIp(), h.getAll(X_FORWARDED_FOR), o.xffNumTrustedHops());
    if (!checkRequest(h, o)) return;
    if (io.higressj.proxy.overload.MemoryPressure.get().exceeds(o.overload().heapFraction(), o.overload().directMemoryFraction())) {
      // refuse new work while memory is short, before it turns into an OutOfMemoryError (Envoy's overload manager)
      keepAliveDownstream = false;
      sendLocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", "OM");
      return;
    }
    webSocket = !handler.http2() && HeaderRules.isWebSocketUpgrade(h);
    long bodyIdle = o.requestBodyIdleTimeout().toNanos();
    if (requestHasBody && bodyIdle > 0 && !webSocket) {
      lastBodyNanos = System.nanoTime();
      bodyIdleTimer = downstream.eventLoop().schedule(this::onBodyIdle, bodyIdle, TimeUnit.NANOSECONDS);
    }
    long whole = o.requestTimeout().toNanos();
    if (requestHasBody && whole > 0 && !webSocket) {
      requestTimer = downstream.eventLoop().schedule(this::onRequestTimeout, whole, TimeUnit.NANOSECONDS);
    }

    String target = request.uri();
    String host = authority;
    if (!target.startsWith("/")) {
      // absolute-form (RFC 9112 3.2.2): its authority must agree with Host, and replaces it
      int scheme = target.indexOf("://");
      if (scheme > 0) {
        int pathStart = target.indexOf('/', scheme + 3);
        int queryStart = target.indexOf('?', scheme + 3);
        int end = pathStart < 0 ? (queryStart < 0 ? target.length() : queryStart) : pathStart;
        if (queryStart >= 0 && queryStart < end) end = queryStart;
        host = target.substring(scheme + 3, end);
        if (!RequestRules.validHost(host) || host.isEmpty()
            || !authority.isEmpty() && !RequestRules.sameAuthority(host, authority, handler.tls())) {
          reject(HttpResponseStatus.BAD_REQUEST, "absolute-form target and Host disagree");
          return;
        }
        String rest = target.substring(end);
        target = rest.isEmpty() ? "/" : (rest.startsWith("?") ? "/" + rest : rest);
        h.set(HttpHeaderNames.HOST, host);
      } else if (!"*".equals(target) || request.method() != HttpMethod.OPTIONS) {
        reject(HttpResponseStatus.BAD_REQUEST, "bad request target");
        return;
      }
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    if (!"*".equals(target)) {
      try {
        PathNormalizer normalizer = dataPlane.pathNormalizer();
        String normalized = normalizer.normalize(path);
        if (normalizer.redirects(path)) {
          // UNESCAPE_AND_REDIRECT: the client asks again for the decoded path, which then routes as is
          sendRedirect(307, q < 0 ? normalized : normalized + target.substring(q));
          return;
        }
        if (!normalized.equals(path)) {
          path = normalized;
          target = q < 0 ? normalized : normalized + target.substring(q);
        }
      } catch (PathNormalizer.InvalidPathException e) {
        reject(HttpResponseStatus.BAD_REQUEST, "bad request path");
        return;
      }
    }
    if (!target.equals(request.uri())) request.setUri(target);

    Snapshot snapshot = dataPlane.snapshots().get();
    settings = snapshot.settings();
    if (handler.misdirected(snapshot, host)) {
      sendLocalReply(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected request", "-");
      return;
    }
    VirtualHost vh = handler.routes(snapshot).select(RouteTable.normalizeHost(host));
    RequestMatchInput matchInput = new RequestMatchInput(method, path, target, host, handler.tls(), h);
    route = vh == null ? null : vh.match(matchInput);
    if (route == null) {
      PluginChain unrouted = snapshot.plugins().unrouted();
      if (unrouted != null) { // global plugins see it first, and may send it to a route (reroute)
        runPlugins(snapshot, h, contentLength, unrouted);
        return;
      }
      sendLocalReply(HttpResponseStatus.NOT_FOUND, "route not found", "NR");
      return;
    }
    RoutePolicy policy = route.policy();
    if (policy.ipAccess() != null && !policy.ipAccess().permits(clientAddress)) {
      sendLocalReply(HttpResponseStatus.FORBIDDEN, "RBAC: access denied", "RBAC");
      return;
    }
    if (policy.cors() != null) {
      corsOrigin = CorsRules.allowedOrigin(policy.cors(), h);
      if (corsOrigin != null && CorsRules.isPreflight(request.method(), h)) {
        sendPreflight(policy.cors());
        return;
      }
      if (corsOrigin == null && policy.cors().refuseOtherPreflights() && CorsRules.isPreflight(request.method(), h)
          && h.contains(HttpHeaderNames.ORIGIN)) {
        sendLocalReply(HttpResponseStatus.FORBIDDEN, "CORS origin not allowed", "-");
        return;
      }
    }
    if (policy.rateLimit() != null && !policy.rateLimit().bucket().tryAcquire(System.nanoTime())) {
      sendLocalReply(HttpResponseStatus.TOO_MANY_REQUESTS, "local_rate_limited", "RL",
          settings.disableXEnvoyHeaders() ? null : X_ENVOY_RATELIMITED, TRUE);
      return;
    }
    io.higressj.config.model.ClientLimits perClient = policy.limits() == null ? null : policy.limits().clients();
    if (perClient != null && !perClient.exempts(clientAddress)) {
      // ingress-nginx limit-rps / limit-rpm / limit-connections: 503, its limit-req-status-code default
      if (!perClient.tryAcquire(clientAddress, System.nanoTime()) || !perClient.enter(clientAddress)) {
        sendLocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many requests from this client", "RL");
        return;
      }
      clientLimits = perClient;
    }
    PluginChain chain = snapshot.plugins().forRoute(route);
    if (chain != null) {
      runPlugins(snapshot, h, contentLength, chain);
      return;
    }
    proceed(snapshot, host, target, path, matchInput, contentLength);
  }

  /** Starts the plugins; {@link #continueRequest} follows once the request headers passed them. */
  private void runPlugins(Snapshot snapshot, HttpHeaders h, long contentLength, PluginChain chain) {
    // the plugins see the request as the upstream will (X-Forwarded-*, X-Request-Id), before route actions
    this.snapshot = snapshot;
    expectContinue = HttpUtil.is100ContinueExpected(request);
    h.remove(FilterRunner.X_MSE_CONSUMER); // only plugins name the consumer
    List<String> sentRealIp = h.getAll(X_REAL_IP);
    prepareUpstreamHeaders(h, contentLength);
    upstreamHeadersPrepared = true;
    // Envoy's router adds X-Real-IP after the filters: Higress's plugins (ip-restriction with
    // ip_header_name x-real-ip, set by a load balancer in front) read the one the client sent.
    // It is set to the trusted client address again before the request goes upstream (proceed).
    h.remove(X_REAL_IP);
    for (String v : sentRealIp) h.add(X_REAL_IP, v);
    filters = new FilterRunner(this, chain, request, requestHasBody, handler.tls());
    filters.start();
  }

  /** After the plugins: the request as they left it goes on (route actions, then upstream). */
  @Override
  public void continueRequest() {
    if (done || localReply) return;
    if (route == null) { // no route, before and after the plugins
      sendLocalReply(HttpResponseStatus.NOT_FOUND, "route not found", "NR");
      return;
    }
    String target = request.uri();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (host == null) host = "";
    RequestMatchInput matchInput = new RequestMatchInput(request.method().name(), path, target, host, handler.tls(),
        request.headers());
    proceed(snapshot, host, target, path, matchInput, HttpUtil.getContentLength(request, -1L));
  }

  /** Redirects, cluster, rewrites, header actions, then the upstream. */
  private void proceed(Snapshot snapshot, String host, String target, String path, RequestMatchInput matchInput,
      long contentLength) {
    HttpHeaders h = request.headers();
    RoutePolicy policy = route.policy();
    RoutePolicy.Redirect redirect = policy.redirect();
    if (redirect != null && !(redirect.plainHttpOnly() && handler.tls())) {
      sendRedirect(redirect.code(), RouteActions.location(redirect, handler.tls(), host, target, route.path()));
      return;
    }
    String clusterName = clusterName(); // the weighted pick a plugin saw, if one asked
    cluster = snapshot.clusters().get(clusterName);
    if (cluster == null && ClusterConfig.INVALID_BACKEND.equals(clusterName)) {
      sendLocalReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "invalid backend reference", "-");
      return;
    }
    RoutePolicy.Fallback fallback = policy.fallback();
    if (fallback != null) {
      // Higress's fallback cluster: taken when the route's own has no endpoints
      ClusterConfig fb = snapshot.clusters().get(fallback.cluster());
      if (cluster == null || cluster.endpoints().isEmpty()) cluster = fb;
      else if (!fallback.codes().isEmpty()) fallbackCluster = fb;
    }
    if (cluster == null || cluster.endpoints().isEmpty()) {
      sendLocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", "UH");
      return;
    }
    if (cluster.loadBalancer().kind() == io.higressj.config.model.LoadBalancer.Kind.CONSISTENT_HASH) {
      LoadBalancing.Key k = LoadBalancing.hashKey(cluster.loadBalancer(), matchInput, clientAddress);
      hashKey = k.value();
      affinityCookie = k.setCookie();
    }
    limits = policy.limits();
    if (limits != null && limits.maxRequestBodyBytes() >= 0 && contentLength > limits.maxRequestBodyBytes()) {
      sendLocalReply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large", "-");
      return;
    }
    retry = policy.retry();
    for (RoutePolicy.Mirror mirror = policy.mirror(); mirror != null; mirror = mirror.next()) {
      if (mirror.percentage() >= 100 || ThreadLocalRandom.current().nextDouble(100) < mirror.percentage()) {
        ClusterConfig mc = snapshot.clusters().get(mirror.cluster());
        if (mc == null) continue;
        if (mirrorCluster == null) mirrorCluster = mc;
        else (moreMirrors == null ? moreMirrors = new java.util.ArrayList<>(2) : moreMirrors).add(mc);
      }
    }
    if (requestHasBody && (fallbackCluster != null || retry != null && retry.attempts() > 0 || mirrorCluster != null)) {
      replay = new ReplayBuffer(ReplayBuffer.DEFAULT_LIMIT);
    }

    if (!upstreamHeadersPrepared) {
      expectContinue = HttpUtil.is100ContinueExpected(request);
      prepareUpstreamHeaders(h, contentLength);
    } else {
      h.set(X_REAL_IP, clientAddress); // a client's own X-Real-IP, seen by the plugins, never reaches backends
      if (requestHasBody && contentLength < 0 && !h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    RoutePolicy.Rewrite rewrite = policy.rewrite();
    if (rewrite != null) {
      String newPath = RouteActions.rewritePath(rewrite, route.path(), path);
      int qi = target.indexOf('?');
      if (newPath != null) request.setUri(qi < 0 ? newPath : newPath + target.substring(qi));
      if (rewrite.host() != null) h.set(HttpHeaderNames.HOST, rewrite.host());
    }
    RouteActions.apply(policy.requestHeaders(), h);
    if (weighted != null) RouteActions.apply(weighted.requestHeaders(), h);
    if (expectContinue) {
      // we answer 100-continue ourselves (like Envoy): the upstream sees a plain request
      downstream.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    java.time.Duration limit = policy.timeout() != null ? policy.timeout() : dataPlane.options().upstreamResponseTimeout();
    if (!limit.isZero()) {
      timeoutArmed = true;
      handler.responseTimeout().arm(limit.toNanos(), this::onTimeout);
    }
    connect();
    handler.updateAutoRead();
  }

  /**
   * The edge checks Netty's decoder leaves to us; false when the request was answered (and the
   * connection will close). Headers are dropped here too: gateway-owned ones and, if configured,
   * those with underscores.
   */
  private boolean checkRequest(HttpHeaders h, ProxyOptions o) {
    if (!handler.http2()) {
      HttpVersion v = request.protocolVersion();
      if (v.majorVersion() != 1 || v.minorVersion() > 1) {
        reject(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http version not supported");
        return false;
      }
    }
    if (h.size() > o.maxHeadersCount()) {
      reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many request headers");
      return false;
    }
    if (!RequestRules.validTarget(request.uri())) {
      reject(HttpResponseStatus.BAD_REQUEST, "bad request target");
      return false;
    }
    if (!handler.http2()) {
      List<String> hosts = h.getAll(HttpHeaderNames.HOST);
      if (hosts.size() > 1) {
        reject(HttpResponseStatus.BAD_REQUEST, "more than one host header");
        return false;
      }
      if (hosts.isEmpty() && request.protocolVersion().minorVersion() == 1) {
        reject(HttpResponseStatus.BAD_REQUEST, "missing host header");
        return false;
      }
      List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (!te.isEmpty() && (te.size() > 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(te.get(0).trim()))) {
        reject(HttpResponseStatus.BAD_REQUEST, "unsupported transfer-encoding");
        return false;
      }
    }
    if (!RequestRules.validHost(authority)) {
      reject(HttpResponseStatus.BAD_REQUEST, "bad host header");
      return false;
    }
    if (o.headersWithUnderscores() != ProxyOptions.HeadersWithUnderscores.ALLOW) {
      List<String> underscored = RequestRules.underscoreHeaders(h);
      if (underscored != null) {
        if (o.headersWithUnderscores() == ProxyOptions.HeadersWithUnderscores.REJECT) {
          reject(HttpResponseStatus.BAD_REQUEST, "header name with underscore");
          return false;
        }
        for (String n : underscored) h.remove(n);
      }
    }
    RequestRules.stripInternalHeaders(h, o);
    return true;
  }

  /** Answers a request the edge checks refused, and closes the connection (HTTP/2: the stream) after it. */
  private void reject(HttpResponseStatus st, String text) {
    keepAliveDownstream = false;
    sendLocalReply(st, text, "DPE");
  }

  private void prepareUpstreamHeaders(HttpHeaders h, long contentLength) {
    h.remove(HttpHeaderNames.EXPECT);
    HeaderRules.stripHopByHop(h, webSocket);
    if (webSocket) h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET); // never "websocket, h2c"
    if (handler.http2()) HeaderRules.stripHttp2Extensions(h);
    if (requestHasBody && contentLength < 0) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    // like Envoy with use_remote_address: the TCP peer is appended; X-Real-IP is the trusted client address
    String peer = handler.clientIp();
    List<String> xff = h.getAll(X_FORWARDED_FOR);
    String received = xff.isEmpty() ? "" : String.join(", ", xff);
    h.set(X_FORWARDED_FOR, received.isEmpty() ? peer : received + ", " + peer);
    h.set(X_FORWARDED_PROTO, handler.tls() ? HTTPS : HTTP);
    if (!authority.isEmpty()) h.set(X_FORWARDED_HOST, authority);
    // always, whatever higress-config's addXRealIpHeader says: a client's own X-Real-IP must not reach backends
    h.set(X_REAL_IP, clientAddress);
    String rid = h.get(X_REQUEST_ID);
    if (rid == null || rid.isEmpty()) {
      rid = randomRequestId();
      h.set(X_REQUEST_ID, rid);
    }
    requestId = rid;
  }

  private String clientIp() {
    return clientAddress == null ? handler.clientIp() : clientAddress;
  }

  /** A version-4 UUID from the thread's fast generator: request ids need uniqueness, not secrecy. */
  private static String randomRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  /** The cluster's protocol; a WebSocket handshake goes over HTTP/1.1 (same TLS settings) whatever it is. */
  private io.higressj.config.model.UpstreamProtocol upstreamProtocol() {
    io.higressj.config.model.UpstreamProtocol p = cluster.protocol();
    if (webSocket && p.http2()) {
      return new io.higressj.config.model.UpstreamProtocol(false, p.tls(), p.sni(), p.verify(), p.trustedCaPem(),
          p.clientCertPem(), p.clientKeyPem());
    }
    return p;
  }

  /** Sends the copy for the mirror cluster, once the whole request is here (bodies over the replay limit: none). */
  private void fireMirror() {
    ClusterConfig mc = mirrorCluster;
    mirrorCluster = null;
    if (mc == null) return;
    if (requestHasBody && (replay == null || !replay.usable())) return;
    MirrorRequest.send(dataPlane, downstream.eventLoop(), mc, request, requestHasBody ? replay.copy() : null);
    if (moreMirrors != null) {
      for (ClusterConfig more : moreMirrors) {
        MirrorRequest.send(dataPlane, downstream.eventLoop(), more, request, requestHasBody ? replay.copy() : null);
      }
      moreMirrors = null;
    }
  }

  private void connect() {
    if (countedEndpoint != null) {
      dataPlane.requestDone(countedEndpoint);
      countedEndpoint = null;
    }
    endpoint = dataPlane.pickEndpoint(downstream.eventLoop(), cluster, attempts == 0 ? hashKey : null);
    if (cluster.loadBalancer().kind() == io.higressj.config.model.LoadBalancer.Kind.LEAST_REQUEST) {
      dataPlane.requestStarted(endpoint);
      countedEndpoint = endpoint;
    }
    acquire();
  }

  /** A try at {@link #endpoint}: a connection (or stream), then the request. */
  private void acquire() {
    attempts++;
    int seq = ++trySeq;
    tryStartNanos = System.nanoTime();
    cancelTryTimer();
    java.time.Duration first = limits != null && limits.connectTimeout() != null ? limits.connectTimeout() : perTryLimit();
    if (first != null) {
      tryTimer = downstream.eventLoop().schedule(() -> onTryTimeout(seq), first.toNanos(), TimeUnit.NANOSECONDS);
    }
    dataPlane.pool(downstream.eventLoop()).acquire(endpoint, upstreamProtocol(), this, (c, t) -> onConnected(seq, c, t));
  }

  /** How long a try may wait for response headers: the per-try timeout or proxy-read-timeout; null: no limit. */
  private java.time.Duration perTryLimit() {
    java.time.Duration a = retry == null ? null : retry.perTryTimeout();
    java.time.Duration b = limits == null ? null : limits.readTimeout();
    if (a == null) return b;
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }

  private void onConnected(int seq, UpstreamConnection conn, Throwable cause) {
    if (done || localReply || seq != trySeq) {
      if (conn != null) conn.release();
      return;
    }
    cancelTryTimer();
    if (conn == null) {
      onConnectFailed();
      return;
    }
    java.time.Duration perTry = perTryLimit();
    if (perTry != null) {
      long left = perTry.toNanos() - (System.nanoTime() - tryStartNanos);
      tryTimer = downstream.eventLoop().schedule(() -> onTryTimeout(seq), Math.max(0, left), TimeUnit.NANOSECONDS);
    }
    upstream = conn;
    requestWrittenUpstream = true;
    // void promises here and below: nothing waits on these writes, and a failed one reaches the
    // connection's handler as an exception (it closes the connection), without a promise per write
    Channel up = conn.channel();
    up.write(request, up.voidPromise());
    if (pendingBody != null) {
      HttpContent c;
      while ((c = pendingBody.poll()) != null) up.write(c, up.voidPromise());
    }
    if (!requestHasBody && requestComplete) {
      // body-less request: the terminator was already swallowed by onRequestContent
      up.write(LastHttpContent.EMPTY_LAST_CONTENT, up.voidPromise());
    }
    up.flush();
    handler.updateAutoRead();
  }

  void onRequestContent(HttpContent c) {
    if (c.decoderResult().isFailure()) {
      c.release();
      onRequestBodyError();
      return;
    }
    boolean last = c instanceof LastHttpContent;
    bytesIn += c.content().readableBytes();
    if (last) requestComplete = true;
    lastBodyNanos = System.nanoTime();
    if (filters != null && !(localReply || tunnel || done || responseComplete) && filters.wantsRequestContent()) {
      filters.requestContent(c);
      return;
    }
    forwardRequestContent(c);
  }

  /** A request chunk on its way upstream (after the plugins, if any). */
  @Override
  public void forwardRequestContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (last) requestForwarded = true;
    if (localReply || tunnel || done || responseComplete) {
      // nobody takes this body any more (an early response already completed)
      c.release();
      if (last) maybeFinish();
      return;
    }
    if (!requestHasBody) {
      // nothing to forward; the upstream request gets its own terminator
      c.release();
      if (upstream != null && last) upstream.channel().write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.channel().voidPromise());
      if (last) {
        fireMirror();
        maybeFinish();
      }
      return;
    }
    if (limits != null && limits.maxRequestBodyBytes() >= 0 && bytesIn > limits.maxRequestBodyBytes()) {
      c.release();
      bodyTooLarge();
      return;
    }
    if (replay != null) replay.add(c);
    if (last) fireMirror(); // before c is written (and released) below
    if (upstream == null) {
      if (pendingBody == null) pendingBody = new ArrayDeque<>();
      pendingBody.add(c);
    } else {
      upstream.channel().write(c, upstream.channel().voidPromise());
      if (!upstream.channel().isWritable()) handler.updateAutoRead();
    }
    if (last) maybeFinish();
  }

  /**
   * The request body broke its framing (bad chunk size, missing CRLF ...). What went upstream is
   * cut off by closing that connection, so the upstream never sees the body as complete; the client
   * gets a 400 if nothing was answered yet, and the connection closes.
   */
  private void onRequestBodyError() {
    keepAliveDownstream = false;
    if (done) {
      downstream.close();
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null && !tunnel) conn.discard();
    cancelTimeout();
    if (!responseStarted) {
      sendLocalReply(HttpResponseStatus.BAD_REQUEST, "bad request", "DPE");
    } else {
      flags = "DPE";
      abortDownstream();
    }
  }

  void flushUpstream() {
    if (upstream != null && !tunnel) upstream.channel().flush();
  }

  @Override
  public void flushRequest() {
    flushUpstream();
  }

  void onDownstreamWritabilityChanged() {
    if (downstream.isWritable()) lastResponseNanos = System.nanoTime(); // the client reads: the stream moves
    if (upstream != null) {
      upstream.channel().config().setAutoRead(downstream.isWritable());
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection conn) {
    handler.updateAutoRead();
    if (limits != null && limits.sendTimeout() != null && conn == upstream && !responseStarted) {
      cancelIdleTimer();
      if (!conn.channel().isWritable()) {
        int seq = trySeq;
        idleTimer = downstream.eventLoop().schedule(() -> onSendTimeout(seq), limits.sendTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
      }
    }
  }

  @Override
  public void onUpstreamMessage(UpstreamConnection conn, Object msg) {
    if (conn != upstream || done && !tunnel) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (tunnel) { // bytes after the 101, before the pipelines were switched
      downstream.write(msg);
      return;
    }
    if (msg instanceof HttpResponse res) {
      onUpstreamResponse(res);
      if (msg instanceof HttpContent c) {
        // a full (e.g. failed) response: its content only counts while the connection is still ours
        if (upstream == conn && !done) onUpstreamContent(c);
        else c.release();
      }
    } else if (msg instanceof HttpContent c) {
      onUpstreamContent(c);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private boolean skippingInterim;

  private void onUpstreamResponse(HttpResponse res) {
    if (res.decoderResult().isFailure()) {
      upstreamProtocolError();
      return;
    }
    int code = res.status().code();
    if (code == 101) {
      if (webSocket) {
        startTunnel(res);
      } else {
        upstreamProtocolError(); // a switch nobody asked for: the rest of the connection is not HTTP
      }
      return;
    }
    if (code >= 100 && code < 200) {
      skippingInterim = true; // 100/102/103: not forwarded (we answered 100-continue ourselves)
      return;
    }
    skippingInterim = false;
    if (retry != null && retry.retriesStatus(code) && retryLater(code)) return;
    if (fallbackCluster != null && route.policy().fallback().redirects(code) && requestComplete && replayable()) {
      sendToFallback(route.policy().fallback());
      return;
    }
    cancelTimeout();
    cancelTryTimer();
    cancelIdleTimer();
    if (limits != null && limits.readTimeout() != null) {
      lastReadNanos = System.nanoTime();
      int seq = trySeq;
      idleTimer = downstream.eventLoop().schedule(() -> onReadIdle(seq), limits.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    responseStarted = true;
    long respIdle = dataPlane.options().responseIdleTimeout().toNanos();
    if (respIdle > 0 && !responseIdleArmed) {
      lastResponseNanos = System.nanoTime();
      responseIdleArmed = true;
      handler.responseIdle().arm(respIdle, this::onResponseIdle);
    }
    status = code;
    upstreamKeepAlive = HttpUtil.isKeepAlive(res);
    HttpHeaders h = res.headers();
    long contentLength = HttpUtil.getContentLength(res, -1L);
    HeaderRules.stripHopByHop(h, false);
    RouteActions.apply(route.policy().responseHeaders(), h);
    if (weighted != null) RouteActions.apply(weighted.responseHeaders(), h);
    if (affinityCookie != null) h.add(HttpHeaderNames.SET_COOKIE, affinityCookie);
    if (corsOrigin != null) CorsRules.responseHeaders(route.policy().cors(), corsOrigin, h);
    if (filters != null) {
      boolean end = request.method() == HttpMethod.HEAD || code == 204 || code == 304 || contentLength == 0;
      filters.responseHeaders(res, end);
      return;
    }
    writeResponseHead(res);
  }

  /** The response head passed the plugins. */
  @Override
  public void continueResponse(HttpResponse res) {
    if (done) return;
    writeResponseHead(res);
    downstream.flush();
  }

  private void writeResponseHead(HttpResponse res) {
    HttpHeaders h = res.headers();
    int code = res.status().code();
    status = code;
    long contentLength = HttpUtil.getContentLength(res, -1L);
    headSent = true;
    boolean bodyless = request.method() == HttpMethod.HEAD || code == 204 || code == 304;
    if (handler.http2()) {
      res.setProtocolVersion(HttpVersion.HTTP_1_1);
    } else {
      HttpVersion clientVersion = request.protocolVersion();
      res.setProtocolVersion(HttpVersion.HTTP_1_1);
      if (contentLength < 0 && !bodyless) {
        if (originalHttp10()) {
          keepAliveDownstream = false; // close-delimited body for an HTTP/1.0 client
        } else {
          h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
      }
      if (!requestComplete) keepAliveDownstream = false; // body still coming: the connection cannot be reused safely
      if (!keepAliveDownstream) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (originalHttp10()) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      if (clientVersion == HttpVersion.HTTP_1_0) res.setProtocolVersion(HttpVersion.HTTP_1_0);
    }
    downstream.write(res, downstream.voidPromise());
  }


  private boolean originalHttp10() {
    return http10Request;
  }

  private void onUpstreamContent(HttpContent c) {
    if (skippingInterim) {
      c.release();
      return;
    }
    if (!responseStarted) {
      c.release();
      return;
    }
    if (c.decoderResult().isFailure()) {
      c.release();
      upstreamProtocolError();
      return;
    }
    bytesOut += c.content().readableBytes();
    lastResponseNanos = System.nanoTime();
    if (idleTimer != null) lastReadNanos = lastResponseNanos;
    boolean last = c instanceof LastHttpContent;
    if (filters != null) {
      if (last) { // the upstream is done with this exchange, whatever the plugins still do with the body
        UpstreamConnection conn = upstream;
        upstream = null;
        if (upstreamKeepAlive && requestComplete && requestForwarded) conn.release();
        else conn.discard();
      }
      filters.responseContent(c);
      return;
    }
    if (last) {
      responseComplete = true;
      downstream.writeAndFlush(c, downstream.voidPromise());
      UpstreamConnection conn = upstream;
      upstream = null;
      if (upstreamKeepAlive && requestComplete) conn.release();
      else conn.discard();
      maybeFinish();
      return;
    }
    downstream.write(c, downstream.voidPromise());
    if (!downstream.isWritable()) upstream.channel().config().setAutoRead(false);
  }

  /** A response chunk that passed the plugins. */
  @Override
  public void forwardResponseContent(HttpContent c) {
    if (done || localReply) {
      c.release();
      return;
    }
    if (c instanceof LastHttpContent) {
      responseComplete = true;
      downstream.writeAndFlush(c);
      maybeFinish();
      return;
    }
    downstream.writeAndFlush(c);
    if (!downstream.isWritable() && upstream != null) upstream.channel().config().setAutoRead(false);
  }

  @Override
  public void onUpstreamReadComplete(UpstreamConnection conn) {
    downstream.flush();
  }

  @Override
  public void onUpstreamClosed(UpstreamConnection conn, Throwable cause) {
    if (conn != upstream) return;
    upstream = null;
    if (tunnel) {
      downstream.close();
      return;
    }
    if (done) return;
    if (!responseStarted) {
      if (conn.reused() && !requestHasBody && attempts < MAX_ATTEMPTS + 1 && (retry == null || !retry.connectionErrors())) {
        // a kept-alive connection the upstream had just closed: the request never reached it
        acquire();
        return;
      }
      if (retryLater(0)) return;
      cancelTimeout();
      // 503 as Envoy answers a reset before the response headers (the Gateway API expects 500 or 503)
      sendLocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connection closed before response", "UC");
      return;
    }
    // the response was cut short: the client must see it was incomplete
    flags = "UC";
    abortDownstream();
  }

  private void upstreamProtocolError() {
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    if (!responseStarted && retryLater(0)) return;
    cancelTimeout();
    if (!responseStarted) {
      sendLocalReply(HttpResponseStatus.BAD_GATEWAY, "upstream protocol error", "UPE");
    } else {
      flags = "UPE";
      abortDownstream();
    }
  }

  private void onTimeout() {
    timeoutArmed = false;
    if (done || responseStarted) return;
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    sendLocalReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout", "UT");
  }

  private void cancelTimeout() {
    if (timeoutArmed) {
      timeoutArmed = false;
      handler.responseTimeout().disarm();
    }
  }

  void onDownstreamClosed() {
    if (done) return;
    if (flags.equals("-")) flags = "DC";
    cancelTimeout();
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null && !tunnel) conn.discard();
    releasePending();
    finish();
  }

  private void abortDownstream() {
    releasePending();
    keepAliveDownstream = false;
    downstream.close(); // HTTP/1.1: the connection; HTTP/2: the stream (RST_STREAM)
    finish();
  }

  private void sendLocalReply(HttpResponseStatus st, String text, String flag) {
    sendLocalReply(st, text, flag, null, null);
  }

  /** A local reply with one more header ({@code name} null: none). */
  private void sendLocalReply(HttpResponseStatus st, String text, String flag, AsciiString name, AsciiString value) {
    ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (name != null) res.headers().set(name, value);
    if (corsOrigin != null) CorsRules.responseHeaders(route.policy().cors(), corsOrigin, res.headers());
    bytesOut += body.readableBytes();
    writeLocalResponse(res, flag);
  }

  /** Answers with a redirect (no body), as a route's redirect policy says. */
  private void sendRedirect(int code, String location) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.EMPTY_BUFFER);
    res.headers().set(HttpHeaderNames.LOCATION, location);
    if (corsOrigin != null) CorsRules.responseHeaders(route.policy().cors(), corsOrigin, res.headers());
    writeLocalResponse(res, "-");
  }

  /** Answers a CORS preflight from an allowed origin, as Envoy's CORS filter does: 200, no body. */
  private void sendPreflight(RoutePolicy.Cors cors) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    CorsRules.preflightHeaders(cors, corsOrigin, res.headers());
    if (cors.refuseOtherPreflights()) CorsRules.gatewayApiPreflight(cors, request.headers(), res.headers());
    writeLocalResponse(res, flags);
  }

  /**
   * Writes a response the gateway makes itself (the exchange ends with it): sets Content-Length and, when
   * the connection cannot be reused, Connection: close; a request body still to come is abandoned.
   */
  private void writeLocalResponse(FullHttpResponse res, String flag) {
    if (filters != null) filters.gatewayReply(res); // the plugins' response callbacks see it (once)
    localReply = true;
    flags = flag;
    status = res.status().code();
    releasePending();
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    // a body still to come would be taken for the next request: stop reading it (close)
    boolean abandonBody = !requestComplete && requestHasBody;
    if (abandonBody) keepAliveDownstream = false;
    if (!handler.http2() && !keepAliveDownstream) res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    responseStarted = true;
    responseComplete = true;
    headSent = true;
    var f = downstream.writeAndFlush(res);
    if (abandonBody) {
      if (handler.http2()) f.addListener(ChannelFutureListener.CLOSE); // resets just this stream
      else handler.closeAfterResponse();
      finish();
    } else {
      maybeFinish(); // a body-less request: its end marker follows at once
    }
  }

  /**
   * The upstream answered with one of the route's custom-http-errors: the response is dropped (with its
   * connection) and the request goes once more, to the default backend, as Higress's internal redirect
   * sends it: path {@code /}, the same Host, and headers naming the fallback route and Service.
   */
  private void sendToFallback(RoutePolicy.Fallback fallback) {
    ClusterConfig to = fallbackCluster;
    fallbackCluster = null; // once
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    if (to == null || to.endpoints().isEmpty()) {
      cancelTimeout();
      sendLocalReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", "UH");
      return;
    }
    cluster = to;
    request.setUri("/");
    request.headers().set(X_ENVOY_ROUTE_NAME, fallback.fallbackRoute());
    request.headers().set(X_ENVOY_FALLBACK_SERVICE, fallback.service());
    attempts = 0;
    retry = null; // the default backend's answer is final
    resend();
  }

  /** Whether what was sent of the request can be sent again. */
  private boolean replayable() {
    return !requestHasBody || !requestWrittenUpstream || replay != null && replay.usable();
  }

  /** Another try with what was kept of the body (what arrives later follows as usual). */
  private void resend() {
    cancelTryTimer();
    cancelIdleTimer();
    if (requestHasBody && requestWrittenUpstream) {
      releasePending();
      pendingBody = replay.copy();
    }
    requestWrittenUpstream = false;
    connect();
  }

  /** The connection of a try failed (or took longer than proxy-connect-timeout): nothing was sent. */
  private void onConnectFailed() {
    if (retry != null) {
      if (retryLater(0)) return;
    } else if (attempts < MAX_ATTEMPTS && cluster.endpoints().size() > 1) {
      connect(); // nothing was sent: always safe to try another endpoint
      return;
    }
    cancelTimeout();
    sendLocalReply(HttpResponseStatus.BAD_GATEWAY, "upstream connect error", "UF");
  }

  /**
   * Schedules another try after the current one failed before its response started, when the route's
   * retries allow it: {@code status} is the upstream's answer, 0 for a failure without one (connect,
   * reset, per-try timeout). The failed try's connection is dropped; the next one starts after Envoy's
   * default back-off (25 ms base, jittered, at most 250 ms). False: no retry, the caller answers.
   */
  private boolean retryLater(int status) {
    if (retry == null || done || localReply || responseStarted || retries >= retry.attempts()) return false;
    if (status == 0 ? !retry.connectionErrors() : !retry.retriesStatus(status)) return false;
    if (!replayable()) return false;
    retries++;
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTryTimer();
    cancelIdleTimer();
    int seq = ++trySeq; // whatever the failed try still has in flight is ignored
    long ceiling = Math.min(250_000_000L, 25_000_000L << Math.min(retries - 1, 4));
    long backoff = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    downstream.eventLoop().schedule(() -> {
      if (seq == trySeq && !done && !localReply) resend();
    }, backoff, TimeUnit.NANOSECONDS);
    handler.updateAutoRead();
    return true;
  }

  /** The connect timeout, or the per-try / read timeout before the response headers, of try {@code seq}. */
  private void onTryTimeout(int seq) {
    if (seq != trySeq || done || localReply || responseStarted) return;
    tryTimer = null;
    UpstreamConnection conn = upstream;
    if (conn == null) { // still connecting
      trySeq++; // the connection, if it still comes, is handed back
      onConnectFailed();
      return;
    }
    if (retryLater(0)) return;
    upstream = null;
    conn.discard();
    cancelTimeout();
    sendLocalReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout", "UT");
  }

  /** proxy-read-timeout while the response body streams: checked lazily, not re-armed per read. */
  private void onReadIdle(int seq) {
    idleTimer = null;
    if (seq != trySeq || done || responseComplete || upstream == null) return;
    long idle = System.nanoTime() - lastReadNanos;
    long limit = limits.readTimeout().toNanos();
    if (idle < limit) {
      idleTimer = downstream.eventLoop().schedule(() -> onReadIdle(seq), limit - idle, TimeUnit.NANOSECONDS);
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    conn.discard();
    flags = "UT";
    abortDownstream();
  }

  /** proxy-send-timeout: the upstream took none of the request for that long. */
  private void onSendTimeout(int seq) {
    idleTimer = null;
    if (seq != trySeq || done || localReply || responseStarted || upstream == null || upstream.channel().isWritable()) {
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    conn.discard();
    cancelTimeout();
    cancelTryTimer();
    sendLocalReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream send timeout", "UT");
  }

  /** proxy-body-size: the body grew past the limit (a Content-Length above it is refused at once). */
  /** The request body has not moved for the body idle timeout: 408 (or a reset once the response started). */
  private void onBodyIdle() {
    bodyIdleTimer = null;
    if (done || requestComplete || localReply || tunnel) return;
    long limit = dataPlane.options().requestBodyIdleTimeout().toNanos();
    long now = System.nanoTime();
    // while the gateway itself is not reading (its upstream is slow), the client is not the one stalling
    if (!wantsDownstreamReads()) lastBodyNanos = now;
    long idle = now - lastBodyNanos;
    if (limit > 0 && idle < limit) {
      bodyIdleTimer = downstream.eventLoop().schedule(this::onBodyIdle, limit - idle, TimeUnit.NANOSECONDS);
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    cancelTryTimer();
    keepAliveDownstream = false;
    if (!responseStarted) {
      sendLocalReply(HttpResponseStatus.REQUEST_TIMEOUT, "request body timeout", "SI");
    } else {
      abortDownstream();
    }
  }

  /**
   * request_timeout: the request has not fully arrived in time (however steadily its body trickles).
   * Once the response has started, it is left to finish (as in Envoy).
   */
  private void onRequestTimeout() {
    requestTimer = null;
    if (done || requestComplete || localReply || tunnel || responseStarted) return;
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    cancelTryTimer();
    cancelIdleTimer();
    keepAliveDownstream = false;
    sendLocalReply(HttpResponseStatus.REQUEST_TIMEOUT, "request timeout", "-");
  }

  /**
   * The response has not moved for the response idle timeout: nothing arrived from the upstream and
   * the client took nothing of what is queued for it. The upstream connection is closed (never pooled),
   * and the client's connection (HTTP/1.1) or stream (HTTP/2) is ended, so the client sees a response cut short.
   */
  private void onResponseIdle() {
    responseIdleArmed = false;
    if (done || tunnel || responseComplete) return; // a complete response: the request's own timers apply
    long limit = dataPlane.options().responseIdleTimeout().toNanos();
    long idle = System.nanoTime() - lastResponseNanos;
    if (limit > 0 && idle < limit) {
      responseIdleArmed = true;
      handler.responseIdle().arm(limit - idle, this::onResponseIdle);
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    cancelTryTimer();
    cancelIdleTimer();
    flags = "SI";
    abortDownstream();
  }

  private void bodyTooLarge() {
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    cancelTryTimer();
    if (!responseStarted) {
      sendLocalReply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large", "-");
    } else {
      abortDownstream();
    }
  }

  private void cancelTryTimer() {
    if (tryTimer != null) {
      tryTimer.cancel(false);
      tryTimer = null;
    }
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  private void startTunnel(HttpResponse res) {
    cancelTimeout();
    tunnel = true;
    responseStarted = true;
    headSent = true;
    responseComplete = true;
    status = 101;
    UpstreamConnection conn = upstream;
    conn.detach();
    Channel up = conn.channel();
    downstream.writeAndFlush(res);
    // after the 101, both sides carry opaque bytes: splice them
    ChannelPipeline dp = downstream.pipeline();
    ChannelPipeline upp = up.pipeline();
    dp.addLast("tunnel", new TunnelHandler(up));
    upp.addLast("tunnel", new TunnelHandler(downstream));
    for (String name : dp.names()) {
      var hdl = dp.get(name);
      if (hdl instanceof io.netty.handler.codec.http.HttpServerCodec
          || hdl instanceof io.netty.handler.codec.http.HttpServerUpgradeHandler
          || hdl instanceof io.netty.handler.codec.http.HttpServerKeepAliveHandler) {
        dp.remove(name);
      }
    }
    if (dp.get(RequestFramingHandler.NAME) != null) dp.remove(RequestFramingHandler.NAME);
    dp.remove(handler);
    if (upp.get(ResponseFramingHandler.NAME) != null) upp.remove(ResponseFramingHandler.NAME);
    upp.remove("upstream");
    upp.remove("codec");
    upstream = null;
    downstream.config().setAutoRead(true);
    up.config().setAutoRead(true);
    finish();
  }

  private void releasePending() {
    if (pendingBody != null) {
      HttpContent c;
      while ((c = pendingBody.poll()) != null) c.release();
    }
  }

  // ---------------------------------------------------------------- FilterHost (the plugins' side)

  @Override
  public io.netty.channel.EventLoop eventLoop() {
    return downstream.eventLoop();
  }

  @Override
  public DataPlane dataPlane() {
    return dataPlane;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public Route route() {
    return route;
  }

  @Override
  public String clusterName() {
    if (route == null) return null;
    if (pickedFor != route) { // one pick per route (a reroute picks again)
      weighted = RouteActions.pickWeighted(route);
      pickedFor = route;
    }
    return weighted == null ? route.cluster() : weighted.cluster();
  }

  @Override
  public String clientAddress() {
    return clientIp();
  }

  @Override
  public boolean secure() {
    return handler.tls();
  }

  @Override
  public String sni() {
    return handler.tls() ? handler.sni() : null;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public Route rematch() {
    if (done || localReply) return null;
    String target = request.uri();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    try {
      path = dataPlane.pathNormalizer().normalize(path);
    } catch (PathNormalizer.InvalidPathException e) {
      sendLocalReply(HttpResponseStatus.BAD_REQUEST, "bad request path", "DPE");
      return null;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (host == null) host = "";
    VirtualHost vh = handler.routes(snapshot).select(RouteTable.normalizeHost(host));
    Route r = vh == null ? null : vh.match(new RequestMatchInput(request.method().name(), path, target, host,
        handler.tls(), request.headers()));
    if (r == null) {
      sendLocalReply(HttpResponseStatus.NOT_FOUND, "route not found", "NR");
      return null;
    }
    route = r;
    return r;
  }

  @Override
  public void requestBodyWanted() {
    if (expectContinue) {
      // a plugin waits for the body before the request goes on: the client may send it now
      expectContinue = false;
      downstream.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
    handler.updateAutoRead();
  }

  @Override
  public boolean responseHeadSent() {
    return headSent;
  }

  @Override
  public void sendFilterReply(FullHttpResponse res, String flag) {
    if (done) {
      res.release();
      return;
    }
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    cancelTryTimer();
    cancelIdleTimer();
    if (headSent) {
      res.release();
      flags = flag;
      abortDownstream();
      return;
    }
    bytesOut += res.content().readableBytes();
    writeLocalResponse(res, flag);
  }

  @Override
  public void resetStream(String flag) {
    if (done) return;
    UpstreamConnection conn = upstream;
    upstream = null;
    if (conn != null) conn.discard();
    cancelTimeout();
    flags = flag;
    abortDownstream();
  }

  private void maybeFinish() {
    if (!done && responseComplete && requestComplete) finish();
  }

  private void finish() {
    if (done) return;
    done = true;
    if (filters != null) filters.done();
    if (countedEndpoint != null) {
      dataPlane.requestDone(countedEndpoint);
      countedEndpoint = null;
    }
    cancelTimeout();
    cancelTryTimer();
    cancelIdleTimer();
    if (bodyIdleTimer != null) bodyIdleTimer.cancel(false);
    if (requestTimer != null) requestTimer.cancel(false);
    if (responseIdleArmed) {
      responseIdleArmed = false;
      handler.responseIdle().disarm();
    }
    if (replay != null) replay.release();
    if (clientLimits != null) clientLimits.leave(clientAddress);
    if (dataPlane.accessLog().enabled()) {
      dataPlane.accessLog().log(new AccessLogEntry(startMillis, method, authority, originalTarget, protocol, status,
          bytesIn, bytesOut, (System.nanoTime() - startNanos) / 1000,
          endpoint == null ? "-" : endpoint.toString(), route == null ? "-" : route.name(), flags, clientIp(), requestId));
    }
    if (tunnel) handler.exchangeTunneled(this);
    else handler.exchangeDone(this, keepAliveDownstream && responseComplete);
  }
}
