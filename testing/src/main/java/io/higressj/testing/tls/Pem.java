package io.higressj.testing.tls;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM text (RFC 7468): base64 in lines of 64 characters between BEGIN and END lines. */
final class Pem {

    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + ENCODER.encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
