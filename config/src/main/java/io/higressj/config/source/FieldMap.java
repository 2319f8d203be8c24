package io.higressj.config.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The fields of one YAML mapping as {@link BlockYaml} reads it, for an {@code ObjectNode}: keys and
 * values side by side in one array, in insertion order, looked up by a scan.
 *
 * <p>Why not Jackson's default {@code LinkedHashMap}: a Kubernetes object is a tree of small mappings
 * (two or three fields each), and a configuration of 20,000 Ingresses holds 400,000 of them. A
 * {@code LinkedHashMap} of two fields takes about 220 bytes (the map, a 16-slot table, an entry per
 * field); this takes about 60, which roughly halves the heap the objects as read take, and with it the
 * garbage collector's copying while a large directory is read. The scan is as fast as hashing for the
 * handful of fields these mappings have; a mapping written with many fields (say 50 annotations) costs
 * a few dozen comparisons per lookup, still far below reading the file.
 *
 * <p>It is a complete mutable {@code Map}: translators may add and remove fields; the iterators support
 * {@code remove} and {@code Entry.setValue}, and fail fast on a concurrent change like the JDK's maps.
 */
final class FieldMap extends AbstractMap<String, JsonNode> {
  private static final Object[] EMPTY = {};
  /** key0, value0, key1, value1 ... */
  private Object[] slots;
  private int size;
  private int modCount;

  FieldMap() {
    slots = EMPTY;
  }

  /** Room for {@code fields} fields before the array grows. */
  FieldMap(int fields) {
    slots = fields == 0 ? EMPTY : new Object[2 * fields];
  }

  @Override
  public int size() {
    return size;
  }

  private int indexOf(Object key) {
    if (key == null) return -1;
    Object[] s = slots;
    int n = 2 * size;
    for (int i = 0; i < n; i += 2) { // keys are mostly shared strings: the identity check usually decides
      if (s[i] == key) return i;
    }
    for (int i = 0; i < n; i += 2) {
      if (s[i].equals(key)) return i;
    }
    return -1;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public JsonNode get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (JsonNode) slots[i + 1];
  }

  @Override
  public JsonNode put(String key, JsonNode value) {
    if (key == null) throw new NullPointerException("a field name");
    int i = indexOf(key);
    if (i >= 0) {
      JsonNode old = (JsonNode) slots[i + 1];
      slots[i + 1] = value;
      return old;
    }
    if (2 * size == slots.length) slots = Arrays.copyOf(slots, Math.max(4, slots.length * 2));
    slots[2 * size] = key;
    slots[2 * size + 1] = value;
    size++;
    modCount++;
    return null;
  }

  @Override
  public JsonNode remove(Object key) {
    int i = indexOf(key);
    if (i < 0) return null;
    JsonNode old = (JsonNode) slots[i + 1];
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    int n = 2 * size;
    System.arraycopy(slots, i + 2, slots, i, n - i - 2);
    slots[n - 2] = null;
    slots[n - 1] = null;
    size--;
    modCount++;
  }

  @Override
  public void clear() {
    Arrays.fill(slots, 0, 2 * size, null);
    size = 0;
    modCount++;
  }

  @Override
  public Set<Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, JsonNode>> iterator() {
        return new Iterator<>() {
          private int next; // slot index of the next key
          private int last = -1;
          private int expected = modCount;

          @Override
          public boolean hasNext() {
            return next < 2 * size;
          }

          @Override
          public Entry<String, JsonNode> next() {
            if (expected != modCount) throw new ConcurrentModificationException();
            if (next >= 2 * size) throw new NoSuchElementException();
            last = next;
            next += 2;
            return new Field(last);
          }

          @Override
          public void remove() {
            if (last < 0) throw new IllegalStateException();
            if (expected != modCount) throw new ConcurrentModificationException();
            removeAt(last);
            next = last;
            last = -1;
            expected = modCount;
          }
        };
      }
    };
  }

  /** A live view of the field at slot {@code at}. */
  private final class Field implements Entry<String, JsonNode> {
    private final int at;
    private final String key;

    Field(int at) {
      this.at = at;
      this.key = (String) slots[at];
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    public JsonNode getValue() {
      return slots[at] == key ? (JsonNode) slots[at + 1] : FieldMap.this.get(key);
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      return FieldMap.this.put(key, value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry<?, ?> e && key.equals(e.getKey()) && java.util.Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return key.hashCode() ^ java.util.Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return key + "=" + getValue();
    }
  }
}
