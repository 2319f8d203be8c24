package io.higressj.testing.echo;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a JSON tree the way Go's {@code json.MarshalIndent(v, "", " ")} writes a decoded
 * {@code map[string]interface{}}: object keys sorted, one space of indentation, numbers as
 * float64, {@code <>&} escaped. The echo-body backend answers in this form.
 */
final class GoJson {

    private GoJson() {
    }

    static String marshalIndent(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, 0);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "\n" : ",\n");
                indent(out, depth + 1);
                writeString(names.get(i), out);
                out.append(": ");
                write(node.get(names.get(i)), out, depth + 1);
            }
            out.append('\n');
            indent(out, depth);
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            Iterator<JsonNode> elements = node.elements();
            boolean first = true;
            while (elements.hasNext()) {
                out.append(first ? "\n" : ",\n");
                first = false;
                indent(out, depth + 1);
                write(elements.next(), out, depth + 1);
            }
            out.append('\n');
            indent(out, depth);
            out.append(']');
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isNumber()) {
            out.append(formatFloat64(node.doubleValue()));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            out.append("null");
        }
    }

    private static void indent(StringBuilder out, int depth) {
        out.append(" ".repeat(depth));
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Go's encoding of a float64: shortest digits, exponent form outside [1e-6, 1e21). */
    static String formatFloat64(double value) {
        if (value == 0) {
            return "0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        double abs = Math.abs(value);
        if (abs >= 1e-6 && abs < 1e21) {
            return decimal.toPlainString();
        }
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder();
        if (value < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int absExponent = Math.abs(exponent);
        // Go writes at least two exponent digits, then trims "e-07" to "e-7".
        if (absExponent < 10 && exponent > 0) {
            out.append('0');
        }
        out.append(absExponent);
        return out.toString();
    }
}
