package io.higressj.bench;

import io.higressj.config.resource.Problem;
import io.higressj.config.resource.Resource;
import io.higressj.config.resource.ResourceSet;
import io.higressj.config.source.YamlResources;
import java.util.ArrayList;
import java.util.List;

/** The objects {@link GenerateIngresses} writes, parsed in memory: for benchmarks that need no files. */
final class InMemoryConfig {
  private InMemoryConfig() {}

  static ResourceSet resources(GenerateIngresses gen, String tag) {
    List<Resource> all = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < gen.spec().ingresses(); i++) {
      add(YamlResources.parse(gen.ingressYaml(i, tag), "ingress-" + i), all, problems);
      add(YamlResources.parse(gen.serviceYaml(i), "service-" + i), all, problems);
      add(YamlResources.parse(gen.endpointsYaml(i), "endpoints-" + i), all, problems);
      String secret = gen.secretYaml(i);
      if (secret != null) add(YamlResources.parse(secret, "secret-" + i), all, problems);
    }
    if (!problems.isEmpty()) throw new IllegalStateException("generated objects have problems: " + problems);
    return ResourceSet.of(all, List.of());
  }

  static Resource ingress(GenerateIngresses gen, int i, String tag) {
    return YamlResources.parse(gen.ingressYaml(i, tag), "ingress-" + i).resources().get(0);
  }

  private static void add(YamlResources.Parsed p, List<Resource> all, List<Problem> problems) {
    all.addAll(p.resources());
    problems.addAll(p.problems());
  }
}
