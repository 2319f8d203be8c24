package io.higressj.plugins.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Consumer credentials looked up in constant time: each credential is kept as its SHA-256 digest and
 * a presented one is compared with every entry (no early exit), so neither the position nor the
 * length of the matching credential shows in the time taken.
 */
public final class Credentials {
  private final byte[][] digests;
  private final String[] names;

  /** {@code credentialToName}: credential to consumer name, in configuration order */
  public Credentials(Map<String, String> credentialToName) {
    digests = new byte[credentialToName.size()][];
    names = new String[credentialToName.size()];
    int i = 0;
    for (Map.Entry<String, String> e : credentialToName.entrySet()) {
      digests[i] = sha256(e.getKey());
      names[i] = e.getValue();
      i++;
    }
  }

  /** the consumer whose credential is {@code presented}, or null */
  public String find(String presented) {
    byte[] d = sha256(presented);
    String found = null;
    for (int i = 0; i < digests.length; i++) {
      if (MessageDigest.isEqual(digests[i], d) && found == null) found = names[i];
    }
    return found;
  }

  public List<String> consumerNames() {
    return List.of(names);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "Credentials" + List.of(names); // never the credentials themselves
  }
}
