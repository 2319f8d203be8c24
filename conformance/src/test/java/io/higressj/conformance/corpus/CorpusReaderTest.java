package io.higressj.conformance.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {
  @TempDir
  Path root;

  private void write(String file, String text) throws IOException {
    Path p = root.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private Corpus corpus(String caseName, String caseYaml) throws IOException {
    write("_base/base.yaml", """
        name: _base
        echoBackends:
        - {service: b, namespace: ns, kind: echo-server}
        """);
    write(caseName + "/case.yaml", caseYaml);
    return CorpusReader.read(root);
  }

  @Test
  void readsCasesInNameOrderAndSkipsUnderscoreDirectories() throws IOException {
    write("_base/base.yaml", "name: _base\n");
    write("Zed/case.yaml", "name: Zed\n");
    write("Alpha/case.yaml", "name: Alpha\n");
    write("_helpers/case.yaml", "name: _helpers\n");
    Corpus c = CorpusReader.read(root);
    assertThat(c.caseNames()).containsExactly("Alpha", "Zed");
    assertThat(c.base().defaults()).isEqualTo(BaseSpec.Defaults.FORMAT);
  }

  @Test
  void aMissingFieldIsNamedWithItsPath() throws IOException {
    Corpus c = corpus("Bad", """
        name: Bad
        assertions:
        - name: one
          request: {path: /x}
          expect: {response: {status: 200}}
        """);
    assertThatThrownBy(() -> CorpusReader.readCase(c, "Bad"))
        .isInstanceOf(CorpusException.class)
        .hasMessage("Bad/case.yaml: assertions[0].request.method: missing");
  }

  @Test
  void anUnknownExpectationIsAnErrorNotIgnored() throws IOException {
    Corpus c = corpus("Unknown", """
        name: Unknown
        assertions:
        - name: one
          request: {method: GET, path: /x}
          expect: {response: {status: 200}, teleport: true}
        """);
    assertThatThrownBy(() -> CorpusReader.readCase(c, "Unknown"))
        .hasMessageStartingWith("Unknown/case.yaml: assertions[0].expect.teleport: unknown field (expected one of [");
  }

  @Test
  void anEntryNeedsExactlyOneKind() throws IOException {
    Corpus c = corpus("Two", """
        name: Two
        assertions:
        - name: one
          request: {method: GET, path: /x}
          load: {request: {method: GET, path: /x}}
          expect: {response: {status: 200}}
        """);
    assertThatThrownBy(() -> CorpusReader.readCase(c, "Two"))
        .hasMessageContaining("assertions[0]: several of [request, load]");
  }

  @Test
  void theCaseNameMustBeTheDirectoryName() throws IOException {
    Corpus c = corpus("Dir", "name: Other\n");
    assertThatThrownBy(() -> CorpusReader.readCase(c, "Dir")).hasMessageContaining("name: \"Other\" (expected: the directory name \"Dir\")");
  }

  @Test
  void headersAcceptAStringOrAListAndStatusAnIntAListOrAny() throws IOException {
    Corpus c = corpus("Shapes", """
        name: Shapes
        description: {x: a mapping is tolerated}
        assertions:
        - name: one
          request:
            method: GET
            path: /x
            headers: {X-One: a, X-Two: [b, c]}
          expect:
            status: [200, 204]
            redirect: {scheme: http, port: ''}
        - name: two
          request: {method: GET, path: /y}
          expect: {status: any}
        - name: three
          request: {method: GET, path: /z}
          expect: {response: {status: 302}, redirect: {scheme: https, port: ['', '443']}}
        """);
    Case k = CorpusReader.readCase(c, "Shapes");
    Entry one = k.spec().assertions().get(0);
    assertThat(one.request().headers()).containsExactly(Map.entry("X-One", java.util.List.of("a")), Map.entry("X-Two", java.util.List.of("b", "c")));
    assertThat(one.expect().expectedStatus().matches(204)).isTrue();
    assertThat(one.expect().expectedStatus().matches(404)).isFalse();
    assertThat(one.expect().redirect().port()).containsExactly("");
    assertThat(k.spec().assertions().get(1).expect().expectedStatus().any()).isTrue();
    assertThat(k.spec().assertions().get(2).expect().expectedStatus()).isEqualTo(Expect.ExpectedStatus.of(302));
    assertThat(k.spec().assertions().get(2).expect().redirect().port()).containsExactly("", "443");
  }

  @Test
  void wordsLikeYesStayText() throws IOException {
    Corpus c = corpus("Words", """
        name: Words
        assertions:
        - name: one
          request: {method: GET, path: /x, headers: {X-Flag: yes, X-Other: on}}
          expect: {response: {status: 200}}
        """);
    Entry e = CorpusReader.readCase(c, "Words").spec().assertions().get(0);
    assertThat(e.request().headers().get("X-Flag")).containsExactly("yes");
    assertThat(e.request().headers().get("X-Other")).containsExactly("on");
  }

  @Test
  void placeholdersAreReplacedWhenAnEntryIsBoundAgain() throws IOException {
    Corpus c = corpus("Vars", """
        name: Vars
        variables:
          id: {uuid: true}
        assertions:
        - name: one
          request: {method: GET, path: '/x?id=${id}'}
          expect: {response: {status: 200}, request: {method: GET, path: '/x?id=${id}'}}
        """);
    Case k = CorpusReader.readCase(c, "Vars");
    Entry e = k.entry(0, Map.of("${id}", "abc"));
    assertThat(e.request().path()).isEqualTo("/x?id=abc");
    assertThat(e.expect().request().path()).isEqualTo("/x?id=abc");
    assertThat(k.entry(0, Map.of("${other}", "z"))).isSameAs(k.spec().assertions().get(0));
  }

  @Test
  void manifestsSkipEmptyDocumentsAndRequireIdentity() throws IOException {
    write("m.yaml", """
        # comment
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
        ---
        ---
        """);
    assertThat(CorpusReader.readManifests(root.resolve("m.yaml"), root)).hasSize(1);
    write("bad.yaml", "apiVersion: v1\nmetadata: {name: s}\n");
    assertThatThrownBy(() -> CorpusReader.readManifests(root.resolve("bad.yaml"), root)).hasMessage("bad.yaml: document 1: kind: missing");
  }

  @Test
  void aVariableNeedsAKnownGenerator() {
    assertThatThrownBy(() -> new CaseSpec.VariableSpec("hex", 4, null, null, null)).hasMessage("random: \"hex\" (expected: base64)");
    assertThatThrownBy(() -> new CaseSpec.VariableSpec(null, null, true, "sometimes", null))
        .hasMessageStartingWith("regenerate: \"sometimes\"");
  }
}
