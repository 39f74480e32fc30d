package dev.npufleet.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON as the Hugging Face templates' {@code tojson} filter writes it (Python's {@code json.dumps} with
 * {@code ensure_ascii=False}): {@code ", "} and {@code ": "} between items, or newlines and {@code indent}
 * spaces with {@code ","} when indented. The models were trained on exactly these bytes. Stateless.
 */
final class PyJson {
    private PyJson() {
    }

    static String dumps(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, -1, 0);
        return sb.toString();
    }

    static String dumps(JsonNode node, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, indent, 0);
        return sb.toString();
    }

    /** Arguments given as JSON text (OpenAI's way) rendered as a template renders them parsed; text that is not JSON stays as it is. */
    static String arguments(String json) {
        try {
            return dumps(JsonCodec.mapper().readTree(json));
        } catch (java.io.IOException | RuntimeException e) {
            return json;
        }
    }

    private static void write(StringBuilder sb, JsonNode n, int indent, int depth) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject()) {
            container(sb, n, indent, depth, '{', '}');
        } else if (n.isArray()) {
            container(sb, n, indent, depth, '[', ']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue() ? "true" : "false");
        } else {
            sb.append(n.asText());
        }
    }

    private static void container(StringBuilder sb, JsonNode n, int indent, int depth, char open, char close) {
        if (n.isEmpty()) {
            sb.append(open).append(close);
            return;
        }
        sb.append(open);
        boolean first = true;
        Iterator<Map.Entry<String, JsonNode>> fields = n.isObject() ? n.fields() : null;
        Iterator<JsonNode> items = n.isArray() ? n.elements() : null;
        while (fields != null ? fields.hasNext() : items.hasNext()) {
            sb.append(first ? "" : indent >= 0 ? "," : ", ");
            first = false;
            if (indent >= 0) {
                sb.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            if (fields != null) {
                Map.Entry<String, JsonNode> e = fields.next();
                string(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), indent, depth + 1);
            } else {
                write(sb, items.next(), indent, depth + 1);
            }
        }
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
        sb.append(close);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
