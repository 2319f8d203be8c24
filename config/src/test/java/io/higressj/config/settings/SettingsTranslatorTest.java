package io.higressj.config.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.higressj.config.resource.Problem;
import io.higressj.config.resource.ResourceKey;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTranslatorTest {
  static final String CONFIG_OBJECT = "ConfigMap higress-system/higress-config";
  static final String HTTPS_OBJECT = "ConfigMap higress-system/higress-https";

  static ResourceSet set(String yaml) {
    YamlResources.Parsed p = YamlResources.parse(yaml, "test.yaml");
    assertThat(p.problems()).isEmpty();
    return ResourceSet.of(p.resources(), p.problems());
  }

  /** A higress-config ConfigMap whose {@code higress} key holds {@code body} (indented here). */
  static String config(String body) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-config, namespace: higress-system}\ndata:\n  higress: |\n"
        + body.indent(4);
  }

  static String https(String body) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-https, namespace: higress-system}\ndata:\n  cert: |\n"
        + body.indent(4);
  }

  static SettingsTranslator.Result translate(String yaml) {
    return SettingsTranslator.translate(set(yaml));
  }

  /** The only problem of {@code yaml}: severity, field, message. */
  static Problem onlyProblem(String yaml) {
    List<Problem> problems = translate(yaml).problems();
    assertThat(problems).hasSize(1);
    return problems.get(0);
  }

  @Test
  void withoutConfigMapsEverythingIsHigressDefault() {
    SettingsTranslator.Result r = SettingsTranslator.translate(ResourceSet.empty());
    assertThat(r.problems()).isEmpty();
    GatewaySettings s = r.settings();
    assertThat(s).isEqualTo(GatewaySettings.DEFAULT);
    assertThat(s.gzip().enable()).isFalse();
    assertThat(s.gzip().minContentLength()).isEqualTo(1024);
    assertThat(s.gzip().contentType()).containsExactly("text/html", "text/css", "text/plain", "text/xml",
        "application/json", "application/javascript", "application/xhtml+xml", "image/svg+xml");
    assertThat(s.gzip().disableOnEtagHeader()).isTrue();
    assertThat(s.gzip().memoryLevel()).isEqualTo(5);
    assertThat(s.gzip().windowBits()).isEqualTo(12);
    assertThat(s.gzip().chunkSize()).isEqualTo(4096);
    assertThat(s.gzip().compressionLevel()).isEqualTo(Gzip.CompressionLevel.BEST_COMPRESSION);
    assertThat(s.gzip().compressionStrategy()).isEqualTo(Gzip.CompressionStrategy.DEFAULT_STRATEGY);
    assertThat(s.downstream().idleTimeout()).isEqualTo(Duration.ofSeconds(180));
    assertThat(s.downstream().maxRequestHeadersKb()).isEqualTo(60);
    assertThat(s.downstream().connectionBufferLimits()).isEqualTo(32768);
    assertThat(s.downstream().http2()).isEqualTo(new Downstream.Http2(100, 65535, 1048576));
    assertThat(s.downstream().routeTimeout()).isZero();
    assertThat(s.upstream()).isEqualTo(new Upstream(Duration.ofSeconds(10), 10485760));
    assertThat(s.addXRealIpHeader()).isFalse();
    assertThat(s.disableXEnvoyHeaders()).isFalse();
    assertThat(s.tracing()).isEqualTo(new Tracing(false, 100.0, Duration.ofMillis(500), null));
    assertThat(s.https()).isEqualTo(new HttpsSettings(true, 30, false, List.of(), List.of(), ""));
  }

  @Test
  void emptyValueMissingKeyNullSectionsAndTheInstallationObjectMeanDefaults() {
    for (String yaml : List.of(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-config, namespace: higress-system}\ndata: {higress: \"\"}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-config, namespace: higress-system}\n",
        config("# only a comment"),
        config("gzip:\ndownstream: null\ntracing:"))) {
      SettingsTranslator.Result r = translate(yaml);
      assertThat(r.problems()).as(yaml).isEmpty();
      assertThat(r.settings()).as(yaml).isEqualTo(GatewaySettings.DEFAULT);
    }
  }

  @Test
  void everyHigressConfigField() {
    GatewaySettings s = translate(config("""
        gzip:
          enable: true
          minContentLength: 100
          contentType: [text/html, Application/JSON]
          disableOnEtagHeader: false
          memoryLevel: 9
          windowBits: 15
          chunkSize: 8192
          compressionLevel: COMPRESSION_LEVEL_3
          compressionStrategy: HUFFMAN_ONLY
        downstream:
          idleTimeout: 0
          maxRequestHeadersKb: 8192
          connectionBufferLimits: 65536
          http2:
            maxConcurrentStreams: 2147483647
            initialStreamWindowSize: 1048576
            initialConnectionWindowSize: 65535
          routeTimeout: 15
        upstream:
          idleTimeout: 4294967295
          connectionBufferLimits: 0
        addXRealIpHeader: true
        disableXEnvoyHeaders: true
        tracing:
          enable: true
          sampling: 12.5
          timeout: 1500
          skywalking:
            service: skywalking-oap-server.op-system.svc.cluster.local
            port: 11800
            access_token: secret-token
        """)).settings();
    assertThat(s.gzip()).isEqualTo(new Gzip(true, 100, List.of("text/html", "application/json"), false, 9, 15, 8192,
        Gzip.CompressionLevel.COMPRESSION_LEVEL_3, Gzip.CompressionStrategy.HUFFMAN_ONLY));
    assertThat(s.gzip().compressionLevel().zlibLevel()).isEqualTo(3);
    assertThat(s.gzip().compresses("application/json")).isTrue();
    assertThat(s.downstream()).isEqualTo(new Downstream(Duration.ZERO, 8192, 65536,
        new Downstream.Http2(Integer.MAX_VALUE, 1048576, 65535), Duration.ofSeconds(15)));
    assertThat(s.upstream()).isEqualTo(new Upstream(Duration.ofSeconds(4294967295L), 0));
    assertThat(s.addXRealIpHeader()).isTrue();
    assertThat(s.disableXEnvoyHeaders()).isTrue();
    assertThat(s.tracing()).isEqualTo(new Tracing(true, 12.5, Duration.ofMillis(1500), new Tracing.Tracer(
        Tracing.Kind.SKYWALKING, "skywalking-oap-server.op-system.svc.cluster.local", 11800, "secret-token")));
    assertThat(s.tracing().tracer().toString()).doesNotContain("secret-token");
    assertThat(s.https()).isEqualTo(HttpsSettings.DEFAULT);
  }

  @Test
  void aPartialSectionKeepsTheDefaultsOfTheFieldsItOmits() {
    GatewaySettings s = translate(config("gzip: {enable: true}\ndownstream: {http2: {maxConcurrentStreams: 7}}")).settings();
    assertThat(s.gzip()).isEqualTo(new Gzip(true, 1024, Gzip.DEFAULT_CONTENT_TYPES, true, 5, 12, 4096,
        Gzip.CompressionLevel.BEST_COMPRESSION, Gzip.CompressionStrategy.DEFAULT_STRATEGY));
    assertThat(s.downstream().http2()).isEqualTo(new Downstream.Http2(7, 65535, 1048576));
    assertThat(s.downstream().idleTimeout()).isEqualTo(Duration.ofSeconds(180));
  }

  @Test
  void zipkinAndOpenTelemetryTakeThePortAsTextToo() {
    Tracing z = translate(config("tracing: {enable: true, zipkin: {service: zipkin.op, port: \"9411\"}}")).settings().tracing();
    assertThat(z.tracer()).isEqualTo(new Tracing.Tracer(Tracing.Kind.ZIPKIN, "zipkin.op", 9411, ""));
    Tracing o = translate(config("tracing: {opentelemetry: {service: otel.op, port: 4317}}")).settings().tracing();
    assertThat(o.enable()).isFalse();
    assertThat(o.tracer()).isEqualTo(new Tracing.Tracer(Tracing.Kind.OPENTELEMETRY, "otel.op", 4317, ""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      gzip: {minContentLength: 0}                       | data.higress.gzip.minContentLength | 0 (expected: an integer from 1 to 2147483647)
      gzip: {minContentLength: -1}                      | data.higress.gzip.minContentLength | -1 (expected: an integer from 1 to 2147483647)
      gzip: {minContentLength: "100"}                   | data.higress.gzip.minContentLength | "100" (expected: an integer from 1 to 2147483647)
      gzip: {minContentLength: 1.5}                     | data.higress.gzip.minContentLength | 1.5 (expected: an integer from 1 to 2147483647)
      gzip: {enable: "yes"}                             | data.higress.gzip.enable           | "yes" (expected: true or false)
      gzip: {contentType: []}                           | data.higress.gzip.contentType      | [] (expected: at least one media type, e.g. text/html)
      gzip: {contentType: text/html}                    | data.higress.gzip.contentType      | "text/html" (expected: a list)
      gzip: {contentType: [text/html, [a]]}             | data.higress.gzip.contentType[1]   | a list (expected: a string)
      gzip: {memoryLevel: 0}                            | data.higress.gzip.memoryLevel      | 0 (expected: an integer from 1 to 9)
      gzip: {memoryLevel: 10}                           | data.higress.gzip.memoryLevel      | 10 (expected: an integer from 1 to 9)
      gzip: {windowBits: 8}                             | data.higress.gzip.windowBits       | 8 (expected: an integer from 9 to 15)
      gzip: {windowBits: 16}                            | data.higress.gzip.windowBits       | 16 (expected: an integer from 9 to 15)
      gzip: {chunkSize: 0}                              | data.higress.gzip.chunkSize        | 0 (expected: an integer from 1 to 65536)
      gzip: {chunkSize: 65537}                          | data.higress.gzip.chunkSize        | 65537 (expected: an integer from 1 to 65536)
      gzip: {disableOnEtagHeader: 1}                    | data.higress.gzip.disableOnEtagHeader | 1 (expected: true or false)
      gzip: {compressionLevel: best_compression}        | data.higress.gzip.compressionLevel | "best_compression" (expected: one of BEST_COMPRESSION, BEST_SPEED, COMPRESSION_LEVEL_1, COMPRESSION_LEVEL_2, COMPRESSION_LEVEL_3, COMPRESSION_LEVEL_4, COMPRESSION_LEVEL_5, COMPRESSION_LEVEL_6, COMPRESSION_LEVEL_7, COMPRESSION_LEVEL_8, COMPRESSION_LEVEL_9)
      gzip: {compressionStrategy: ZSTD}                 | data.higress.gzip.compressionStrategy | "ZSTD" (expected: one of DEFAULT_STRATEGY, FILTERED, HUFFMAN_ONLY, RLE, FIXED)
      gzip: true                                        | data.higress.gzip                  | true (expected: a mapping)
      downstream: {idleTimeout: -1}                     | data.higress.downstream.idleTimeout | -1 (expected: an integer from 0 to 4294967295)
      downstream: {idleTimeout: 4294967296}             | data.higress.downstream.idleTimeout | 4294967296 (expected: an integer from 0 to 4294967295)
      downstream: {idleTimeout: 180s}                   | data.higress.downstream.idleTimeout | "180s" (expected: an integer from 0 to 4294967295)
      downstream: {maxRequestHeadersKb: 8193}           | data.higress.downstream.maxRequestHeadersKb | 8193 (expected: an integer from 1 to 8192)
      downstream: {maxRequestHeadersKb: 0}              | data.higress.downstream.maxRequestHeadersKb | 0 (expected: an integer from 1 to 8192)
      downstream: {connectionBufferLimits: -5}          | data.higress.downstream.connectionBufferLimits | -5 (expected: an integer from 0 to 4294967295)
      downstream: {routeTimeout: x}                     | data.higress.downstream.routeTimeout | "x" (expected: an integer from 0 to 4294967295)
      downstream: {http2: {maxConcurrentStreams: 0}}    | data.higress.downstream.http2.maxConcurrentStreams | 0 (expected: an integer from 1 to 2147483647)
      downstream: {http2: {initialStreamWindowSize: 65534}} | data.higress.downstream.http2.initialStreamWindowSize | 65534 (expected: an integer from 65535 to 2147483647)
      downstream: {http2: {initialConnectionWindowSize: 2147483648}} | data.higress.downstream.http2.initialConnectionWindowSize | 2147483648 (expected: an integer from 65535 to 2147483647)
      downstream: {http2: []}                           | data.higress.downstream.http2      | a list (expected: a mapping)
      upstream: {idleTimeout: -1}                       | data.higress.upstream.idleTimeout  | -1 (expected: an integer from 0 to 4294967295)
      upstream: {connectionBufferLimits: 1000.0}        | data.higress.upstream.connectionBufferLimits | 1000.0 (expected: an integer from 0 to 4294967295)
      addXRealIpHeader: "true"                          | data.higress.addXRealIpHeader      | "true" (expected: true or false)
      disableXEnvoyHeaders: 0                           | data.higress.disableXEnvoyHeaders  | 0 (expected: true or false)
      tracing: {sampling: 100.5, zipkin: {service: z, port: 1}} | data.higress.tracing.sampling | 100.5 (expected: a number from 0 to 100)
      tracing: {sampling: -1, zipkin: {service: z, port: 1}}    | data.higress.tracing.sampling | -1 (expected: a number from 0 to 100)
      tracing: {timeout: 0, zipkin: {service: z, port: 1}}      | data.higress.tracing.timeout  | 0 (expected: an integer from 1 to 2147483647)
      tracing: {enable: true}                           | data.higress.tracing.enable        | true without a collector (expected: one of skywalking, zipkin, opentelemetry)
      tracing: {zipkin: {service: z, port: 1}, skywalking: {service: s, port: 2}} | data.higress.tracing | skywalking, zipkin are all set (expected: at most one of skywalking, zipkin, opentelemetry)
      tracing: {zipkin: {port: 9411}}                   | data.higress.tracing.zipkin.service | missing (expected: the collector's host name, e.g. zipkin.op-system.svc.cluster.local)
      tracing: {zipkin: {service: z}}                   | data.higress.tracing.zipkin.port   | missing (expected: the collector's port, 1 to 65535)
      tracing: {zipkin: {service: z, port: 70000}}      | data.higress.tracing.zipkin.port   | 70000 (expected: a port number from 1 to 65535)
      tracing: {opentelemetry: {service: z, port: grpc}} | data.higress.tracing.opentelemetry.port | "grpc" (expected: a port number from 1 to 65535)
      [1, 2]                                            | data.higress                       | [1,2] (expected: a YAML mapping)
      """)
  void invalidHigressConfigFieldIsAnErrorAndTheDefaultsApply(String yaml, String field, String message) {
    SettingsTranslator.Result r = translate(config(yaml));
    assertThat(r.problems()).extracting(Problem::severity, Problem::object, Problem::field, Problem::message)
        .containsExactly(tuple(Problem.Severity.ERROR, CONFIG_OBJECT, field, message));
    assertThat(r.problems().get(0).origin()).isEqualTo("test.yaml");
    assertThat(r.settings()).isEqualTo(GatewaySettings.DEFAULT);
  }

  @Test
  void oneBadFieldRejectsTheWholeConfigMapAndEveryBadFieldIsReported() {
    SettingsTranslator.Result r = translate(config("gzip: {enable: true, memoryLevel: 0, windowBits: 99}\naddXRealIpHeader: true"));
    assertThat(r.problems()).extracting(Problem::field)
        .containsExactly("data.higress.gzip.memoryLevel", "data.higress.gzip.windowBits");
    assertThat(r.settings().gzip().enable()).isFalse();
    assertThat(r.settings().addXRealIpHeader()).isFalse();
  }

  @Test
  void higressJsOwnDownstreamLimitKeys() {
    SettingsTranslator.Result r = translate(config("""
        downstream:
          maxHeadersCount: 20
          maxRequestLineKb: 4
          maxRequestsPerConnection: 3
          requestHeadersTimeout: 5
          streamIdleTimeout: 60
          requestTimeout: 0
          maxConnections: 1000
          maxConnectionsPerListener: 10
          floodPenaltySeconds: 30
          http2: {maxConcurrentStreams: 50, maxResetFramesPerWindow: 10, floodWindowSeconds: 2}
        """));
    assertThat(r.problems()).isEmpty();
    Downstream d = r.settings().downstream();
    assertThat(d.http2().maxConcurrentStreams()).isEqualTo(50);
    assertThat(d.limits()).containsExactlyInAnyOrderEntriesOf(java.util.Map.ofEntries(
        java.util.Map.entry("maxHeadersCount", 20L), java.util.Map.entry("maxRequestLineKb", 4L),
        java.util.Map.entry("maxRequestsPerConnection", 3L), java.util.Map.entry("requestHeadersTimeout", 5L),
        java.util.Map.entry("streamIdleTimeout", 60L), java.util.Map.entry("requestTimeout", 0L),
        java.util.Map.entry("maxConnections", 1000L), java.util.Map.entry("maxConnectionsPerListener", 10L),
        java.util.Map.entry("floodPenaltySeconds", 30L), java.util.Map.entry("http2.maxResetFramesPerWindow", 10L),
        java.util.Map.entry("http2.floodWindowSeconds", 2L)));
    assertThat(translate(config("downstream: {}")).settings().downstream().limits()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      downstream: {maxHeadersCount: 0}                   | data.higress.downstream.maxHeadersCount | 0 (expected: an integer from 1 to 10000)
      downstream: {maxRequestsPerConnection: -1}         | data.higress.downstream.maxRequestsPerConnection | -1 (expected: an integer from 0 to 2147483647)
      downstream: {requestTimeout: 5s}                   | data.higress.downstream.requestTimeout | "5s" (expected: an integer from 0 to 86400)
      downstream: {http2: {maxResetFramesPerWindow: 0}}  | data.higress.downstream.http2.maxResetFramesPerWindow | 0 (expected: an integer from 1 to 2147483647)
      """)
  void badLimitValuesNameTheConfigMapAndKey(String yaml, String field, String message) {
    SettingsTranslator.Result r = translate(config(yaml));
    assertThat(r.problems()).extracting(Problem::severity, Problem::object, Problem::field, Problem::message)
        .containsExactly(tuple(Problem.Severity.ERROR, CONFIG_OBJECT, field, message));
  }

  @Test
  void aConfigMapWithErrorsKeepsTheLastGoodSettings() {
    SettingsTranslator t = new SettingsTranslator();
    GatewaySettings good = t.update(set(config("downstream: {maxHeadersCount: 20, idleTimeout: 30}"))).settings();
    assertThat(good.downstream().limit("maxHeadersCount", -1)).isEqualTo(20);
    SettingsTranslator.Result bad = t.update(set(config("downstream: {maxHeadersCount: 0, idleTimeout: 5}")));
    assertThat(bad.problems()).extracting(Problem::object, Problem::field)
        .containsExactly(tuple(CONFIG_OBJECT, "data.higress.downstream.maxHeadersCount"));
    assertThat(bad.settings()).isEqualTo(good);
    // removing the ConfigMap is no error: the defaults apply
    assertThat(t.update(ResourceSet.empty()).settings()).isEqualTo(GatewaySettings.DEFAULT);
  }

  @Test
  void unknownFieldsAreWarningsAndTheRestApplies() {
    SettingsTranslator.Result r = translate(config("""
        gzip: {enable: true, level: 9}
        downstream: {idle: 1, http2: {maxStreams: 1}}
        upstream: {keepalive: true}
        tracing: {sample: 1, zipkin: {service: z, port: 1, path: /x}}
        gizp: {}
        mcpServer: {enable: true}
        """));
    assertThat(r.problems()).allMatch(p -> p.severity() == Problem.Severity.WARNING);
    assertThat(r.problems()).extracting(Problem::field, Problem::message).containsExactly(
        tuple("data.higress.gizp", "unknown field, ignored (expected: gzip, downstream, upstream, addXRealIpHeader,"
            + " disableXEnvoyHeaders, tracing)"),
        tuple("data.higress.mcpServer", "not supported by this gateway yet, ignored"),
        tuple("data.higress.gzip.level", "unknown field, ignored (expected: enable, minContentLength, contentType,"
            + " disableOnEtagHeader, memoryLevel, windowBits, chunkSize, compressionLevel, compressionStrategy)"),
        tuple("data.higress.downstream.idle", "unknown field, ignored (expected: idleTimeout, maxRequestHeadersKb,"
            + " connectionBufferLimits, http2, routeTimeout, maxHeadersCount, maxRequestLineKb, maxRequestsPerConnection,"
            + " requestHeadersTimeout, streamIdleTimeout, requestTimeout, maxConnections, maxConnectionsPerListener,"
            + " floodPenaltySeconds, mergeSlashes, pathWithEscapedSlashesAction)"),
        tuple("data.higress.downstream.http2.maxStreams", "unknown field, ignored (expected: maxConcurrentStreams,"
            + " initialStreamWindowSize, initialConnectionWindowSize, floodWindowSeconds, maxResetFramesPerWindow,"
            + " maxSettingsFramesPerWindow, maxPingFramesPerWindow, maxPriorityFramesPerWindow,"
            + " maxWindowUpdateFramesPerWindow, maxOtherFramesPerWindow, maxConsecutiveEmptyDataFrames,"
            + " maxSmallContinuationFrames)"),
        tuple("data.higress.upstream.keepalive", "unknown field, ignored (expected: idleTimeout, connectionBufferLimits)"),
        tuple("data.higress.tracing.sample", "unknown field, ignored (expected: enable, sampling, timeout, skywalking,"
            + " zipkin, opentelemetry)"),
        tuple("data.higress.tracing.zipkin.path", "unknown field, ignored (expected: service, port)"));
    assertThat(r.settings().gzip().enable()).isTrue();
    assertThat(r.settings().tracing().tracer().kind()).isEqualTo(Tracing.Kind.ZIPKIN);
  }

  @Test
  void contentTypeThatIsNoMediaTypeIsAWarning() {
    SettingsTranslator.Result r = translate(config("gzip: {enable: true, contentType: [json, text/html]}"));
    assertThat(r.problems()).extracting(Problem::severity, Problem::field, Problem::message).containsExactly(tuple(
        Problem.Severity.WARNING, "data.higress.gzip.contentType[0]",
        "\"json\" is not a media type (expected: type/subtype without parameters, e.g. application/json); it never matches"));
    assertThat(r.settings().gzip().contentType()).containsExactly("json", "text/html");
  }

  @Test
  void dataKeysOtherThanHigressAreWarningsExceptIstiosOwn() {
    SettingsTranslator.Result r = translate("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-config, namespace: higress-system}
        data:
          higress: "gzip: {enable: true}"
          mesh: "accessLogFile: /dev/stdout"
          meshNetworks: "networks: {}"
          gzip: "enable: true"
        """);
    assertThat(r.problems()).extracting(Problem::severity, Problem::field, Problem::message)
        .containsExactly(tuple(Problem.Severity.WARNING, "data.gzip", "unknown key, ignored (expected: higress)"));
    assertThat(r.settings().gzip().enable()).isTrue();
  }

  @Test
  void aValueThatIsNotYamlTextIsAnError() {
    Problem p = onlyProblem("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-config, namespace: higress-system}
        data:
          higress:
            gzip: {enable: true}
        """);
    assertThat(p.severity()).isEqualTo(Problem.Severity.ERROR);
    assertThat(p.field()).isEqualTo("data.higress");
    assertThat(p.message()).isEqualTo("a mapping (expected: a string holding YAML, e.g. \"higress: |\" followed by indented lines)");

    Problem syntax = onlyProblem(config("gzip:\n  enable: true\n enable: false"));
    assertThat(syntax.severity()).isEqualTo(Problem.Severity.ERROR);
    assertThat(syntax.field()).isEqualTo("data.higress");
    assertThat(syntax.message()).startsWith("not valid YAML: ").contains("(line 3, column");

    Problem duplicate = onlyProblem(config("gzip: {enable: true}\ngzip: {enable: false}"));
    assertThat(duplicate.message()).startsWith("not valid YAML: Duplicate field 'gzip'");
  }

  @Test
  void configMapsElsewhereAreNotSettings() {
    SettingsTranslator.Result r = translate(config("gzip: {enable: true}").replace("higress-system", "default"));
    assertThat(r.settings()).isEqualTo(GatewaySettings.DEFAULT);
    assertThat(r.problems()).isEmpty();
    assertThat(SettingsTranslator.isSettingsObject(new ResourceKey("", "ConfigMap", "higress-system", "higress-config"))).isTrue();
    assertThat(SettingsTranslator.isSettingsObject(new ResourceKey("", "ConfigMap", "higress-system", "higress-https"))).isTrue();
    assertThat(SettingsTranslator.isSettingsObject(new ResourceKey("", "ConfigMap", "default", "higress-config"))).isFalse();
    assertThat(SettingsTranslator.isSettingsObject(new ResourceKey("", "ConfigMap", "higress-system", "other"))).isFalse();
    assertThat(SettingsTranslator.isSettingsObject(new ResourceKey("", "Secret", "higress-system", "higress-https"))).isFalse();
  }

  // ---- higress-https -----------------------------------------------------------------------------

  /** The ConfigMap of the ConfigmapHttps conformance case. */
  static final String CONFORMANCE_HTTPS = """
      automaticHttps: true
      renewBeforeDays: 30
      fallbackForInvalidSecret: true
      acmeIssuer:
      - ak: test
        sk: test
        email: test@example.com
        name: letsencrypt
      credentialConfig:
      - cacertSecret: foo-com-ca-secret
        domains:
        - foo.com
        - '*.foo.com'
        tlsSecret: foo-com-secret
      version: test
      """;

  @Test
  void everyHigressHttpsField() {
    SettingsTranslator.Result r = translate(https(CONFORMANCE_HTTPS.replace("version: test", """
        - domains: [bar.com]
          tlsIssuer: letsencrypt
          tlsSecret: other-ns/bar-com
        version: test""")));
    assertThat(r.problems()).isEmpty();
    HttpsSettings h = r.settings().https();
    HttpsSettings.SecretRef foo = new HttpsSettings.SecretRef("higress-system", "foo-com-secret");
    assertThat(h).isEqualTo(new HttpsSettings(true, 30, true,
        List.of(new HttpsSettings.AcmeIssuer("letsencrypt", "test@example.com", "test", "test")),
        List.of(new HttpsSettings.Credential(List.of("foo.com", "*.foo.com"), "", foo,
                new HttpsSettings.SecretRef("higress-system", "foo-com-ca-secret")),
            new HttpsSettings.Credential(List.of("bar.com"), "letsencrypt", new HttpsSettings.SecretRef("other-ns", "bar-com"), null)),
        "test"));
    assertThat(h.acmeIssuer().get(0)).hasToString("AcmeIssuer[letsencrypt test@example.com]"); // no keys
    assertThat(r.settings().gzip()).isEqualTo(Gzip.DEFAULT);
  }

  @Test
  void secretForFollowsIstioHostSubsets() {
    HttpsSettings h = translate(https(CONFORMANCE_HTTPS)).settings().https();
    assertThat(h.secretFor("foo.com")).hasToString("higress-system/foo-com-secret");
    assertThat(h.secretFor("a.foo.com")).hasToString("higress-system/foo-com-secret");
    assertThat(h.secretFor("A.B.Foo.Com")).hasToString("higress-system/foo-com-secret");
    assertThat(h.secretFor("*.foo.com")).hasToString("higress-system/foo-com-secret");
    assertThat(h.secretFor("*.a.foo.com")).hasToString("higress-system/foo-com-secret");
    assertThat(h.secretFor("xfoo.com")).isNull();
    assertThat(h.secretFor("bar.com")).isNull();
    assertThat(h.secretFor("*.com")).isNull();
    assertThat(HttpsSettings.covers("*", "anything.example")).isTrue();
    assertThat(HttpsSettings.covers("foo.com", "*.foo.com")).isFalse();
  }

  @Test
  void firstMatchingCredentialWins() {
    HttpsSettings h = translate(https("""
        automaticHttps: false
        credentialConfig:
        - {domains: [a.foo.com], tlsSecret: exact}
        - {domains: ["*.foo.com"], tlsSecret: wildcard}
        """)).settings().https();
    assertThat(h.secretFor("a.foo.com").name()).isEqualTo("exact");
    assertThat(h.secretFor("b.foo.com").name()).isEqualTo("wildcard");
    assertThat(h.acmeIssuer()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      automaticHttps: false\\nrenewBeforeDays: 0                 | data.cert.renewBeforeDays | 0 (expected: an integer from 1 to 89)
      automaticHttps: false\\nrenewBeforeDays: 90                | data.cert.renewBeforeDays | 90 (expected: an integer from 1 to 89)
      automaticHttps: yes please\\nacmeIssuer: [{name: letsencrypt, email: a@b.co}] | data.cert.automaticHttps | "yes please" (expected: true or false)
      automaticHttps: false\\nfallbackForInvalidSecret: 1         | data.cert.fallbackForInvalidSecret | 1 (expected: true or false)
      renewBeforeDays: 30                                        | data.cert.acmeIssuer | missing (expected: at least one issuer, e.g. {name: letsencrypt, email: ...}, while automaticHttps is true)
      acmeIssuer: []                                             | data.cert.acmeIssuer | [] (expected: at least one issuer, e.g. {name: letsencrypt, email: ...}, while automaticHttps is true)
      acmeIssuer: [{name: letsencrypt}]                          | data.cert.acmeIssuer[0].email | missing (expected: the account's e-mail address; letsencrypt requires one)
      acmeIssuer: [{name: letsencrypt, email: nobody}]           | data.cert.acmeIssuer[0].email | "nobody" (expected: an e-mail address)
      acmeIssuer: [{name: zerossl, email: a@b.c}]                | data.cert.acmeIssuer[0].name | "zerossl" (expected: letsencrypt or aliyunssl)
      acmeIssuer: [{email: a@b.c}]                               | data.cert.acmeIssuer[0].name | missing (expected: letsencrypt or aliyunssl)
      acmeIssuer: [{name: aliyunssl, ak: x}]                     | data.cert.acmeIssuer[0] | ak and sk missing (expected: the access key of the aliyunssl account)
      acmeIssuer: [letsencrypt]                                  | data.cert.acmeIssuer[0] | "letsencrypt" (expected: a mapping with name and email)
      acmeIssuer: {name: letsencrypt}                            | data.cert.acmeIssuer | a mapping (expected: a list)
      automaticHttps: false\\ncredentialConfig: [{tlsSecret: s}]  | data.cert.credentialConfig[0].domains | missing (expected: at least one domain, e.g. foo.com or *.foo.com)
      automaticHttps: false\\ncredentialConfig: [{domains: [], tlsSecret: s}] | data.cert.credentialConfig[0].domains | [] (expected: at least one domain, e.g. foo.com or *.foo.com)
      automaticHttps: false\\ncredentialConfig: [{domains: [foo.*], tlsSecret: s}] | data.cert.credentialConfig[0].domains[0] | "foo.*" (expected: a host name or a *.suffix wildcard)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com]}] | data.cert.credentialConfig[0].tlsSecret | missing (expected: a Secret name, or namespace/name)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com], tlsSecret: a/b/c}] | data.cert.credentialConfig[0].tlsSecret | "a/b/c" (expected: a Secret name, or namespace/name, in lower case)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com], tlsSecret: Foo}] | data.cert.credentialConfig[0].tlsSecret | "Foo" (expected: a Secret name, or namespace/name, in lower case)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com], tlsSecret: s, cacertSecret: /ca}] | data.cert.credentialConfig[0].cacertSecret | "/ca" (expected: a Secret name, or namespace/name, in lower case)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com], tlsSecret: s, tlsIssuer: zerossl}] | data.cert.credentialConfig[0].tlsIssuer | "zerossl" (expected: letsencrypt, or no tlsIssuer for a certificate managed by hand)
      automaticHttps: false\\ncredentialConfig: [{domains: ["*.a.com"], tlsSecret: s, tlsIssuer: letsencrypt}] | data.cert.credentialConfig[0].domains | [*.a.com] (expected: exactly one domain, not a wildcard, with tlsIssuer letsencrypt)
      automaticHttps: false\\ncredentialConfig: [{domains: [a.com, b.com], tlsSecret: s, tlsIssuer: letsencrypt}] | data.cert.credentialConfig[0].domains | [a.com, b.com] (expected: exactly one domain, not a wildcard, with tlsIssuer letsencrypt)
      automaticHttps: false\\ncredentialConfig: a.com            | data.cert.credentialConfig | "a.com" (expected: a list)
      automaticHttps: false\\nversion: [1]                        | data.cert.version | a list (expected: a string)
      """)
  void invalidHigressHttpsFieldIsAnErrorAndTheDefaultsApply(String yaml, String field, String message) {
    SettingsTranslator.Result r = translate(https(yaml.replace("\\n", "\n")));
    assertThat(r.problems()).extracting(Problem::severity, Problem::object, Problem::field, Problem::message)
        .containsExactly(tuple(Problem.Severity.ERROR, HTTPS_OBJECT, field, message));
    assertThat(r.settings().https()).isEqualTo(HttpsSettings.DEFAULT);
  }

  @Test
  void httpsUnknownFieldsAndKeysAreWarnings() {
    SettingsTranslator.Result r = translate("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: higress-https, namespace: higress-system}
        data:
          cert: |
            automaticHttps: false
            fallbackForInvalidSecret: true
            fallback: true
            credentialConfig:
            - {domains: [a.com], tlsSecret: s, secret: t}
          certs: "x"
        """);
    assertThat(r.problems()).extracting(Problem::severity, Problem::field).containsExactly(
        tuple(Problem.Severity.WARNING, "data.certs"),
        tuple(Problem.Severity.WARNING, "data.cert.fallback"),
        tuple(Problem.Severity.WARNING, "data.cert.credentialConfig[0].secret"));
    assertThat(r.settings().https().fallbackForInvalidSecret()).isTrue();
  }

  @Test
  void httpsConfigMapWithoutCertKeyIsAWarning() {
    Problem p = onlyProblem("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: higress-https, namespace: higress-system}\ndata: {}\n");
    assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
    assertThat(p.field()).isEqualTo("data.cert");
    assertThat(p.message()).isEqualTo("missing; the defaults apply");
  }

  @Test
  void eachConfigMapIsRejectedOnItsOwn() {
    SettingsTranslator.Result r = translate(config("gzip: {enable: true}") + "---\n" + https("renewBeforeDays: 0"));
    assertThat(r.problems()).extracting(Problem::object).containsExactly(HTTPS_OBJECT, HTTPS_OBJECT);
    assertThat(r.settings().gzip().enable()).isTrue();
    assertThat(r.settings().https()).isEqualTo(HttpsSettings.DEFAULT);
  }

  // ---- incremental and dump -------------------------------------------------------------------------

  @Test
  void readsAConfigMapAgainOnlyWhenItChanged() {
    SettingsTranslator t = new SettingsTranslator();
    ResourceSet one = set(config("gzip: {enable: true}") + "---\n" + https(CONFORMANCE_HTTPS));
    SettingsTranslator.Result first = t.update(one);
    assertThat(t.update(one)).isSameAs(first);
    ResourceSet other = set(config("gzip: {enable: false}"));
    SettingsTranslator.Result second = t.update(other);
    assertThat(second.settings().gzip().enable()).isFalse();
    assertThat(second.settings().https()).isEqualTo(HttpsSettings.DEFAULT);
    assertThat(second).isEqualTo(SettingsTranslator.translate(other));
    assertThat(t.update(ResourceSet.empty()).settings()).isEqualTo(GatewaySettings.DEFAULT);
  }

  @Test
  void dumpUsesTheConfigMapNamesAndHidesSecrets() {
    GatewaySettings s = translate(config("tracing: {skywalking: {service: sw, port: 11800, access_token: s3cr3t}}")
        + "---\n" + https(CONFORMANCE_HTTPS)).settings();
    ObjectNode json = SettingsDump.toJson(s);
    assertThat(json.toString()).doesNotContain("s3cr3t");
    assertThat(json.at("/https/acmeIssuer/0/ak").asText()).isEqualTo("<redacted>");
    assertThat(json.at("/gzip/enable").asBoolean()).isFalse();
    assertThat(json.at("/gzip/compressionLevel").asText()).isEqualTo("BEST_COMPRESSION");
    assertThat(json.at("/downstream/idleTimeout").asLong()).isEqualTo(180);
    assertThat(json.at("/downstream/http2/initialConnectionWindowSize").asLong()).isEqualTo(1048576);
    assertThat(json.at("/upstream/connectionBufferLimits").asLong()).isEqualTo(10485760);
    assertThat(json.at("/tracing/timeout").asLong()).isEqualTo(500);
    assertThat(json.at("/tracing/skywalking/port").asInt()).isEqualTo(11800);
    assertThat(json.at("/tracing/skywalking/access_token").asText()).isEqualTo("<redacted>");
    assertThat(json.at("/https/acmeIssuer/0/sk").asText()).isEqualTo("<redacted>");
    assertThat(json.at("/https/acmeIssuer/0/email").asText()).isEqualTo("test@example.com");
    assertThat(json.at("/https/credentialConfig/0/tlsSecret").asText()).isEqualTo("higress-system/foo-com-secret");
    assertThat(json.at("/https/credentialConfig/0/domains/1").asText()).isEqualTo("*.foo.com");
    assertThat(json.at("/https/fallbackForInvalidSecret").asBoolean()).isTrue();
  }
}
