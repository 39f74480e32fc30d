package dev.npufleet.protocol.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of environment variables for every process. Each read takes a {@link Setting}: a
 * blank or missing variable reads as the setting's default text, parsed the same way, and every
 * error names the variable. Immutable; any thread.
 */
public final class EnvReader {

    /** Where a setting's value came from, as {@code fleet config} shows it. */
    public enum Source { ENVIRONMENT, DEFAULT }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final Map<String, String> env;

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /** The variable's own value, stripped, or null when it is blank or missing. */
    public String value(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public Source source(Setting s) {
        return value(s.name()) == null ? Source.DEFAULT : Source.ENVIRONMENT;
    }

    /** The value, else the default text (null for a derived default). */
    public String string(Setting s) {
        String v = value(s.name());
        return v != null ? v : s.fallback();
    }

    /** As {@link #string}, but unset falls back to {@code alternative} (another variable) before the default. */
    public String string(Setting s, String alternative) {
        String v = value(s.name());
        String alt = value(alternative);
        return v != null ? v : alt != null ? alt : s.fallback();
    }

    public Path path(Setting s) {
        String v = string(s);
        return v == null ? null : Path.of(v);
    }

    public int integer(Setting s) {
        return parsed(s, v -> Math.toIntExact(Long.parseLong(v)), "a whole number");
    }

    /** For the settings where 0 or less has always meant "the default" rather than an error. */
    public int positiveInteger(Setting s) {
        int v = integer(s);
        return v > 0 ? v : Integer.parseInt(s.fallback());
    }

    public double decimal(Setting s) {
        return parsed(s, Double::parseDouble, "a number");
    }

    /** As {@link #positiveInteger}, for a decimal. */
    public double positiveDecimal(Setting s) {
        double v = decimal(s);
        return v > 0 ? v : Double.parseDouble(s.fallback());
    }

    /** {@code 24h}, {@code 90m}, {@code 30s}, {@code 500ms}, {@code 7d}; a bare number is milliseconds. */
    public Duration duration(Setting s) {
        return parsed(s, EnvReader::parseDuration, "a duration such as 24h, 90m, 30s, 500ms or milliseconds");
    }

    /** As {@link #positiveInteger}, for a duration. */
    public Duration positiveDuration(Setting s) {
        Duration d = duration(s);
        return d.isZero() ? parseDuration(s.fallback()) : d;
    }

    public boolean bool(Setting s) {
        return parsed(s, v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException();
        }, "true or false");
    }

    /** A byte count with an optional suffix k, m or g; 0 or less reads as the default. */
    public long positiveBytes(Setting s) {
        long v = parsed(s, EnvReader::parseBytes, "a byte count (suffix k, m or g allowed)");
        return v > 0 ? v : parseBytes(s.fallback());
    }

    /** The value parsed by {@code parse} (an enum's own parser); its message keeps the variable's name. */
    public <T> T parsed(Setting s, Function<String, T> parse) {
        String v = string(s);
        try {
            return v == null ? null : parse.apply(v);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw message.contains(s.name()) ? e : new IllegalArgumentException(s.name() + ": " + message, e);
        }
    }

    /** A comma-separated list, blank items dropped, each item once. */
    public List<String> list(Setting s) {
        String v = string(s);
        return v == null ? List.of()
                : Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).distinct().toList();
    }

    /** {@code key=value,...}, sorted by key. */
    public Map<String, String> pairs(Setting s) {
        String v = string(s);
        Map<String, String> pairs = new TreeMap<>();
        if (v != null) {
            for (String item : v.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(s.name() + " must be key=value,...: " + v);
                }
                pairs.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
            }
        }
        return pairs;
    }

    /**
     * {@code <prefix><NAME>=v} as property {@code name} (lower case, '_' → '.'), leaving out the
     * variables in {@code own} (a process's own settings that share the prefix). Not stripped: a
     * client property's value is passed on as given.
     */
    public Map<String, String> prefixed(String prefix, Set<String> own) {
        Map<String, String> props = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && !own.contains(k)) {
                props.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return props;
    }

    private <T> T parsed(Setting s, Function<String, T> parse, String what) {
        String v = string(s);
        if (v == null) {
            throw new IllegalStateException(s.name() + " has no default to read");
        }
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(s.name() + " must be " + what + ", was '" + v + "'", e);
        }
    }

    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static long parseBytes(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        long unit = s.endsWith("k") ? 1L << 10 : s.endsWith("m") ? 1L << 20 : s.endsWith("g") ? 1L << 30 : 1;
        return Math.multiplyExact(Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)), unit);
    }
}
