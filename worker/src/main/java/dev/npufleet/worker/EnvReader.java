package dev.npufleet.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads {@code NPUFLEET_*} environment variables for {@link WorkerConfig#fromEnv}, naming the
 * variable in every error. A blank or missing variable reads as "unset" (null, 0 or the given
 * fallback). Immutable; any thread.
 */
record EnvReader(Map<String, String> env) {
    EnvReader {
        Objects.requireNonNull(env, "env");
    }

    String string(String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    Path path(String name) {
        String v = string(name, null);
        return v == null ? null : Path.of(v);
    }

    int integer(String name) {
        return integer(name, 0);
    }

    /** For variables where 0 is a meaningful value, not "unset". */
    int integer(String name, int fallback) {
        String v = string(name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer: " + v, e);
        }
    }

    double decimal(String name) {
        String v = string(name, null);
        try {
            return v == null ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + v, e);
        }
    }

    Duration millis(String name) {
        int ms = integer(name);
        return ms == 0 ? null : Duration.ofMillis(ms);
    }

    boolean bool(String name, boolean fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false: " + v);
        };
    }

    long bytes(String name) {
        String v = string(name, null);
        if (v == null) {
            return 0;
        }
        String s = v.toLowerCase(Locale.ROOT);
        long unit = s.endsWith("k") ? 1L << 10 : s.endsWith("m") ? 1L << 20 : s.endsWith("g") ? 1L << 30 : 1;
        try {
            return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a byte count (suffix k, m or g allowed): " + v, e);
        }
    }

    Map<String, String> pairs(String name) {
        String v = string(name, null);
        Map<String, String> pairs = new TreeMap<>();
        if (v != null) {
            for (String item : v.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(name + " must be key=value,...: " + v);
                }
                pairs.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
            }
        }
        return pairs;
    }

    Map<String, String> prefixed(String prefix) {
        Map<String, String> props = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                props.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return props;
    }
}
