package io.higressj.conformance.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStandInsTest {
  /** the shape of the Higress corpus's _base/manifests/opa.yaml */
  static final String BASE = """
      apiVersion: v1
      kind: Service
      metadata: {name: opa, namespace: higress-conformance-app-backend}
      spec:
        selector: {app: opa}
        ports: [{protocol: TCP, port: 8181, targetPort: 8181}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: curl-opa, namespace: higress-conformance-app-backend}
      spec:
        containers:
          - name: opa-test
            image: curlimages/curl:latest
            command:
              - sh
              - -c
              - |
                curl -X PUT 'http://opa:8181/v1/policies/example1' \\
                  -H 'Content-Type: text/plain' \\
                  -d 'package example1
                  import input.request
                  default allow = false
                  allow {
                  # HTTP method must GET
                  request.method == "GET"
                  }'
      """;

  static List<ObjectNode> objects(String yaml) throws Exception {
    List<ObjectNode> out = new ArrayList<>();
    var it = new YAMLMapper().readerFor(ObjectNode.class).readValues(yaml);
    while (it.hasNext()) out.add((ObjectNode) it.next());
    return out;
  }

  @Test
  void servesTheBasePoliciesBehindTheOpaService() throws Exception {
    try (ServiceStandIns s = ServiceStandIns.start(objects(BASE))) {
      assertThat(s.serviceKeys()).containsExactly("higress-conformance-app-backend/opa");
      List<ObjectNode> objects = s.objects();
      assertThat(objects).extracting(o -> o.path("kind").asText()).containsExactly("Service", "Endpoints");
      assertThat(objects.get(0).path("spec").path("ports").path(0).path("port").asInt()).isEqualTo(8181);
      int local = objects.get(1).path("subsets").path(0).path("ports").path(0).path("port").asInt();
      HttpClient client = HttpClient.newHttpClient();
      for (String[] t : new String[][] {{"GET", "true"}, {"POST", "false"}}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/v1/data/example1/allow"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"request\":{\"method\":\"" + t[0] + "\"}}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("{\"result\":" + t[1] + "}");
      }
    }
  }

  @Test
  void aPolicyOutsideTheSubsetStopsTheRun() throws Exception {
    String bad = BASE.replace("request.method == \"GET\"", "startswith(request.path, \"/a\")");
    assertThatIllegalArgumentException().isThrownBy(() -> ServiceStandIns.start(objects(bad)))
        .withMessageContaining("OPA stand-in").withMessageContaining("outside the supported Rego subset");
  }

  @Test
  void nothingWithoutAnOpaService() throws Exception {
    try (ServiceStandIns s = ServiceStandIns.start(objects(BASE.replace("name: opa,", "name: other,")))) {
      assertThat(s.objects()).isEmpty();
    }
  }
}
