package io.higressj.config.model;

/**
 * An immutable open-addressing table from strings to int values that can be probed with a region of
 * another string, [0, len) or [from, end), by a hash the caller computed while scanning, so that a
 * lookup allocates nothing. The hash is {@link String#hashCode()}'s polynomial over the region.
 */
final class StringTable {
  static final int MISSING = Integer.MAX_VALUE;
  private static final StringTable EMPTY = new StringTable(new String[1], new int[1], new int[1], 0);

  private final String[] keys;
  private final int[] hashes;
  private final int[] values;
  private final int shift;
  private final int size;

  private StringTable(String[] keys, int[] hashes, int[] values, int size) {
    this.keys = keys;
    this.hashes = hashes;
    this.values = values;
    this.shift = 32 - Integer.numberOfTrailingZeros(keys.length);
    this.size = size;
  }

  /** A builder of a table for at most {@code capacity} keys; the first value put for a key stays. */
  static Builder builder(int capacity) {
    return new Builder(capacity);
  }

  int size() {
    return size;
  }

  private int slot(int hash) {
    return shift == 32 ? 0 : (hash * 0x9E3779B9) >>> shift;
  }

  /** The value of the key equal to {@code s.substring(0, len)}, whose hash is {@code hash}; else MISSING. */
  int getPrefix(String s, int len, int hash) {
    int mask = keys.length - 1;
    for (int i = slot(hash); ; i = (i + 1) & mask) {
      String k = keys[i];
      if (k == null) return MISSING;
      if (hashes[i] == hash && k.length() == len && s.startsWith(k)) return values[i];
    }
  }

  /** The value of the key equal to {@code s.substring(from)}, whose hash is {@code hash}; else MISSING. */
  int getSuffix(String s, int from, int hash) {
    int mask = keys.length - 1;
    int len = s.length() - from;
    for (int i = slot(hash); ; i = (i + 1) & mask) {
      String k = keys[i];
      if (k == null) return MISSING;
      if (hashes[i] == hash && k.length() == len && s.startsWith(k, from)) return values[i];
    }
  }

  static final class Builder {
    private final String[] keys;
    private final int[] hashes;
    private final int[] values;
    private int size;

    private Builder(int capacity) {
      // at most half full, so that probes stay short
      int n = Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) << 1;
      keys = new String[n];
      hashes = new int[n];
      values = new int[n];
    }

    /** Adds {@code key -> value} unless the key is present already. */
    Builder putIfAbsent(String key, int value) {
      if (size + 1 > keys.length / 2) throw new IllegalStateException("more keys than the capacity given");
      int hash = key.hashCode();
      int shift = 32 - Integer.numberOfTrailingZeros(keys.length);
      int mask = keys.length - 1;
      for (int i = shift == 32 ? 0 : (hash * 0x9E3779B9) >>> shift; ; i = (i + 1) & mask) {
        if (keys[i] == null) {
          keys[i] = key;
          hashes[i] = hash;
          values[i] = value;
          size++;
          return this;
        }
        if (hashes[i] == hash && keys[i].equals(key)) return this;
      }
    }

    StringTable build() {
      return size == 0 ? EMPTY : new StringTable(keys, hashes, values, size);
    }
  }
}
