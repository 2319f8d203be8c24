package io.higressj.conformance.corpus;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A case read from its directory.
 *
 * @param spec the parsed {@code case.yaml}
 * @param rawAssertions the {@code assertions} entries as read, to bind again with variables substituted
 * @param objects the documents of {@code manifests}, in apply order
 */
public record Case(Corpus corpus, Path dir, CaseSpec spec, List<JsonNode> rawAssertions, List<ObjectNode> objects) {
  public Case {
    requireNonNull(corpus, "corpus");
    requireNonNull(spec, "spec");
    rawAssertions = List.copyOf(rawAssertions);
    objects = List.copyOf(objects);
    if (rawAssertions.size() != spec.assertions().size()) {
      throw new IllegalArgumentException("rawAssertions: " + rawAssertions.size() + " (expected: " + spec.assertions().size() + ")");
    }
  }

  public String name() {
    return spec.name();
  }

  /**
   * Entry {@code index} with every placeholder replaced: {@code replacements} maps the literal text
   * ({@code ${id}}, {@code {GATEWAY_CONTROLLER_NAME}}) to its value, in every text value of the entry.
   */
  public Entry entry(int index, Map<String, String> replacements) {
    JsonNode raw = rawAssertions.get(index);
    if (replacements.isEmpty() || !Placeholders.contains(raw, replacements.keySet())) return spec.assertions().get(index);
    return CorpusReader.bindEntry(Placeholders.substitute(raw, replacements), name() + "/case.yaml: assertions[" + index + "]");
  }
}
