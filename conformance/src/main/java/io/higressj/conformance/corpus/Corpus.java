package io.higressj.conformance.corpus;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A corpus directory: its base and the names of its cases (read one by one with
 * {@link CorpusReader#readCase}, so that one broken case does not stop a run).
 *
 * @param name the directory's name, e.g. {@code higress} or {@code gateway-api}
 * @param baseObjects the documents of {@code _base/manifests}, in order
 * @param caseNames sorted
 */
public record Corpus(Path root, String name, BaseSpec base, List<ObjectNode> baseObjects, List<String> caseNames) {
  public Corpus {
    requireNonNull(root, "root");
    requireNonNull(name, "name");
    requireNonNull(base, "base");
    baseObjects = List.copyOf(baseObjects);
    caseNames = List.copyOf(caseNames);
  }
}
