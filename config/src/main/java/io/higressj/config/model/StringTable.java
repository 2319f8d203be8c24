package io.higressj.config.model;

import java.util.HashMap;
import java.util.Map;

/**
 * An immutable open-addressing table from strings to int values, laid out so that a lookup in a table
 * far too big for the CPU caches costs about one cache miss for the probe and one for the key, and
 * allocates nothing.
 *
 * <p>Each slot is two longs side by side in one {@code long[]}: the key's hash with its value, then the
 * key's offset and length in a {@code String} that holds every key of the table one after the other.
 * A probe reads one slot (one cache line), rejects on the hash without touching a key, and compares a
 * candidate with {@link String#regionMatches(int, String, int, int)} straight against that shared
 * string: there is no key object, array of keys or array of values to load one after the other, as a
 * {@code HashMap} or separate key/value arrays would need. The owner keeps {@link #slots()}, {@link
 * #shift()} and the key string in its own fields and calls the static {@link #find}, so that the
 * table adds no object to the chain of loads either.
 *
 * <p>The hash is {@link String#hashCode()}'s polynomial over the key, so a caller scanning a request
 * path or host can compute the hash of every prefix (or suffix) as it goes, and probe with a region of
 * the request instead of a substring. The table is at most half full, so the probe sequence (linear)
 * is short and always ends at an empty slot.
 */
final class StringTable {
  /** Returned by {@link #find} when no entry matches. */
  static final int NONE = -1;
  private static final int GOLDEN = 0x9E3779B9;
  private static final StringTable EMPTY = new StringTable(new long[4], 31, 0);

  private final long[] slots;
  private final int shift;
  private final int size;

  private StringTable(long[] slots, int shift, int size) {
    this.slots = slots;
    this.shift = shift;
    this.size = size;
  }

  /** A builder of a table for at most {@code capacity} keys, whose keys go to {@code keys}. */
  static Builder builder(int capacity, Keys keys) {
    return new Builder(capacity, keys);
  }

  /** Two longs per slot: {@code hash << 32 | value + 1} (0 when empty), then {@code offset << 32 | length}. */
  long[] slots() {
    return slots;
  }

  /** {@code 32 - log2(number of slots)}: the home slot of a hash is {@code (hash * golden ratio) >>> shift}. */
  int shift() {
    return shift;
  }

  int size() {
    return size;
  }

  /**
   * The slot whose key equals {@code s.substring(from, from + len)}, whose hash is {@code hash}, and
   * whose value is below {@code bound}; else {@link #NONE}. An entry with a larger value is passed over
   * without comparing its key, so that a caller who already has a better answer pays for no key.
   *
   * @param keys the string of keys the table was built with ({@link Keys#build()})
   */
  static int find(long[] slots, int shift, String keys, String s, int from, int len, int hash, int bound) {
    int mask = -1 >>> shift;
    for (int i = home(hash, shift); ; i = (i + 1) & mask) {
      long entry = slots[i << 1];
      int value = (int) entry - 1;
      if (value < 0) return NONE;
      if ((int) (entry >>> 32) == hash && value < bound) {
        long key = slots[(i << 1) + 1];
        if ((int) key == len && s.regionMatches(from, keys, (int) (key >>> 32), len)) return i;
      }
    }
  }

  /** The first slot to probe for {@code hash} in a table of {@code 1 << (32 - shift)} slots. */
  static int home(int hash, int shift) {
    return (hash * GOLDEN) >>> shift;
  }

  /** The value of an occupied slot (one {@link #find} returned). */
  static int value(long[] slots, int slot) {
    return (int) slots[slot << 1] - 1;
  }

  /**
   * The key string shared by one or more tables: each distinct key once, so that two tables of one
   * owner (exact paths and prefixes) need one string between them.
   */
  static final class Keys {
    private final StringBuilder text = new StringBuilder();
    private final Map<String, Integer> offsets = new HashMap<>();
    private String built;

    int offsetOf(String key) {
      if (built != null) throw new IllegalStateException("keys already built");
      return offsets.computeIfAbsent(key, k -> {
        int at = text.length();
        text.append(k);
        return at;
      });
    }

    String build() {
      if (built == null) built = text.toString();
      return built;
    }
  }

  static final class Builder {
    private final Keys keys;
    private final long[] slots;
    private final int shift;
    /** the key of each occupied slot, while building */
    private final String[] present;
    private int size;

    private Builder(int capacity, Keys keys) {
      this.keys = keys;
      // at most half full, so that probes stay short and always end; at least two slots, so that shift < 32
      int n = Math.max(2, Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) << 1);
      this.slots = new long[n * 2];
      this.present = new String[n];
      this.shift = 32 - Integer.numberOfTrailingZeros(n);
    }

    /**
     * Adds {@code key -> value} unless the key is present already (the first value put stays).
     *
     * @param value 0 to {@code Integer.MAX_VALUE - 1}
     * @return the slot of the new entry, or {@link #NONE} when the key was present
     */
    int putIfAbsent(String key, int value) {
      if (size + 1 > slots.length / 4) throw new IllegalStateException("more keys than the capacity given");
      if (value < 0 || value == Integer.MAX_VALUE) throw new IllegalArgumentException("value: " + value);
      int hash = key.hashCode();
      int mask = -1 >>> shift;
      for (int i = home(hash, shift); ; i = (i + 1) & mask) {
        long entry = slots[i << 1];
        if ((int) entry == 0) {
          slots[i << 1] = (long) hash << 32 | (value + 1L);
          slots[(i << 1) + 1] = (long) keys.offsetOf(key) << 32 | key.length();
          present[i] = key;
          size++;
          return i;
        }
        if ((int) (entry >>> 32) == hash && present[i].equals(key)) return NONE;
      }
    }

    /** How many slots the table has: the size of an array indexed by slot. */
    int slotCount() {
      return present.length;
    }

    StringTable build() {
      return size == 0 ? EMPTY : new StringTable(slots, shift, size);
    }
  }
}
