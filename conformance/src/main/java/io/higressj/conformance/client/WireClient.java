package io.higressj.conformance.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Sends one {@link WireRequest} on a new connection and returns the complete response. Nothing is
 * added to or normalised in the request: the target, the authority and the header lines go out as
 * given. Thread-safe; {@link #close()} stops its event loops.
 */
public final class WireClient implements AutoCloseable {
  private static final int MAX_BODY = 64 * 1024 * 1024;

  private final EventLoopGroup group;
  private final Map<TlsOptions, SslContext> contexts = new ConcurrentHashMap<>();

  public WireClient() {
    this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("conformance-client", true), NioIoHandler.newFactory());
  }

  EventLoopGroup group() {
    return group;
  }

  /**
   * Sends the request.
   *
   * @throws IOException on a connection, TLS or protocol error, or when the timeout passes
   */
  public WireResponse send(WireRequest request) throws IOException {
    CompletableFuture<WireResponse> result = new CompletableFuture<>();
    long timeoutMillis = Math.max(1, request.timeout().toMillis());
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) throws SSLException {
            configure(ch, request, result);
          }
        });
    ChannelFuture connect = bootstrap.connect(request.address());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new IOException("cannot connect to " + request.address().getHostString() + ":"
            + request.address().getPort() + ": " + f.cause().getMessage(), f.cause()));
      } else if (request.protocol() == WireRequest.Protocol.H2C) {
        openStream(connect.channel(), request, result);
      }
    });
    try {
      return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("no complete response within " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      throw new IOException(c.getClass().getSimpleName() + ": " + c.getMessage(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } finally {
      connect.channel().close();
    }
  }

  private void configure(Channel ch, WireRequest request, CompletableFuture<WireResponse> result) throws SSLException {
    ChannelPipeline p = ch.pipeline();
    switch (request.protocol()) {
      case HTTP_1_1 -> {
        if (request.tls() != null) p.addLast(sslHandler(ch, request, request.tls()));
        addHttp1(p, request, result);
      }
      case HTTP_2 -> {
        TlsOptions tls = request.tls().alpn().isEmpty()
            ? request.tls().withAlpn(List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
            : request.tls();
        p.addLast(sslHandler(ch, request, tls));
        p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
          @Override
          protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
              addHttp2(ctx.pipeline(), result);
              openStream(ctx.channel(), request, result);
            } else {
              // Go's client speaks HTTP/1.1 on the connection when the server does not pick h2
              addHttp1(ctx.pipeline(), request, result);
            }
          }

          @Override
          protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new IOException("TLS handshake failed: " + cause.getMessage(), cause));
            ctx.close();
          }
        });
      }
      case H2C -> addHttp2(p, result);
    }
    p.addLast(new Failures(result));
  }

  private SslHandler sslHandler(Channel ch, WireRequest request, TlsOptions tls) throws SSLException {
    SslContext ctx = contexts.get(tls);
    if (ctx == null) {
      ctx = sslContext(tls);
      contexts.put(tls, ctx);
    }
    String peer = tls.sni() != null ? tls.sni() : request.address().getHostString();
    SslHandler handler = ctx.newHandler(ch.alloc(), peer, request.address().getPort());
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    List<javax.net.ssl.SNIServerName> names = new ArrayList<>();
    if (tls.sni() != null && !tls.sni().isEmpty() && !isIpLiteral(tls.sni())) {
      try {
        names.add(new SNIHostName(tls.sni()));
      } catch (IllegalArgumentException e) {
        // not a valid host name for SNI: Go would send it anyway, the JDK cannot
      }
    }
    params.setServerNames(names);
    if (tls.verify()) params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }

  static SslContext sslContext(TlsOptions tls) throws SSLException {
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    if (tls.verify()) {
      b.trustManager(tls.trusted().toArray(java.security.cert.X509Certificate[]::new));
    } else {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    }
    b.endpointIdentificationAlgorithm(null); // set per engine, against the SNI, when verifying
    List<String> protocols = tls.protocols().isEmpty() ? List.of("TLSv1.2", "TLSv1.3") : tls.protocols();
    b.protocols(protocols);
    if (!tls.cipherSuites().isEmpty()) {
      List<String> suites = new ArrayList<>(tls.cipherSuites());
      if (protocols.contains("TLSv1.3")) suites.addAll(TlsOptions.TLS13_SUITES);
      b.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
    }
    if (tls.clientCertificate() != null) b.keyManager(tls.clientKey(), tls.clientCertificate());
    if (!tls.alpn().isEmpty()) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, tls.alpn()));
    }
    return b.build();
  }

  static boolean isIpLiteral(String host) {
    return host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":");
  }

  private static void addHttp1(ChannelPipeline p, WireRequest request, CompletableFuture<WireResponse> result) {
    ChannelHandler failures = p.get(Failures.class);
    String before = failures == null ? null : p.context(failures).name();
    ChannelHandler[] handlers = {new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY), new Http1Exchange(request, result)};
    for (ChannelHandler h : handlers) {
      if (before == null) p.addLast(h);
      else p.addBefore(before, null, h);
    }
  }

  private static void addHttp2(ChannelPipeline p, CompletableFuture<WireResponse> result) {
    ChannelHandler codec = Http2FrameCodecBuilder.forClient().autoAckSettingsFrame(true).autoAckPingFrame(true).build();
    ChannelHandler multiplex = new Http2MultiplexHandler(new ChannelInboundHandlerAdapter());
    ChannelHandler goAway = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame g && !result.isDone()) {
          result.completeExceptionally(new IOException("HTTP/2 GOAWAY: error " + g.errorCode()));
        }
        ReferenceCountUtil.release(msg);
      }
    };
    ChannelHandler failures = p.get(Failures.class);
    if (failures == null) {
      p.addLast(codec, multiplex, goAway);
    } else {
      String before = p.context(failures).name();
      p.addBefore(before, null, codec);
      p.addBefore(before, null, multiplex);
      p.addBefore(before, null, goAway);
    }
  }

  private static void openStream(Channel parent, WireRequest request, CompletableFuture<WireResponse> result) {
    new Http2StreamChannelBootstrap(parent).handler(new Http2Exchange(result)).open().addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new IOException("cannot open an HTTP/2 stream: " + f.cause().getMessage(), f.cause()));
        return;
      }
      Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
      Http2Headers h = new DefaultHttp2Headers()
          .method(request.method())
          .scheme(request.scheme())
          .authority(request.authority())
          .path(request.target());
      for (Headers.Line l : request.headers().lines()) h.add(l.name().toLowerCase(java.util.Locale.ROOT), l.value());
      boolean hasBody = request.body() != null && request.body().length > 0;
      stream.write(new DefaultHttp2HeadersFrame(h, !hasBody));
      if (hasBody) stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(request.body()), true));
      stream.flush();
    });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Sends the request when the connection is ready; completes with the first final response. */
  private static final class Http1Exchange extends ChannelInboundHandlerAdapter {
    private final WireRequest request;
    private final CompletableFuture<WireResponse> result;
    private boolean sent;

    Http1Exchange(WireRequest request, CompletableFuture<WireResponse> result) {
      this.request = request;
      this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) send(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      send(ctx);
      ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx) {
      if (sent) return;
      sent = true;
      ByteBuf body = request.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(request.body());
      DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), request.target(), body);
      r.headers().add("Host", request.authority());
      for (Headers.Line l : request.headers().lines()) r.headers().add(l.name(), l.value());
      ctx.writeAndFlush(r).addListener(f -> {
        if (!f.isSuccess()) result.completeExceptionally(new IOException("cannot send the request: " + f.cause().getMessage(), f.cause()));
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof FullHttpResponse r) {
          int status = r.status().code();
          if (status >= 100 && status < 200 && status != 101) return; // informational: wait for the final one
          List<Headers.Line> lines = new ArrayList<>();
          r.headers().forEach(e -> lines.add(new Headers.Line(e.getKey(), e.getValue())));
          byte[] body = new byte[r.content().readableBytes()];
          r.content().getBytes(r.content().readerIndex(), body);
          result.complete(new WireResponse(status, Headers.of(lines), body, Headers.EMPTY, "HTTP/1.1"));
          ctx.close();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  /** Collects one HTTP/2 stream's response: headers, data, trailers. */
  private static final class Http2Exchange extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<WireResponse> result;
    private Http2Headers head;
    private Http2Headers trailers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Http2Exchange(CompletableFuture<WireResponse> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        boolean end = false;
        if (msg instanceof Http2HeadersFrame hf) {
          if (head == null) {
            CharSequence s = hf.headers().status();
            int status = s == null ? 0 : Integer.parseInt(s.toString());
            if (status >= 100 && status < 200) return; // informational
            head = hf.headers();
          } else {
            trailers = hf.headers();
          }
          end = hf.isEndStream();
        } else if (msg instanceof Http2DataFrame df) {
          if (body.size() + df.content().readableBytes() > MAX_BODY) {
            result.completeExceptionally(new IOException("response body larger than " + MAX_BODY + " bytes"));
            ctx.close();
            return;
          }
          df.content().getBytes(df.content().readerIndex(), body, df.content().readableBytes());
          end = df.isEndStream();
        } else if (msg instanceof Http2ResetFrame rf) {
          result.completeExceptionally(new IOException("HTTP/2 stream reset by the server: error " + rf.errorCode()));
          return;
        }
        if (end) finish();
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void finish() {
      if (head == null) {
        result.completeExceptionally(new IOException("HTTP/2 stream ended without response headers"));
        return;
      }
      result.complete(new WireResponse(Integer.parseInt(head.status().toString()), convert(head), body.toByteArray(),
          trailers == null ? Headers.EMPTY : convert(trailers), "HTTP/2.0"));
    }

    private static Headers convert(Http2Headers h) {
      List<Headers.Line> lines = new ArrayList<>();
      for (Map.Entry<CharSequence, CharSequence> e : h) {
        String name = e.getKey().toString();
        if (!name.startsWith(":")) lines.add(new Headers.Line(name, e.getValue().toString()));
      }
      return Headers.of(lines);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!result.isDone()) result.completeExceptionally(new IOException("HTTP/2 stream closed before the response ended"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause.getMessage(), cause));
      ctx.close();
    }
  }

  /** The last handler: turns an exception or an early close into a failed exchange. */
  private static final class Failures extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<WireResponse> result;

    Failures(CompletableFuture<WireResponse> result) {
      this.result = result;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!result.isDone()) result.completeExceptionally(new IOException("connection closed before a complete response"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Throwable c = cause;
      if (c instanceof io.netty.handler.codec.DecoderException && c.getCause() != null) c = c.getCause();
      String what = c instanceof SSLException ? "TLS: " : "";
      result.completeExceptionally(new IOException(what + c.getMessage(), c));
      ctx.close();
    }
  }
}
