package io.higressj.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.higressj.testing.tls.CertificateGenerator;
import io.higressj.testing.tls.GeneratedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeysTest {
  @Test
  void readsPkcs1AndPkcs8RsaKeysAndTheChain() throws Exception {
    GeneratedCertificate c = CertificateGenerator.server(CertificateGenerator.ca(), List.of("a.com"));
    assertThat(c.keyPem()).contains("BEGIN RSA PRIVATE KEY");
    PrivateKey pkcs1 = PemKeys.privateKey(c.keyPem());
    PrivateKey pkcs8 = PemKeys.privateKey(c.pkcs8KeyPem());
    assertThat(pkcs1.getEncoded()).isEqualTo(c.key().getEncoded());
    assertThat(pkcs8.getEncoded()).isEqualTo(c.key().getEncoded());
    assertThat(PemKeys.certificates(c.certPem())[0]).isEqualTo(c.cert());
  }

  @Test
  void readsSec1EcKeys(@TempDir Path dir) throws Exception {
    Process p = new ProcessBuilder("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout")
        .redirectOutput(dir.resolve("ec.pem").toFile()).start();
    assertThat(p.waitFor()).isZero();
    String pem = Files.readString(dir.resolve("ec.pem"));
    assertThat(pem).contains("BEGIN EC PRIVATE KEY");
    assertThat(PemKeys.privateKey(pem)).isInstanceOf(ECPrivateKey.class);
  }

  @Test
  void explainsWhatIsMissing() {
    assertThatThrownBy(() -> PemKeys.privateKey("not a key")).isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("tls.key");
    assertThatThrownBy(() -> PemKeys.certificates("nothing")).hasMessageContaining("tls.crt");
  }
}
