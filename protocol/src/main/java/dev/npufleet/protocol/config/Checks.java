package dev.npufleet.protocol.config;

/**
 * The named validators the config records call in their compact constructors; each refuses a
 * value with the variable's name. Stateless; any thread.
 */
public final class Checks {

    private Checks() {
    }

    public static void notBlank(Setting s, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(s.name() + " must not be empty");
        }
    }

    public static void positive(Setting s, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(s.name() + " must be positive, was " + value);
        }
    }

    public static void positive(Setting s, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(s.name() + " must be a positive number, was " + value);
        }
    }

    public static void positive(Setting s, java.time.Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(s.name() + " must be positive, was " + value);
        }
    }

    public static void notNegative(Setting s, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(s.name() + " must be 0 or more, was " + value);
        }
    }

    public static void between(Setting s, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(s.name() + " must be " + min + "-" + max + ", was " + value);
        }
    }

    public static void port(Setting s, int value) {
        between(s, value, 0, 65535);
    }
}
