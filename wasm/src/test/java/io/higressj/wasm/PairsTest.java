package io.higressj.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairsTest {
  @Test
  void encodesAsTheAbiSays() {
    byte[] b = Pairs.encode(List.of(Map.entry("a", "bc")));
    assertThat(b).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 'a', 0, 'b', 'c', 0);
    assertThat(Pairs.decode(b)).containsExactly(Map.entry("a", "bc"));
  }

  @Test
  void rejectsGarbage() {
    assertThat(Pairs.decode(new byte[] {9, 0, 0, 0, 1})).isNull();
    assertThat(Pairs.decode(new byte[0])).isEmpty();
  }

  @Test
  void propertyPaths() {
    assertThat(Properties.split("request\0url_path".getBytes())).containsExactly("request", "url_path");
    assertThat(Properties.split("request.path".getBytes())).containsExactly("request", "path");
    assertThat(Properties.split("route_name\0".getBytes())).containsExactly("route_name");
  }
}
