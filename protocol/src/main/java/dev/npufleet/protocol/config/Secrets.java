package dev.npufleet.protocol.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one rule for which configuration values are never shown (logs, {@code fleet config}): any
 * property or variable whose name looks secret. Stateless; any thread.
 */
public final class Secrets {

    /** The words that make a name secret-looking; "key" covers ssl.keystore.key and ssl.key.password. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key).*");

    /** What is shown in place of a secret value. */
    public static final String MASK = "****";

    private Secrets() {
    }

    /** Whether a property or variable named {@code name} may hold a secret. */
    public static boolean looksSecret(String name) {
        return SECRET.matcher(name).matches();
    }

    /** {@code value}, or the mask where {@code name} looks secret. */
    public static String shown(String name, String value) {
        return looksSecret(name) ? MASK : value;
    }

    /** A sorted copy of {@code properties} with secret-looking values masked. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, shown(k, v)));
        return shown;
    }
}
