package io.higressj.wasm.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Fetches Wasm modules as a WasmPlugin's {@code url} names them: {@code file://}, {@code
 * http(s)://} and {@code oci://registry/repository:tag} (or {@code @sha256:...}) by the OCI
 * distribution API. Modules are cached on disk by their SHA-256; a URL whose module is cached and
 * whose digest is known (a {@code sha256} given, an OCI reference by digest) is served without
 * network, and any other URL falls back to the last module it gave when the server cannot be
 * reached. Work runs on the executor given (virtual threads by default), never on the caller.
 */
public final class ModuleFetcher {
  /** Higress's (and Istio's) media type of a layer that is the module itself */
  static final String WASM_LAYER = "application/vnd.module.wasm.content.layer.v1+wasm";

  private static final String MANIFEST_ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final int MAX_MODULE_BYTES = 256 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path cacheDir;
  private final java.util.function.Supplier<HttpClient> clientSupplier;
  private volatile HttpClient client;
  private final Executor executor;
  private final Duration timeout;

  /**
   * A fetcher with its own HTTP client, running on virtual threads. The client is built at the first
   * fetch over the network: building one loads the JDK's TLS stack and trust store (about 0.3 s),
   * which a gateway whose plugins are all built in or local never needs.
   */
  public ModuleFetcher(Path cacheDir) {
    this(
        cacheDir,
        () -> HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build(),
        Executors.newVirtualThreadPerTaskExecutor(),
        Duration.ofSeconds(60));
  }

  public ModuleFetcher(Path cacheDir, HttpClient client, Executor executor, Duration timeout) {
    this(cacheDir, supplierOf(Objects.requireNonNull(client, "client")), executor, timeout);
  }

