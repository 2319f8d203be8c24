package io.higressj.testing.echo;

import java.time.Duration;

/**
 * The few pieces of Go's standard library whose exact behaviour the echo backends expose: the
 * canonical MIME header key of {@code net/textproto}, {@code strconv.Quote} and
 * {@code time.ParseDuration}. The upstream backends are Go programs, and the corpora compare
 * what they print.
 */
final class GoHttp {

    private GoHttp() {
    }

    /** Go's {@code textproto.CanonicalMIMEHeaderKey}: {@code x-user-id} becomes {@code X-User-Id}. */
    static String canonicalHeaderKey(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                // Go leaves a name with a space or another non-token character unchanged.
                return name;
            }
        }
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (upper && c >= 'a' && c <= 'z') {
                c = (char) (c - ('a' - 'A'));
            } else if (!upper && c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            out.append(c);
            upper = c == '-';
        }
        return out.toString();
    }

    /** True when {@code c} may appear in an HTTP token (RFC 9110 {@code tchar}). */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** True when {@code name} is a non-empty HTTP token, i.e. a valid header name. */
    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code strconv.Quote}, close enough for the texts of error messages. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\u0007' -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\u000b' -> out.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Go's {@code time.ParseDuration}: a signed sequence of decimal numbers with units
     * ({@code ns us µs μs ms s m h}), e.g. {@code 300ms}, {@code -1.5h}, {@code 2h45m}.
     *
     * @throws IllegalArgumentException with Go's error text when {@code s} is not a duration
     */
    static Duration parseDuration(String s) {
        String quoted = quote(s);
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == s.length()) {
            throw new IllegalArgumentException("time: invalid duration " + quoted);
        }
        double totalNanos = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            boolean leading = i > start;
            String whole = s.substring(start, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fracStart = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                fraction = s.substring(fracStart, i);
            }
            if (!leading && fraction.isEmpty()) {
                throw new IllegalArgumentException("time: invalid duration " + quoted);
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (unitStart == i) {
                throw new IllegalArgumentException("time: missing unit in duration " + quoted);
            }
            String unit = s.substring(unitStart, i);
            long unitNanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException(
                        "time: unknown unit " + quote(unit) + " in duration " + quoted);
            };
            double value = Double.parseDouble((whole.isEmpty() ? "0" : whole)
                    + (fraction.isEmpty() ? "" : "." + fraction));
            totalNanos += value * unitNanos;
            if (totalNanos > Long.MAX_VALUE) {
                throw new IllegalArgumentException("time: invalid duration " + quoted);
            }
        }
        long nanos = (long) totalNanos;
        return Duration.ofNanos(negative ? -nanos : nanos);
    }
}
