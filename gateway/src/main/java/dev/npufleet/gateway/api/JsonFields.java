package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;

/**
 * Typed reads of request fields that fail with a 400 naming the field ({@code param}). Absent and
 * JSON {@code null} are the same: "not set". Stateless; any thread.
 */
public final class JsonFields {
    private JsonFields() {
    }

    /** The body as a JSON object, or 400. */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode root;
        try {
            root = JsonCodec.mapper().readTree(body);
        } catch (IOException e) {
            String message = e.getMessage() == null ? "malformed JSON" : e.getMessage().lines().findFirst().orElse("");
            throw ErrorMapping.invalidJson(message).toException();
        }
        if (root == null || root.isMissingNode()) {
            throw ErrorMapping.invalidJson("the body is empty").toException();
        }
        if (!root.isObject()) {
            throw ErrorMapping.invalidJson("the body must be a JSON object").toException();
        }
        return (ObjectNode) root;
    }

    public static boolean isSet(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node != null && !node.isNull();
    }

    public static String requiredString(JsonNode parent, String name, String param) {
        if (!isSet(parent, name)) {
            throw ErrorMapping.missingField(param).toException();
        }
        return string(parent, name, param);
    }

    public static String optionalString(JsonNode parent, String name, String param) {
        return isSet(parent, name) ? string(parent, name, param) : null;
    }

    public static boolean optionalBoolean(JsonNode parent, String name, boolean fallback) {
        if (!isSet(parent, name)) {
            return fallback;
        }
        JsonNode node = parent.get(name);
        if (!node.isBoolean()) {
            throw ErrorMapping.invalidField(name, "'" + name + "' must be a boolean.").toException();
        }
        return node.booleanValue();
    }

    /** An integer in {@code [min, max]}, or null when not set. */
    public static Long optionalLong(JsonNode parent, String name, long min, long max) {
        if (!isSet(parent, name)) {
            return null;
        }
        JsonNode node = parent.get(name);
        boolean integral = node.isIntegralNumber() && node.canConvertToLong()
                || node.isFloatingPointNumber() && node.doubleValue() == Math.rint(node.doubleValue());
        if (!integral) {
            throw ErrorMapping.invalidField(name, "'" + name + "' must be an integer.").toException();
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw ErrorMapping.invalidField(name,
                    "'" + name + "' must be between " + min + " and " + max + ", was " + value + ".").toException();
        }
        return value;
    }

    public static Integer optionalInt(JsonNode parent, String name, int min, int max) {
        Long value = optionalLong(parent, name, min, max);
        return value == null ? null : value.intValue();
    }

    /** A number in {@code [min, max]}, or null when not set. */
    public static Double optionalDouble(JsonNode parent, String name, double min, double max) {
        if (!isSet(parent, name)) {
            return null;
        }
        JsonNode node = parent.get(name);
        if (!node.isNumber()) {
            throw ErrorMapping.invalidField(name, "'" + name + "' must be a number.").toException();
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw ErrorMapping.invalidField(name,
                    "'" + name + "' must be between " + min + " and " + max + ", was " + value + ".").toException();
        }
        return value;
    }

    private static String string(JsonNode parent, String name, String param) {
        JsonNode node = parent.get(name);
        if (!node.isTextual()) {
            throw ErrorMapping.invalidField(param, "'" + param + "' must be a string.").toException();
        }
        return node.textValue();
    }
}
