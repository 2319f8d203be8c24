package io.higressj.conformance.run;

import io.higressj.conformance.corpus.CaseSpec.VariableSpec;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The values of a case's variables (FORMAT.md section 5), as the text each {@code ${name}} is
 * replaced with, plus fixed placeholders such as {@code {GATEWAY_CONTROLLER_NAME}}. Values are made
 * when the case starts; {@code perAttempt} and {@code perDistributionAttempt} ones again on demand.
 */
final class Variables {
  private final Map<String, VariableSpec> specs;
  private final Map<String, String> constants;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final SecureRandom random;

  Variables(Map<String, VariableSpec> specs, Map<String, String> constants, SecureRandom random) {
    this.specs = specs;
    this.constants = constants;
    this.random = random;
    specs.forEach((name, spec) -> values.put(name, generate(spec)));
  }

  /** New values for the variables that {@code which} selects. */
  synchronized void regenerate(Predicate<VariableSpec> which) {
    specs.forEach((name, spec) -> {
      if (which.test(spec)) values.put(name, generate(spec));
    });
  }

  /** Placeholder text to value: {@code ${name}} for each variable, and the constants. */
  synchronized Map<String, String> replacements() {
    Map<String, String> out = new LinkedHashMap<>(constants);
    values.forEach((name, value) -> out.put("${" + name + "}", value));
    return out;
  }

  private String generate(VariableSpec spec) {
    if (spec.random() != null) {
      byte[] bytes = new byte[spec.bytes()];
      random.nextBytes(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    return UUID.randomUUID().toString();
  }
}
