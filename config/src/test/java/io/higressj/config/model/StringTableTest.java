package io.higressj.config.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing table behind the host and path lookups, probed with regions of a request string. */
class StringTableTest {
  /** A built table with its key string, probed the way its owners probe it. */
  record Built(StringTable table, String keys) {
    int get(String s) {
      return get(s, 0, s.length(), Integer.MAX_VALUE);
    }

    int get(String s, int from, int len, int bound) {
      int slot = StringTable.find(table.slots(), table.shift(), keys, s, from, len, s.substring(from, from + len).hashCode(), bound);
      return slot == StringTable.NONE ? -1 : StringTable.value(table.slots(), slot);
    }
  }

  static Built build(List<String> keys) {
    StringTable.Keys k = new StringTable.Keys();
    StringTable.Builder b = StringTable.builder(keys.size(), k);
    for (int i = 0; i < keys.size(); i++) b.putIfAbsent(keys.get(i), i);
    return new Built(b.build(), k.build());
  }

  /** 2^n distinct strings with the same String.hashCode ("Aa" and "BB" hash alike). */
  static List<String> colliding(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int bits = 0; bits < 1 << n; bits++) {
      StringBuilder b = new StringBuilder(prefix);
      for (int i = 0; i < n; i++) b.append((bits >> i & 1) == 0 ? "Aa" : "BB");
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void emptyTableFindsNothing() {
    Built t = build(List.of());
    assertThat(t.table().size()).isZero();
    assertThat(t.get("")).isEqualTo(-1);
    assertThat(t.get("/a")).isEqualTo(-1);
  }

  @Test
  void keysWithTheSameHashAreToldApartByTheirText() {
    List<String> keys = colliding("/", 5); // 32 keys, one hash: one long probe run that wraps around the table
    assertThat(keys.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    Built t = build(keys);
    for (int i = 0; i < keys.size(); i++) assertThat(t.get(keys.get(i))).as(keys.get(i)).isEqualTo(i);
    for (String absent : colliding("/x", 5)) assertThat(t.get(absent)).isEqualTo(-1);
    for (String absent : colliding("/", 6)) assertThat(t.get(absent)).as("longer ones of the same family").isEqualTo(-1);
  }

  @Test
  void probesWithARegionOfALongerString() {
    Built t = build(List.of("/api", "/api/v1", ".example.com", "/"));
    String path = "/api/v1/users";
    assertThat(t.get(path, 0, 4, Integer.MAX_VALUE)).isEqualTo(0);
    assertThat(t.get(path, 0, 7, Integer.MAX_VALUE)).isEqualTo(1);
    assertThat(t.get(path, 0, 5, Integer.MAX_VALUE)).isEqualTo(-1);
    assertThat(t.get(path, 0, 1, Integer.MAX_VALUE)).isEqualTo(3);
    String host = "a.b.example.com";
    assertThat(t.get(host, 3, host.length() - 3, Integer.MAX_VALUE)).isEqualTo(2);
    assertThat(t.get(host, 1, host.length() - 1, Integer.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void entriesAtOrAboveTheBoundArePassedOver() {
    List<String> keys = colliding("/", 3);
    Built t = build(keys);
    assertThat(t.get(keys.get(5), 0, keys.get(5).length(), 6)).isEqualTo(5);
    assertThat(t.get(keys.get(5), 0, keys.get(5).length(), 5)).isEqualTo(-1);
    assertThat(t.get(keys.get(0), 0, keys.get(0).length(), 1)).isEqualTo(0);
    assertThat(t.get(keys.get(0), 0, keys.get(0).length(), 0)).isEqualTo(-1);
  }

  @Test
  void theFirstValuePutStays() {
    StringTable.Keys k = new StringTable.Keys();
    StringTable.Builder b = StringTable.builder(3, k);
    int slot = b.putIfAbsent("/a", 7);
    assertThat(slot).isNotEqualTo(StringTable.NONE);
    assertThat(b.putIfAbsent("/a", 8)).isEqualTo(StringTable.NONE);
    assertThat(b.putIfAbsent("/b", 9)).isNotEqualTo(slot);
    Built t = new Built(b.build(), k.build());
    assertThat(t.get("/a")).isEqualTo(7);
    assertThat(t.table().size()).isEqualTo(2);
    assertThat(t.keys()).isEqualTo("/a/b");
    assertThat(b.slotCount()).isGreaterThanOrEqualTo(2 * 3);
  }

  @Test
  void tablesShareOneKeyString() {
    StringTable.Keys k = new StringTable.Keys();
    StringTable.Builder a = StringTable.builder(2, k);
    StringTable.Builder b = StringTable.builder(2, k);
    a.putIfAbsent("/same", 0);
    b.putIfAbsent("/same", 1);
    b.putIfAbsent("/other", 2);
    String keys = k.build();
    assertThat(keys).isEqualTo("/same/other");
    assertThat(new Built(a.build(), keys).get("/same")).isEqualTo(0);
    assertThat(new Built(b.build(), keys).get("/same")).isEqualTo(1);
    assertThat(new Built(b.build(), keys).get("/other")).isEqualTo(2);
    assertThatThrownBy(() -> k.offsetOf("/late")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keysBeyondLatin1AndRequestsOfEitherCoder() {
    Built t = build(List.of("/日本", "/é", "/plain"));
    assertThat(t.get("/日本")).isEqualTo(0);
    assertThat(t.get("/é")).isEqualTo(1);
    assertThat(t.get("/plain")).as("a Latin-1 request against a UTF-16 key string").isEqualTo(2);
    assertThat(t.get("/日本/x", 0, 3, Integer.MAX_VALUE)).isEqualTo(0);
    assertThat(t.get("/日")).isEqualTo(-1);
  }

  @Test
  void refusesMoreKeysThanItsCapacityAndValuesItCannotStore() {
    StringTable.Builder b = StringTable.builder(1, new StringTable.Keys());
    assertThatThrownBy(() -> b.putIfAbsent("/a", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.putIfAbsent("/a", Integer.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    b.putIfAbsent("/a", 0);
    assertThatThrownBy(() -> b.putIfAbsent("/b", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void agreesWithAMapOnRandomKeys() {
    Random rnd = new Random(3);
    for (int round = 0; round < 50; round++) {
      List<String> keys = new ArrayList<>();
      Map<String, Integer> expected = new HashMap<>();
      int n = rnd.nextInt(200);
      for (int i = 0; i < n; i++) {
        String key = rnd.nextInt(4) == 0 ? colliding("/", 3).get(rnd.nextInt(8)) : "/k" + rnd.nextInt(300);
        keys.add(key);
        expected.putIfAbsent(key, i);
      }
      Built t = build(keys);
      assertThat(t.table().size()).isEqualTo(expected.size());
      for (int k = 0; k < 400; k++) {
        String probe = rnd.nextBoolean() ? colliding("/", 3).get(rnd.nextInt(8)) : "/k" + rnd.nextInt(400);
        assertThat(t.get(probe)).as(probe).isEqualTo(expected.getOrDefault(probe, -1));
      }
    }
  }
}
