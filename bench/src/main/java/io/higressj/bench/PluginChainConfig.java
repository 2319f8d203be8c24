package io.higressj.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

/**
 * Writes the configuration of {@code bench/plugin-chain.sh}: one upstream and four hosts routed to
 * it, {@code plain.local} without plugins, {@code chain.local} behind key-auth, ip-restriction,
 * transformer and cors, {@code es256.local} and {@code rs256.local} behind jwt-auth with an ES256
 * and an RS256 key. Prints the two tokens, one per line (ES256 first).
 *
 * <p>Usage: {@code PluginChainConfig <config dir> <upstream port>}
 */
public final class PluginChainConfig {
  private PluginChainConfig() {}

  public static void main(String[] args) throws Exception {
    for (String token : write(Path.of(args[0]), Integer.parseInt(args[1]))) System.out.println(token);
  }

  /** Writes the configuration into {@code dir}; returns the ES256 and the RS256 token. */
  static List<String> write(Path dir, int upstream) throws Exception {
    Files.createDirectories(dir);
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("bench-es").generate();
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("bench-rs").generate();
    StringBuilder y = new StringBuilder();
    y.append("""
        apiVersion: v1
        kind: Service
        metadata: {name: upstream, namespace: default}
        spec: {ports: [{name: http, port: %1$d}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: upstream, namespace: default}
        subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{name: http, port: %1$d}]}]
        """.formatted(upstream));
    for (String host : List.of("plain", "chain", "es256", "rs256")) {
      y.append("""
          ---
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata: {name: %1$s, namespace: default}
          spec:
            ingressClassName: higress
            rules:
            - host: %1$s.local
              http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: upstream, port: {number: %2$d}}}}]}
          """.formatted(host, upstream));
    }
    y.append("""
        ---
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: key-auth, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/key-auth:1.0.0
          defaultConfig:
            consumers: [{name: bench, credential: bench-key-1}, {name: other, credential: bench-key-2}]
            keys: [apikey]
            in_header: true
            in_query: false
            global_auth: false
          matchRules:
          - ingress: [default/chain]
            config: {allow: [bench]}
        ---
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: ip-restriction, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/ip-restriction:2.0.0
          matchRules:
          - ingress: [default/chain]
            config: {allow: [127.0.0.1, 10.0.0.0/8], deny: [192.168.0.0/16]}
        ---
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: transformer, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/transformer:2.0.0
          matchRules:
          - ingress: [default/chain]
            config:
              reqRules:
              - operate: add
                headers: [{key: X-Bench, value: chain}]
              - operate: rename
                headers: [{oldKey: X-Old, newKey: X-New}]
              respRules:
              - operate: add
                headers: [{key: X-Served-By, value: higress-j}]
        ---
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: cors, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/cors:1.0.0
          matchRules:
          - ingress: [default/chain]
            config:
              allow_origins: [http://app.example]
              allow_methods: [GET, POST]
              allow_credentials: true
        ---
        apiVersion: extensions.higress.io/v1alpha1
        kind: WasmPlugin
        metadata: {name: jwt-auth, namespace: higress-system}
        spec:
          url: oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/jwt-auth:2.0.0
          defaultConfig:
            global_auth: false
            consumers:
            - {name: es, issuer: bench, jwks: '%s'}
            - {name: rs, issuer: bench, jwks: '%s'}
          matchRules:
          - ingress: [default/es256]
            config: {allow: [es]}
          - ingress: [default/rs256]
            config: {allow: [rs]}
        """.formatted(new JWKSet(ec.toPublicJWK()).toString(), new JWKSet(rsa.toPublicJWK()).toString()));
    Files.writeString(dir.resolve("bench.yaml"), y.toString());
    return List.of(token(JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec)),
        token(JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa)));
  }

  private static String token(JWSAlgorithm alg, String kid, com.nimbusds.jose.JWSSigner signer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), new JWTClaimsSet.Builder()
        .issuer("bench").subject("bench-user").expirationTime(new Date(System.currentTimeMillis() + 86_400_000L)).build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
