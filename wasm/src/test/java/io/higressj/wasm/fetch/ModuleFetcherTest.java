package io.higressj.wasm.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleFetcherTest {
  static final byte[] MODULE = read("wat/add-header.wasm");
  static final String DIGEST = ModuleFetcher.sha256(MODULE);
  static final String OTHER = "0".repeat(64);

  @TempDir Path cache;

  static byte[] read(String name) {
    try {
      return Files.readAllBytes(Path.of("src/test/wasm").resolve(name));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  byte[] fetch(ModuleFetcher f, String url, String sha) throws Exception {
    try {
      return f.fetch(url, sha).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void fileWithAndWithoutSha256() throws Exception {
    ModuleFetcher f = new ModuleFetcher(cache);
    String url = Path.of("src/test/wasm/wat/add-header.wasm").toAbsolutePath().toUri().toString();
    assertThat(url).startsWith("file://");
    assertThat(fetch(f, url, null)).isEqualTo(MODULE);
    assertThat(fetch(f, url, DIGEST)).isEqualTo(MODULE);
    assertThat(fetch(f, url, "sha256:" + DIGEST.toUpperCase())).isEqualTo(MODULE);
    assertThatThrownBy(() -> fetch(f, url, OTHER))
        .isInstanceOf(ModuleFetchException.class)
        .hasMessageContaining("sha256 mismatch");
  }

  @Test
  void httpWithSha256AndCacheHitWithoutNetwork() throws Exception {
    ModuleFetcher f = new ModuleFetcher(cache);
    String url;
    try (TestRegistry server = new TestRegistry(false)) {
      server.files.put("plugin.wasm", MODULE);
      url = "http://" + server.host() + "/files/plugin.wasm";
      assertThatThrownBy(() -> fetch(f, url, OTHER)).hasMessageContaining("sha256 mismatch");
      assertThat(fetch(f, url, DIGEST)).isEqualTo(MODULE);
      assertThatThrownBy(() -> fetch(f, "http://" + server.host() + "/files/missing.wasm", null))
          .hasMessageContaining("HTTP 404");
      int before = server.requests.get();
      assertThat(fetch(f, url, DIGEST)).isEqualTo(MODULE); // from the cache
      assertThat(server.requests.get()).isEqualTo(before);
    }
    assertThat(cache.resolve("sha256").resolve(DIGEST + ".wasm")).exists();
    // server gone: a known digest is served from disk; an unknown URL without one falls back
    assertThat(fetch(new ModuleFetcher(cache), url, DIGEST)).isEqualTo(MODULE);
    assertThat(fetch(new ModuleFetcher(cache), url, null)).isEqualTo(MODULE);
  }

  @Test
  void ociWasmLayerWithAnonymousToken() throws Exception {
    ModuleFetcher f = new ModuleFetcher(cache);
    try (TestRegistry registry = new TestRegistry(true)) {
      String manifestDigest = registry.pushWasmLayer("plugins/add-header", "1.0.0", MODULE);
      byte[] got = fetch(f, "oci://" + registry.host() + "/plugins/add-header:1.0.0", null);
      assertThat(got).isEqualTo(MODULE);
      assertThat(registry.tokenRequests.get()).isGreaterThanOrEqualTo(1);
      assertThat(registry.lastScope).isEqualTo("repository:plugins/add-header:pull");
      // sha256 may name the module or the manifest
      assertThat(fetch(f, "oci://" + registry.host() + "/plugins/add-header:1.0.0", manifestDigest))
          .isEqualTo(MODULE);
      assertThatThrownBy(() -> fetch(f, "oci://" + registry.host() + "/plugins/add-header:2.0.0", null))
          .hasMessageContaining("HTTP 404");
    }
  }

  @Test
  void ociTarLayerAndDigestReferenceFromCache() throws Exception {
    ModuleFetcher f = new ModuleFetcher(cache);
    String url;
    try (TestRegistry registry = new TestRegistry(false)) {
      String manifestDigest = registry.pushTarLayer("plugins/docker-built", "v1", MODULE);
      url = "oci://" + registry.host() + "/plugins/docker-built@sha256:" + manifestDigest;
      assertThat(fetch(f, url, null)).isEqualTo(MODULE);
      int before = registry.requests.get();
      assertThat(fetch(f, url, null)).isEqualTo(MODULE);
      assertThat(registry.requests.get()).isEqualTo(before); // by digest: from the cache
    }
    assertThat(fetch(new ModuleFetcher(cache), url, null)).isEqualTo(MODULE); // registry gone
  }

  @Test
  void badUrls() {
    ModuleFetcher f = new ModuleFetcher(cache);
    assertThatThrownBy(() -> fetch(f, "ftp://x/y.wasm", null)).hasMessageContaining("unsupported scheme");
    assertThatThrownBy(() -> fetch(f, "oci://registry-only", null)).hasMessageContaining("expected oci://");
    assertThatThrownBy(() -> f.fetch("file:///x", "nothex")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ociReferences() throws Exception {
    assertThat(OciReference.parse("oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/key-auth:1.0.0"))
        .isEqualTo(
            new OciReference(
                "higress-registry.cn-hangzhou.cr.aliyuncs.com", "plugins/key-auth", "1.0.0", null));
    assertThat(OciReference.parse("oci://localhost:5000/a/b").tag()).isEqualTo("latest");
    assertThat(OciReference.parse("oci://localhost:5000/a/b").baseUrl()).isEqualTo("http://localhost:5000");
    assertThat(OciReference.parse("oci://ghcr.io/a/b:1").baseUrl()).isEqualTo("https://ghcr.io");
  }
}
