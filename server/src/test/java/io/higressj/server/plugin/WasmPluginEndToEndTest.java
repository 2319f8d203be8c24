package io.higressj.server.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.higressj.server.GatewayFixture;
import io.higressj.testing.echo.EchoServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WasmPlugin whose name no Java plugin serves runs its proxy-wasm module in the gateway: fetched from
 * a file:// URL with its sha256 checked, compiled, configured and applied to requests; a module that
 * does not match its sha256 is reported and skipped.
 */
class WasmPluginEndToEndTest {
  /** the committed WAT test plugins of the wasm module */
  static final Path WAT = Path.of("..", "wasm", "src", "test", "wasm", "wat").toAbsolutePath().normalize();

  @TempDir Path dir;
  GatewayFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new GatewayFixture(dir);
    EchoServer echo = f.fooToEcho();
    f.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static String sha256(Path p) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  String wasmPlugin(String sha) {
    return """
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: add-header, namespace: higress-system}
        spec:
          url: file://%s
          sha256: "%s"
          defaultConfig: {name: x-wasm, value: from-the-module}
        """.formatted(WAT.resolve("add-header.wasm"), sha);
  }

  @Test
  void aModuleFromAFileUrlRunsOnTheRequests() throws Exception {
    f.write("wasmplugins/add-header.yaml", wasmPlugin(sha256(WAT.resolve("add-header.wasm"))));
    HttpResponse<String> r = f.await("foo.com", "/hello", x -> x.statusCode() == 200 && x.body().contains("from-the-module"));
    JsonNode headers = f.json(r).path("headers");
    assertThat(headers.path("X-Wasm").get(0).asText()).isEqualTo("from-the-module");
    assertThat(headers.path("X-Url-Path").get(0).asText()).isEqualTo("/hello");
    assertThat(r.headers().firstValue("x-wasm")).hasValue("from-the-module"); // the response header
  }

  @Test
  void aWrongSha256IsReportedAndThePluginSkipped() throws Exception {
    f.write("wasmplugins/add-header.yaml", wasmPlugin("0".repeat(64)));
    long deadline = System.nanoTime() + 10_000_000_000L;
    String dump;
    do {
      dump = f.adminGet("/config_dump");
      if (dump.contains("sha256")) break;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(dump).contains("WasmPlugin higress-system/add-header").contains("sha256");
    HttpResponse<String> r = f.get("foo.com", "/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("X-Wasm");
  }
}
