package io.higressj.testing.tls;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the certificates of the corpora's {@code generateCertificate} step (Higress corpus
 * FORMAT.md section 4; Gateway API corpus FORMAT.md section 4): RSA 2048 keys, valid from now
 * for 365 days, a random 128-bit serial, SHA-256 with RSA signatures, subject
 * {@code O=Higress E2E Test, CN=default} unless another {@link Subject} is given.
 *
 * <table>
 *   <caption>What each {@link Type} gets</caption>
 *   <tr><th>type</th><th>signed by</th><th>key usage</th><th>extended key usage</th>
 *       <th>basic constraints</th><th>subject alternative names</th></tr>
 *   <tr><td>{@code ca}</td><td>itself</td><td>certSign, digitalSignature</td>
 *       <td>serverAuth, clientAuth</td><td>CA:true</td><td>none</td></tr>
 *   <tr><td>{@code server}</td><td>{@code signedBy}</td><td>keyEncipherment, digitalSignature</td>
 *       <td>serverAuth, clientAuth</td><td>CA:false</td><td>{@code hosts}</td></tr>
 *   <tr><td>{@code client}</td><td>{@code signedBy}</td><td>keyEncipherment, digitalSignature</td>
 *       <td>serverAuth, clientAuth</td><td>CA:false</td><td>none</td></tr>
 *   <tr><td>{@code self-signed}</td><td>itself</td><td>keyEncipherment, digitalSignature</td>
 *       <td>serverAuth</td><td>CA:false</td><td>{@code hosts}</td></tr>
 * </table>
 *
 * A host that is an IPv4 or IPv6 literal becomes an IP address SAN, anything else (wildcards
 * and {@code *} included) a DNS SAN. Key usage and basic constraints are critical. Every
 * certificate has a subject key identifier, and a signed one the authority key identifier of
 * its issuer, so chains build even though issuer and subject names are alike.
 */
public final class CertificateGenerator {

    /** The {@code type} of a {@code generateCertificate} step. */
    public enum Type {
        CA("ca"),
        SERVER("server"),
        CLIENT("client"),
        SELF_SIGNED("self-signed");

        private final String corpusName;

        Type(String corpusName) {
            this.corpusName = corpusName;
        }

        /** The name the corpora use. */
        public String corpusName() {
            return corpusName;
        }