  private ModuleFetcher(Path cacheDir, java.util.function.Supplier<HttpClient> client, Executor executor, Duration timeout) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.clientSupplier = client;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  private static java.util.function.Supplier<HttpClient> supplierOf(HttpClient client) {
    return () -> client;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) client = c = clientSupplier.get();
      }
    }
    return c;
  }

  /** where fetches (and work chained on them, such as compiling) run */
  public Executor executor() {
    return executor;
  }

  /**
   * The module at {@code url}. With {@code sha256OrNull} (hex, optionally prefixed {@code sha256:})
   * the module's digest must match; for an OCI image the manifest's digest matches too. Fails with
   * a {@link ModuleFetchException} that says what went wrong.
   */
  public CompletableFuture<byte[]> fetch(String url, String sha256OrNull) {
    Objects.requireNonNull(url, "url");
    String expected = normalizeDigest(sha256OrNull);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return fetchNow(url.trim(), expected);
          } catch (IOException e) {
            throw new CompletionException(
                e instanceof ModuleFetchException ? e : new ModuleFetchException(url + ": " + e, e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(new ModuleFetchException(url + ": interrupted", e));
          }
        },
        executor);
  }

  private byte[] fetchNow(String url, String expected) throws IOException, InterruptedException {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file://")) {
      byte[] module = readLimited(Files.newInputStream(Path.of(URI.create(url))));
      check(url, module, expected, null);
      return module;
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return fromCacheOr(url, expected, () -> http(url, expected));
    }
    if (lower.startsWith("oci://")) {
      OciReference ref = OciReference.parse(url);
      String known = expected != null ? expected : ref.digest();
      return fromCacheOr(url, known, () -> oci(url, ref, expected));
    }
    throw new ModuleFetchException(url + ": unsupported scheme (expected file://, http(s):// or oci://)");
  }

  private interface Download {
    byte[] get() throws IOException, InterruptedException;
  }

  /**
   * Serves a cached module when its digest is known (or remembered for this URL and the server is
   * unreachable); downloads otherwise and remembers the digest for the URL.
   */
  private byte[] fromCacheOr(String url, String knownDigest, Download download)
      throws IOException, InterruptedException {
    if (knownDigest != null) {
      byte[] cached = cached(knownDigest);
      if (cached == null) {
        cached = cached(indexed(url, knownDigest));
      }
      if (cached != null) {
        return cached;
      }
    }
    byte[] module;
    try {
      module = download.get();
    } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
      byte[] last = knownDigest == null ? cached(indexed(url, null)) : null;
      if (last != null) {
        return last;
      }
      throw new ModuleFetchException(url + ": cannot connect: " + e, e);
    }
    String digest = sha256(module);
    store(digest, module);
    remember(url, knownDigest, digest);
    return module;
  }

  // ---------------------------------------------------------------- http(s)

  private byte[] http(String url, String expected) throws IOException, InterruptedException {
    HttpResponse<InputStream> resp = send(HttpRequest.newBuilder(URI.create(url)).GET(), url);
    if (resp.statusCode() != 200) {
      resp.body().close();
      throw new ModuleFetchException(url + ": HTTP " + resp.statusCode());
    }
    byte[] module = readLimited(resp.body());
    check(url, module, expected, null);
    return module;
  }

  // ---------------------------------------------------------------- OCI

  private byte[] oci(String url, OciReference ref, String expected)
      throws IOException, InterruptedException {
    Registry registry = new Registry(ref);
    String reference = ref.digest() != null ? "sha256:" + ref.digest() : ref.tag();
    byte[] manifestBytes = registry.get("/manifests/" + reference, MANIFEST_ACCEPT);
    String manifestDigest = sha256(manifestBytes);
    if (ref.digest() != null && !ref.digest().equals(manifestDigest)) {
      throw new ModuleFetchException(
          url + ": manifest digest is sha256:" + manifestDigest + ", not sha256:" + ref.digest());
    }
    JsonNode manifest = JSON.readTree(manifestBytes);
    if (manifest.has("manifests")) {
      // an image index: take the first manifest (Wasm images have one platform)
      JsonNode first = manifest.path("manifests").path(0);
      if (!first.hasNonNull("digest")) {
        throw new ModuleFetchException(url + ": image index without manifests");
      }
      manifestBytes = registry.get("/manifests/" + first.get("digest").asText(), MANIFEST_ACCEPT);
      manifest = JSON.readTree(manifestBytes);
    }
    JsonNode layers = manifest.path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      throw new ModuleFetchException(url + ": the manifest has no layers");
    }
    JsonNode chosen = null;
    for (JsonNode layer : layers) {
      if (WASM_LAYER.equals(layer.path("mediaType").asText())) {
        chosen = layer;
        break;
      }
    }
    boolean isTar = chosen == null;
    if (chosen == null) {
      chosen = layers.get(layers.size() - 1); // Docker-built images: the layer with plugin.wasm
    }
    String layerDigest = normalizeDigest(chosen.path("digest").asText(null));
    if (layerDigest == null) {
      throw new ModuleFetchException(url + ": layer without a sha256 digest");
    }
    byte[] blob = registry.get("/blobs/sha256:" + layerDigest, "*/*");
    if (!sha256(blob).equals(layerDigest)) {
      throw new ModuleFetchException(url + ": layer blob does not match its digest sha256:" + layerDigest);
    }
    byte[] module = isTar ? Tar.pluginWasm(blob) : blob;
    if (module == null) {
      throw new ModuleFetchException(url + ": no plugin.wasm in the image's layer");
    }
    check(url, module, expected, manifestDigest);
    return module;
  }

  /** one registry repository, with the anonymous bearer token flow */
  private final class Registry {
    private final OciReference ref;
    private String token;

    Registry(OciReference ref) {
      this.ref = ref;
    }

    byte[] get(String path, String accept) throws IOException, InterruptedException {
      URI uri = URI.create(ref.baseUrl() + "/v2/" + ref.repository() + path);
      for (int attempt = 0; ; attempt++) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", accept).GET();
        if (token != null) {
          b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> resp = send(b, uri.toString());
        if (resp.statusCode() == 200) {
          return readLimited(resp.body());
        }
        resp.body().close();
        if (resp.statusCode() == 401 && attempt == 0) {
          String challenge = resp.headers().firstValue("WWW-Authenticate").orElse("");
          token = token(challenge, uri);
          continue;
        }
        throw new ModuleFetchException(uri + ": HTTP " + resp.statusCode());
      }
    }

    private String token(String challenge, URI uri) throws IOException, InterruptedException {
      if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new ModuleFetchException(
            uri + ": the registry wants credentials (" + challenge + "); only anonymous tokens are supported");
      }
      Map<String, String> params = new LinkedHashMap<>();
      Matcher m = CHALLENGE_PARAM.matcher(challenge.substring(7));
      while (m.find()) {
        params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
      }
      String realm = params.remove("realm");
      if (realm == null) {
        throw new ModuleFetchException(uri + ": bearer challenge without a realm");
      }
      if (!params.containsKey("scope")) {
        params.put("scope", "repository:" + ref.repository() + ":pull");
      }
      StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
      params.forEach(
          (k, v) ->
              q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
      q.setLength(q.length() - 1);
      HttpResponse<InputStream> resp = send(HttpRequest.newBuilder(URI.create(q.toString())).GET(), realm);
      byte[] body = readLimited(resp.body());
      if (resp.statusCode() != 200) {
        throw new ModuleFetchException(realm + ": token request answered HTTP " + resp.statusCode());
      }
      JsonNode json = JSON.readTree(body);
      String t = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
      if (t == null || t.isEmpty()) {
        throw new ModuleFetchException(realm + ": token response without a token");
      }
      return t;
    }
  }

  // ---------------------------------------------------------------- cache

  private Path blobPath(String digest) {
    return cacheDir.resolve("sha256").resolve(digest + ".wasm");
  }

  private Path indexPath(String url, String knownDigest) {
    String key = sha256((url + "\n" + (knownDigest == null ? "" : knownDigest)).getBytes(StandardCharsets.UTF_8));
    return cacheDir.resolve("urls").resolve(key);
  }

  private byte[] cached(String digest) throws IOException {
    if (digest == null) {
      return null;
    }
    Path p = blobPath(digest);
    if (!Files.isRegularFile(p)) {
      return null;
    }
    byte[] b = Files.readAllBytes(p);
    return sha256(b).equals(digest) ? b : null; // a damaged file is fetched again
  }

  private String indexed(String url, String knownDigest) throws IOException {
    Path p = indexPath(url, knownDigest);
    return Files.isRegularFile(p) ? Files.readString(p).trim() : null;
  }

  private void store(String digest, byte[] module) throws IOException {
    Path p = blobPath(digest);
    if (!Files.isRegularFile(p)) {
      writeAtomically(p, module);
    }
  }

  /** the URL (with the digest it was asked with, and without) gave this module */
  private void remember(String url, String knownDigest, String digest) throws IOException {
    byte[] d = digest.getBytes(StandardCharsets.UTF_8);
    if (knownDigest != null) {
      writeAtomically(indexPath(url, knownDigest), d);
    }
    writeAtomically(indexPath(url, null), d);
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", null);
    try {
      Files.write(tmp, content);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // ---------------------------------------------------------------- helpers

  private HttpResponse<InputStream> send(HttpRequest.Builder b, String what)
      throws IOException, InterruptedException {
    return client().send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static void check(String url, byte[] module, String expected, String alsoAccepted)
      throws ModuleFetchException {
    if (expected == null) {
      return;
    }
    String actual = sha256(module);
    if (!actual.equals(expected) && !expected.equals(alsoAccepted)) {
      throw new ModuleFetchException(
          url + ": sha256 mismatch: expected " + expected + ", got " + actual);
    }
  }

  static String normalizeDigest(String digest) {
    if (digest == null || digest.isBlank()) {
      return null;
    }
    String d = digest.trim().toLowerCase(Locale.ROOT);
    if (d.startsWith("sha256:")) {
      d = d.substring(7);
    }
    if (!d.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256: " + digest + " (expected: 64 hex digits)");
    }
    return d;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    try (in) {
      byte[] b = in.readNBytes(MAX_MODULE_BYTES + 1);
      if (b.length > MAX_MODULE_BYTES) {
        throw new ModuleFetchException("larger than " + MAX_MODULE_BYTES + " bytes");
      }
      return b;
    }
  }

  /** the plugin.wasm of a (gzipped) tar layer */
  static final class Tar {
    private Tar() {}

    static byte[] pluginWasm(byte[] layer) throws IOException {
      InputStream in = new ByteArrayInputStream(layer);
      if (layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b) {
        in = new GZIPInputStream(in);
      }
      byte[] tar = readLimited(in);
      int pos = 0;
      while (pos + 512 <= tar.length) {
        String name = field(tar, pos, 100);
        if (name.isEmpty()) {
          return null; // end of archive
        }
        String prefix = field(tar, pos + 345, 155);
        if (!prefix.isEmpty() && "ustar".equals(field(tar, pos + 257, 5))) {
          name = prefix + "/" + name;
        }
        long size = Long.parseLong(field(tar, pos + 124, 12).trim().isEmpty() ? "0" : field(tar, pos + 124, 12).trim(), 8);
        char type = (char) tar[pos + 156];
        int data = pos + 512;
        if ((type == '0' || type == 0) && (name.equals("plugin.wasm") || name.endsWith("/plugin.wasm"))) {
          if (data + size > tar.length) {
            throw new ModuleFetchException("truncated tar layer");
          }
          return java.util.Arrays.copyOfRange(tar, data, data + (int) size);
        }
        pos = data + (int) ((size + 511) / 512 * 512);
      }
      return null;
    }

    private static String field(byte[] b, int off, int len) {
      int end = off;
      while (end < off + len && b[end] != 0) {
        end++;
      }
      return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
  }
}
