package io.higressj.plugins.oidc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals cookie values with AES-256-GCM under a key derived (HKDF-SHA256) from {@code cookie_secret}.
 * The cookie's name is authenticated with the value, so a value sealed for one cookie (the CSRF cookie,
 * say) is refused under another name. Format: base64url(version 1, 12-byte IV, ciphertext and tag).
 */
final class CookieCipher {
  private static final byte VERSION = 1;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] SALT = "higress-j/oidc/cookie".getBytes(StandardCharsets.US_ASCII);
  /**
   * One AES-GCM cipher per thread (event loops), initialised for each use with its key and IV:
   * {@code Cipher.getInstance} looks the transformation up in the providers on every call.
   */
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  });

  private final SecretKeySpec key;

  private CookieCipher(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** a cipher for {@link #secretBytes secret bytes} of 16, 24 or 32 bytes */
  static CookieCipher of(byte[] secret) {
    if (secret.length != 16 && secret.length != 24 && secret.length != 32) {
      throw new IllegalArgumentException("a cookie secret has 16, 24 or 32 bytes");
    }
    return new CookieCipher(hkdf(secret, "cookie aes-256-gcm".getBytes(StandardCharsets.US_ASCII), 32));
  }

  /**
   * The secret's bytes as oauth2-proxy reads {@code cookie_secret}: its base64 (URL alphabet) decoding
   * when that has an AES key length, else the string's own bytes.
   */
  static byte[] secretBytes(String secret) {
    String s = secret.replace('+', '-').replace('/', '_');
    try {
      byte[] decoded = Base64.getUrlDecoder().decode(s);
      if (decoded.length == 16 || decoded.length == 24 || decoded.length == 32) return decoded;
    } catch (IllegalArgumentException e) {
      // not base64: the string itself is the secret
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  String seal(String cookieName, byte[] plaintext) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher c = CIPHERS.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(aad(cookieName));
      byte[] sealed = c.doFinal(plaintext);
      ByteBuffer out = ByteBuffer.allocate(1 + IV_BYTES + sealed.length);
      out.put(VERSION).put(iv).put(sealed);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** the plaintext, or null when {@code value} was not sealed by this key for {@code cookieName} */
  byte[] open(String cookieName, String value) {
    if (value == null || value.isEmpty()) return null;
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (raw.length < 1 + IV_BYTES + TAG_BITS / 8 || raw[0] != VERSION) return null;
    try {
      Cipher c = CIPHERS.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 1, IV_BYTES));
      c.updateAAD(aad(cookieName));
      return c.doFinal(raw, 1 + IV_BYTES, raw.length - 1 - IV_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static byte[] aad(String cookieName) {
    return ("oidc-cookie:" + cookieName).getBytes(StandardCharsets.UTF_8);
  }

  /** RFC 5869 HKDF with HMAC-SHA256 */
  static byte[] hkdf(byte[] ikm, byte[] info, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] t = new byte[0];
      int at = 0;
      for (int i = 1; at < length; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, length - at);
        System.arraycopy(t, 0, out, at, n);
        at += n;
      }
      Arrays.fill(prk, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** {@code n} random bytes, base64url without padding */
  static String randomToken(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public String toString() {
    return "CookieCipher[AES-256-GCM]"; // never the key
  }
}
