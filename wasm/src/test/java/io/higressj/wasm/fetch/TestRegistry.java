package io.higressj.wasm.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A small OCI registry on loopback: /v2/<repo>/manifests/<tag|digest> and /v2/<repo>/blobs/<digest>,
 * optionally behind the anonymous bearer token flow (/token). Also serves plain files under /files/.
 */
final class TestRegistry implements AutoCloseable {
  static final String TOKEN = "test-token-123";

  final HttpServer server;
  final boolean requireToken;
  final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger tokenRequests = new AtomicInteger();
  volatile String lastScope;

  TestRegistry(boolean requireToken) throws IOException {
    this.requireToken = requireToken;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String host() {
    return "127.0.0.1:" + port();
  }

  /** pushes an image whose single layer is the module (Higress's Wasm media type); returns the manifest digest */
  String pushWasmLayer(String repo, String tag, byte[] module) {
    return push(repo, tag, module, "application/vnd.module.wasm.content.layer.v1+wasm");
  }

  /** pushes an image built FROM scratch with COPY plugin.wasm (a tar.gz layer) */
  String pushTarLayer(String repo, String tag, byte[] module) throws IOException {
    return push(repo, tag, tarGz("plugin.wasm", module), "application/vnd.docker.image.rootfs.diff.tar.gzip");
  }

  private String push(String repo, String tag, byte[] layer, String mediaType) {
    String layerDigest = ModuleFetcher.sha256(layer);
    blobs.put(repo + "@sha256:" + layerDigest, layer);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = ModuleFetcher.sha256(config);
    blobs.put(repo + "@sha256:" + configDigest, config);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},
         "layers":[{"mediaType":"%s","digest":"sha256:%s","size":%d}]}
        """
            .formatted(configDigest, config.length, mediaType, layerDigest, layer.length);
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    String digest = ModuleFetcher.sha256(m);
    manifests.put(repo + ":" + tag, m);
    manifests.put(repo + ":sha256:" + digest, m);
    return digest;
  }

  static byte[] tarGz(String name, byte[] content) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] header = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, header, 0, n.length);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    header[262] = 0;
    put(header, 263, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o", sum));
    header[154] = 0;
    tar.write(header);
    tar.write(content);
    tar.write(new byte[(512 - content.length % 512) % 512]);
    tar.write(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    return gz.toByteArray();
  }

  private static void put(byte[] b, int off, String s) {
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, off, v.length);
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    String path = ex.getRequestURI().getPath();
    try (ex) {
      if (path.startsWith("/files/")) {
        byte[] f = files.get(path.substring(7));
        send(ex, f == null ? 404 : 200, f == null ? new byte[0] : f);
        return;
      }
      if (path.equals("/token")) {
        tokenRequests.incrementAndGet();
        lastScope = query(ex, "scope");
        send(ex, 200, ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (requireToken
          && !("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders()
            .add(
                "WWW-Authenticate",
                "Bearer realm=\"http://" + host() + "/token\",service=\"test-registry\"");
        send(ex, 401, new byte[0]);
        return;
      }
      int manifestsAt = path.indexOf("/manifests/");
      int blobsAt = path.indexOf("/blobs/");
      byte[] body = null;
      if (path.startsWith("/v2/") && manifestsAt > 0) {
        body = manifests.get(path.substring(4, manifestsAt) + ":" + path.substring(manifestsAt + 11));
        if (body != null) {
          ex.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        }
      } else if (path.startsWith("/v2/") && blobsAt > 0) {
        body = blobs.get(path.substring(4, blobsAt) + "@" + path.substring(blobsAt + 7));
      }
      send(ex, body == null ? 404 : 200, body == null ? new byte[0] : body);
    }
  }

  private static String query(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getQuery();
    if (q == null) {
      return null;
    }
    for (String p : q.split("&")) {
      if (p.startsWith(name + "=")) {
        return p.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
