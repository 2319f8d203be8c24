package io.higressj.testing.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.testing.tls.CertificateGenerator.Subject;
import io.higressj.testing.tls.CertificateGenerator.Type;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateGeneratorTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    // KeyUsage bits as java.security.cert.X509Certificate#getKeyUsage() numbers them.
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_CERT_SIGN = 5;

    private static GeneratedCertificate ca;
    private static GeneratedCertificate server;
    private static GeneratedCertificate client;

    @BeforeAll
    static void generate() {
        ca = CertificateGenerator.ca();
        server = CertificateGenerator.server(ca, List.of("localhost", "foo.com", "*.example.com", "127.0.0.1", "::1"));
        client = CertificateGenerator.client(ca);
    }

    @Test
    void caIsSelfSignedWithCertSign() throws Exception {
        X509Certificate cert = ca.cert();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
        assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
        assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isFalse();
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
        assertCommon(cert, "CN=default,O=Higress E2E Test");
    }

    @Test
    void serverIsSignedByTheCaAndHasTheHostsAsSans() throws Exception {
        X509Certificate cert = server.cert();
        cert.verify(ca.cert().getPublicKey());
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.cert().getSubjectX500Principal());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isTrue();
        assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
        assertThat(cert.getKeyUsage()[KEY_CERT_SIGN]).isFalse();
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(sans(cert)).containsExactlyInAnyOrder("2:localhost", "2:foo.com", "2:*.example.com",
                "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertCommon(cert, "CN=default,O=Higress E2E Test");

        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.cert(), null)));
        parameters.setRevocationEnabled(false);
        validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), parameters);
    }

    @Test
    void clientHasNoSans() throws Exception {
        X509Certificate cert = client.cert();
        cert.verify(ca.cert().getPublicKey());
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isTrue();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void selfSignedLeafWithGatewayApiSubject() throws Exception {
        GeneratedCertificate self = CertificateGenerator.generate(Type.fromCorpusName("self-signed"), null,
                List.of("*", "*.org", "*.wildcard.org"), Subject.GATEWAY_API);
        X509Certificate cert = self.cert();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(cert.getKeyUsage()[KEY_ENCIPHERMENT]).isTrue();
        assertThat(cert.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
        assertCommon(cert, "CN=default,O=Acme Co");
        // The JDK cannot parse the DNS name "*", but the certificate itself must still load from PEM.
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(self.certPem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed).isEqualTo(cert);
    }

    private static void assertCommon(X509Certificate cert, String subject) {
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo(subject);
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
        BigInteger serial = cert.getSerialNumber();
        assertThat(serial.signum()).isPositive();
        assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(365));
        assertThat(cert.getNotBefore().toInstant()).isBetween(
                java.time.Instant.now().minusSeconds(120), java.time.Instant.now());
    }

    private static List<String> sans(X509Certificate cert) throws Exception {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        return names.stream().map(n -> n.get(0) + ":" + n.get(1)).collect(Collectors.toList());
    }

    @Test
    void serialsAreRandom() {
        assertThat(CertificateGenerator.selfSigned(List.of("a.com")).cert().getSerialNumber())
                .isNotEqualTo(CertificateGenerator.selfSigned(List.of("a.com")).cert().getSerialNumber());
    }

    @Test
    void pemTextHasTheExpectedBlocksAndRoundTrips() throws Exception {
        assertThat(server.certPem()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(server.keyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----\n")
                .endsWith("-----END RSA PRIVATE KEY-----\n");
        assertThat(server.pkcs8KeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        assertThat(server.certPem().lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);

        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(server.certPem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed).isEqualTo(server.cert());

        try (PEMParser parser = new PEMParser(new StringReader(server.keyPem()))) {
            PEMKeyPair pkcs1 = (PEMKeyPair) parser.readObject();
            assertThat(new JcaPEMKeyConverter().getKeyPair(pkcs1).getPrivate().getEncoded())
                    .isEqualTo(server.key().getEncoded());
        }
        String base64 = server.pkcs8KeyPem().lines().filter(l -> !l.startsWith("-----")).collect(Collectors.joining());
        assertThat(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)))).isEqualTo(server.key());
    }

    @Test
    void invalidRequestsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> CertificateGenerator.generate(Type.SERVER, null, List.of()))
                .withMessage("signedBy: none (expected: a CA for type server)");
        assertThatIllegalArgumentException().isThrownBy(() -> CertificateGenerator.server(server, List.of("x")))
                .withMessageContaining("expected: a CA certificate");
        assertThatIllegalArgumentException().isThrownBy(() -> CertificateGenerator.generate(Type.CA, ca, List.of()))
                .withMessageContaining("expected: none for type ca");
        assertThatIllegalArgumentException().isThrownBy(() -> CertificateGenerator.generate(Type.CLIENT, ca,
                List.of("x"))).withMessage("hosts: [x] (expected: none for type client)");
        assertThatIllegalArgumentException().isThrownBy(() -> Type.fromCorpusName("leaf"));
    }

    @Test
    void mutualTlsHandshakeWithNettyUsingEitherKeyFormat() throws Exception {
        for (String keyPem : List.of(server.keyPem(), server.pkcs8KeyPem())) {
            SslContext serverContext = SslContextBuilder.forServer(stream(server.certPem()), stream(keyPem))
                    .trustManager(ca.cert())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new SayOk());
                            }
                        })
                        .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
                int port = ((InetSocketAddress) listener.localAddress()).getPort();
                for (String host : List.of("localhost", "127.0.0.1")) {
                    assertThat(handshake(host, port, true)).isEqualTo("ok");
                }
                // Without a client certificate the server refuses the handshake.
                assertThatThrownBy(() -> handshake("localhost", port, false)).isInstanceOf(java.io.IOException.class);
                listener.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void hostNotInSansFailsVerification() throws Exception {
        GeneratedCertificate other = CertificateGenerator.server(ca, List.of("other.example"));
        SslContext serverContext = SslContextBuilder.forServer(other.key(), other.cert()).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new SayOk());
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            assertThatThrownBy(() -> handshake("localhost", port, false)).isInstanceOf(SSLHandshakeException.class);
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static ByteArrayInputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** Connects with the JDK's TLS client, which verifies the chain to {@code ca} and the host name. */
    private static String handshake(String host, int port, boolean withClientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (withClientCertificate) {
            keys.setKeyEntry("client", client.key(), new char[0], new X509Certificate[] {client.cert(), ca.cert()});
        }
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new String(socket.getInputStream().readNBytes(2), StandardCharsets.US_ASCII);
        }
    }

    /** Writes "ok" once the TLS handshake succeeded, then closes. */
    private static final class SayOk extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
