package io.higressj.config.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact field map behaves as the insertion-ordered map Jackson would otherwise use. */
class FieldMapTest {
  @Test
  void randomOperationsMatchALinkedHashMap() {
    Random rnd = new Random(7);
    for (int round = 0; round < 200; round++) {
      FieldMap compact = new FieldMap();
      Map<String, JsonNode> reference = new LinkedHashMap<>();
      for (int op = 0; op < 60; op++) {
        String key = new String("k" + rnd.nextInt(12)); // a fresh String: equality, not identity, must decide
        switch (rnd.nextInt(4)) {
          case 0, 1 -> assertThat(compact.put(key, IntNode.valueOf(op))).isEqualTo(reference.put(key, IntNode.valueOf(op)));
          case 2 -> assertThat(compact.remove(key)).isEqualTo(reference.remove(key));
          default -> {
            Iterator<Map.Entry<String, JsonNode>> it = compact.entrySet().iterator();
            Iterator<Map.Entry<String, JsonNode>> ref = reference.entrySet().iterator();
            while (it.hasNext()) {
              Map.Entry<String, JsonNode> e = it.next();
              Map.Entry<String, JsonNode> r = ref.next();
              assertThat(e).isEqualTo(r);
              if (e.getKey().equals(key)) {
                it.remove();
                ref.remove();
              }
            }
            assertThat(ref.hasNext()).isFalse();
          }
        }
        assertThat(compact).isEqualTo(reference).hasSameHashCodeAs(reference);
        assertThat(compact.keySet()).containsExactlyElementsOf(reference.keySet());
        assertThat(compact.get(key)).isEqualTo(reference.get(key));
        assertThat(compact.containsKey(key)).isEqualTo(reference.containsKey(key));
      }
    }
  }

  @Test
  void entriesWriteThroughAndIteratorsFailFast() {
    FieldMap m = new FieldMap(1);
    m.put("a", TextNode.valueOf("1"));
    m.put("b", TextNode.valueOf("2"));
    Map.Entry<String, JsonNode> first = m.entrySet().iterator().next();
    first.setValue(TextNode.valueOf("x"));
    assertThat(m.get("a")).isEqualTo(TextNode.valueOf("x"));
    Iterator<String> keys = m.keySet().iterator();
    keys.next();
    m.put("c", TextNode.valueOf("3"));
    assertThatThrownBy(keys::next).isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(() -> m.put(null, TextNode.valueOf("n"))).isInstanceOf(NullPointerException.class);
    m.clear();
    assertThat(m).isEmpty();
  }

  @Test
  void objectNodesOverEitherMapAreEqualAndMutable() {
    ObjectNode compact = new ObjectNode(JsonNodeFactory.instance, new FieldMap());
    ObjectNode plain = JsonNodeFactory.instance.objectNode();
    for (ObjectNode o : new ObjectNode[] {compact, plain}) {
      o.put("name", "web").put("port", 80).putObject("labels").put("app", "web");
      o.remove("port");
      o.put("port", 8080);
    }
    assertThat(compact).isEqualTo(plain);
    assertThat(plain).isEqualTo(compact);
    assertThat(compact.toString()).isEqualTo(plain.toString());
    assertThat(compact.deepCopy()).isEqualTo(plain);
  }

  @Test
  void theReaderSharesRepeatedNamesAndValues() {
    String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: prod\n";
    JsonNode one = BlockYaml.read(yaml).get(0);
    JsonNode two = BlockYaml.read(new String(yaml)).get(0);
    assertThat(one).isEqualTo(two);
    assertThat(one.get("kind")).isSameAs(two.get("kind"));
    assertThat(one.fieldNames().next()).isSameAs(two.fieldNames().next());
    assertThat(one.get("metadata").get("namespace").textValue()).isSameAs(two.get("metadata").get("namespace").textValue());
  }
}
