package io.higressj.plugins.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumers of a signing plugin (hmac-auth, hmac-auth-apisix, oauth): an access key (public, sent
 * by the client) names a consumer and its secret (never sent). A key is looked up in constant time as
 * in {@link Credentials}: SHA-256 digests compared with every entry, no early exit.
 */
public final class SigningKeys {
  /** One consumer: its name and its secret (a copy is handed out). */
  public static final class Entry {
    private final String name;
    private final byte[] secret;

    Entry(String name, byte[] secret) {
      this.name = name;
      this.secret = secret;
    }

    public String name() {
      return name;
    }

    public byte[] secret() {
      return secret.clone();
    }

    @Override
    public String toString() {
      return "Entry[" + name + "]"; // never the secret
    }
  }

  private final byte[][] keyDigests;
  private final Entry[] entries;

  private SigningKeys(List<byte[]> keyDigests, List<Entry> entries) {
    this.keyDigests = keyDigests.toArray(new byte[0][]);
    this.entries = entries.toArray(new Entry[0]);
  }

  /** Collects keys; {@link #add} refuses a key twice. */
  public static final class Builder {
    private final List<byte[]> digests = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    /** false when {@code key} was added before */
    public boolean add(String key, String name, String secret) {
      if (keys.contains(key)) return false;
      keys.add(key);
      digests.add(Credentials.sha256(key));
      entries.add(new Entry(name, secret.getBytes(StandardCharsets.UTF_8)));
      return true;
    }

    public SigningKeys build() {
      return new SigningKeys(digests, entries);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** the consumer whose access key is {@code key}, or null */
  public Entry find(String key) {
    if (key == null) return null;
    byte[] d = Credentials.sha256(key);
    Entry found = null;
    for (int i = 0; i < keyDigests.length; i++) {
      if (MessageDigest.isEqual(keyDigests[i], d) && found == null) found = entries[i];
    }
    return found;
  }

  public int size() {
    return entries.length;
  }

  /** the consumer names, in configuration order (a name may appear for several keys) */
  public List<String> consumerNames() {
    List<String> out = new ArrayList<>(entries.length);
    for (Entry e : entries) out.add(e.name);
    return out;
  }

  @Override
  public String toString() {
    return "SigningKeys" + consumerNames();
  }
}
