package io.higressj.proxy.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM that Kubernetes TLS Secrets hold: certificate chains, and private keys in PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form.
 * PKCS#1 and SEC1 keys are re-wrapped as PKCS#8 so the JDK can load them without extra libraries.
 */
public final class PemKeys {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemKeys() {}

  public static X509Certificate[] certificates(String pem) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (!m.group(1).equals("CERTIFICATE")) continue;
      out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
    }
    if (out.isEmpty()) throw new CertificateException("tls.crt: no PEM CERTIFICATE block");
    return out.toArray(X509Certificate[]::new);
  }

  public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(der);
        }
        case "RSA PRIVATE KEY" -> {
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
              wrapPkcs8(sequence(concat(RSA_OID, new byte[] {0x05, 0x00})), der)));
        }
        case "EC PRIVATE KEY" -> {
          byte[] curve = ecCurveOid(der);
          return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
              wrapPkcs8(sequence(concat(EC_OID, curve)), der)));
        }
        default -> { /* other blocks (EC PARAMETERS, certificates): skip */ }
      }
    }
    throw new GeneralSecurityException("tls.key: no PEM private key block (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("tls.key: unsupported PKCS#8 key algorithm");
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key } */
  private static byte[] wrapPkcs8(byte[] algorithm, byte[] key) {
    return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
  }

  /** SEC1 ECPrivateKey ::= SEQUENCE { version, OCTET STRING, [0] curve OID OPTIONAL, [1] ... } */
  private static byte[] ecCurveOid(byte[] der) throws GeneralSecurityException {
    int[] pos = {0};
    expect(der, pos, 0x30);
    readLength(der, pos);
    while (pos[0] < der.length) {
      int tag = der[pos[0]++] & 0xff;
      int len = readLength(der, pos);
      if (tag == 0xa0) {
        byte[] oid = new byte[len];
        System.arraycopy(der, pos[0], oid, 0, len);
        return oid;
      }
      pos[0] += len;
    }
    throw new GeneralSecurityException("tls.key: EC PRIVATE KEY without named curve parameters");
  }

  private static void expect(byte[] der, int[] pos, int tag) throws GeneralSecurityException {
    if ((der[pos[0]++] & 0xff) != tag) throw new GeneralSecurityException("tls.key: malformed DER");
  }

  private static int readLength(byte[] der, int[] pos) {
    int b = der[pos[0]++] & 0xff;
    if (b < 0x80) return b;
    int n = b & 0x7f;
    int len = 0;
    for (int i = 0; i < n; i++) len = (len << 8) | (der[pos[0]++] & 0xff);
    return len;
  }

  private static byte[] sequence(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    int len = content.length;
    byte[] lenBytes;
    if (len < 0x80) {
      lenBytes = new byte[] {(byte) len};
    } else if (len < 0x100) {
      lenBytes = new byte[] {(byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      lenBytes = new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      lenBytes = new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    return concat(new byte[] {(byte) tag}, lenBytes, content);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /**
   * Fails when {@code key} is not the private key of {@code cert}: RSA keys by their modulus and public
   * exponent, others by signing a few bytes with the key and verifying with the certificate.
   */
  public static void checkPair(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    java.security.PublicKey pub = cert.getPublicKey();
    if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa && pub instanceof java.security.interfaces.RSAPublicKey p) {
      if (rsa.getModulus().equals(p.getModulus()) && rsa.getPublicExponent().equals(p.getPublicExponent())) return;
      throw new GeneralSecurityException("the private key is not the certificate's");
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    byte[] probe = {1, 2, 3, 4, 5, 6, 7, 8};
    java.security.Signature s = java.security.Signature.getInstance(algorithm);
    s.initSign(key);
    s.update(probe);
    byte[] signature = s.sign();
    java.security.Signature v = java.security.Signature.getInstance(algorithm);
    v.initVerify(pub);
    v.update(probe);
    if (!v.verify(signature)) throw new GeneralSecurityException("the private key is not the certificate's");
  }
}
