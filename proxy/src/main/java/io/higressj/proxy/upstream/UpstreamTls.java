package io.higressj.proxy.upstream;

import io.higressj.config.model.Endpoint;
import io.higressj.config.model.UpstreamProtocol;
import io.higressj.proxy.tls.PemKeys;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS towards upstreams. Without {@code verify} the endpoint's certificate is not checked (as Higress
 * does for {@code backend-protocol: HTTPS} without {@code proxy-ssl-verify}); with it, the chain must lead
 * to the configured CA (or the JVM's trusted CAs), and the name must match {@code proxy-ssl-name} when one is
 * set. Contexts are built once per protocol settings.
 */
final class UpstreamTls {
  private static final Map<UpstreamProtocol, SslContext> CONTEXTS = new ConcurrentHashMap<>();

  private UpstreamTls() {}

  static SslHandler handler(UpstreamProtocol p, Endpoint endpoint, Channel ch) {
    SslContext ctx = CONTEXTS.computeIfAbsent(p, UpstreamTls::build);
    String sni = p.sni() != null ? p.sni() : isIpLiteral(endpoint.address()) ? null : endpoint.address();
    SSLEngine engine = sni == null ? ctx.newEngine(ch.alloc()) : ctx.newEngine(ch.alloc(), sni, endpoint.port());
    if (p.verify() && p.sni() != null) { // proxy-ssl-name: the name is checked too; without it only the chain (as Envoy)
      SSLParameters params = engine.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(params);
    }
    return new SslHandler(engine);
  }

  private static SslContext build(UpstreamProtocol p) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (p.verify() && p.trustedCaPem() != null) b.trustManager(PemKeys.certificates(p.trustedCaPem()));
      else if (!p.verify()) b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      if (p.clientCertPem() != null && p.clientKeyPem() != null) {
        b.keyManager(PemKeys.privateKey(p.clientKeyPem()), PemKeys.certificates(p.clientCertPem()));
      }
      if (p.http2()) {
        b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
      }
      return b.build();
    } catch (Exception e) {
      throw new IllegalStateException("upstream TLS settings " + p + ": " + e.getMessage(), e);
    }
  }

  static boolean isIpLiteral(String a) {
    if (a.indexOf(':') >= 0) return true;
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if ((c < '0' || c > '9') && c != '.') return false;
    }
    return true;
  }
}