        /** The type called {@code name} in the corpora ({@code ca}, {@code server}, {@code client}, {@code self-signed}). */
        public static Type fromCorpusName(String name) {
            for (Type type : values()) {
                if (type.corpusName.equals(name)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("type: " + name + " (expected one of: ca, server, client, self-signed)");
        }
    }

    /**
     * The subject (and, for self-issued certificates, issuer) name: {@code O=organization,
     * CN=commonName}, in that order, as Go's {@code pkix.Name} encodes it.
     */
    public record Subject(String commonName, String organization) {

        /** {@code O=Higress E2E Test, CN=default}: the Higress corpus. */
        public static final Subject HIGRESS_E2E = new Subject("default", "Higress E2E Test");

        /** {@code O=Acme Co, CN=default}: the Gateway API corpus. */
        public static final Subject GATEWAY_API = new Subject("default", "Acme Co");

        public Subject {
            requireNonNull(commonName, "commonName");
            requireNonNull(organization, "organization");
        }
    }

    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateGenerator() {
    }

    /** A self-signed CA with the default subject. */
    public static GeneratedCertificate ca() {
        return generate(Type.CA, null, List.of(), Subject.HIGRESS_E2E);
    }

    /** A server certificate for {@code hosts}, signed by {@code ca}, with the default subject. */
    public static GeneratedCertificate server(GeneratedCertificate ca, List<String> hosts) {
        return generate(Type.SERVER, requireNonNull(ca, "ca"), hosts, Subject.HIGRESS_E2E);
    }

    /** A client certificate signed by {@code ca}, with the default subject. */
    public static GeneratedCertificate client(GeneratedCertificate ca) {
        return generate(Type.CLIENT, requireNonNull(ca, "ca"), List.of(), Subject.HIGRESS_E2E);
    }

    /** A self-signed leaf (not a CA) for {@code hosts}, with the default subject. */
    public static GeneratedCertificate selfSigned(List<String> hosts) {
        return generate(Type.SELF_SIGNED, null, hosts, Subject.HIGRESS_E2E);
    }

    /** {@link #generate(Type, GeneratedCertificate, List, Subject)} with the default subject. */
    public static GeneratedCertificate generate(Type type, GeneratedCertificate signedBy, List<String> hosts) {
        return generate(type, signedBy, hosts, Subject.HIGRESS_E2E);
    }

    /**
     * Makes a key pair and a certificate.
     *
     * @param type what to make
     * @param signedBy the issuing CA for {@link Type#SERVER} and {@link Type#CLIENT}; {@code null}
     *     for the self-signed types
     * @param hosts the SANs of {@link Type#SERVER} and {@link Type#SELF_SIGNED}; must be empty
     *     for the others
     * @param subject the subject name
     */
    public static GeneratedCertificate generate(Type type, GeneratedCertificate signedBy, List<String> hosts,
            Subject subject) {
        requireNonNull(type, "type");
        requireNonNull(hosts, "hosts");
        requireNonNull(subject, "subject");
        boolean selfIssued = type == Type.CA || type == Type.SELF_SIGNED;
        if (selfIssued && signedBy != null) {
            throw new IllegalArgumentException("signedBy: " + signedBy.cert().getSubjectX500Principal()
                    + " (expected: none for type " + type.corpusName() + ")");
        }
        if (!selfIssued) {
            if (signedBy == null) {
                throw new IllegalArgumentException("signedBy: none (expected: a CA for type " + type.corpusName() + ")");
            }
            if (signedBy.cert().getBasicConstraints() < 0) {
                throw new IllegalArgumentException("signedBy: " + signedBy.cert().getSubjectX500Principal()
                        + " (expected: a CA certificate)");
            }
        }
        if ((type == Type.CA || type == Type.CLIENT) && !hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts: " + hosts + " (expected: none for type " + type.corpusName() + ")");
        }
        try {
            return build(type, signedBy, hosts, subject);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a " + type.corpusName() + " certificate", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GeneratedCertificate build(Type type, GeneratedCertificate signedBy, List<String> hosts,
            Subject subject) throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        KeyPair keyPair = generator.generateKeyPair();

        X500Name subjectName = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, subject.organization())
                .addRDN(BCStyle.CN, subject.commonName())
                .build();
        X500Name issuerName = signedBy == null
                ? subjectName
                : X500Name.getInstance(signedBy.cert().getSubjectX500Principal().getEncoded());
        BigInteger serial = new BigInteger(128, RANDOM);
        if (serial.signum() == 0) {
            serial = BigInteger.ONE;
        }
        Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subjectName, keyPair.getPublic());

        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        PublicKey issuerKey = signedBy == null ? keyPair.getPublic() : signedBy.cert().getPublicKey();
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
        if (signedBy != null) {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerKey));
        }
        boolean ca = type == Type.CA;
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.digitalSignature
                : KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, type == Type.SELF_SIGNED
                ? new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
                : new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        if (!hosts.isEmpty()) {
            addSubjectAlternativeNames(builder, hosts);
        }

        var signer = new JcaContentSignerBuilder("SHA256withRSA")
                .build(signedBy == null ? keyPair.getPrivate() : signedBy.key());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

        ASN1Encodable pkcs1 = PrivateKeyInfo.getInstance(keyPair.getPrivate().getEncoded()).parsePrivateKey();
        return new GeneratedCertificate(cert, keyPair.getPrivate(),
                Pem.encode("CERTIFICATE", cert.getEncoded()),
                Pem.encode("RSA PRIVATE KEY", pkcs1.toASN1Primitive().getEncoded()));
    }

    private static void addSubjectAlternativeNames(X509v3CertificateBuilder builder, List<String> hosts)
            throws CertIOException {
        GeneralName[] names = new GeneralName[hosts.size()];
        for (int i = 0; i < names.length; i++) {
            String host = requireNonNull(hosts.get(i), "hosts[" + i + "]");
            byte[] ip = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                    ? NetUtil.createByteArrayFromIpAddressString(host)
                    : null;
            names[i] = ip != null
                    ? new GeneralName(GeneralName.iPAddress, new DEROctetString(ip))
                    : new GeneralName(GeneralName.dNSName, host);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
}
