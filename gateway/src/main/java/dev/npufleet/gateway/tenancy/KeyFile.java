package dev.npufleet.gateway.tenancy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Parses the API keys file ({@code NPUFLEET_API_KEYS_FILE}) and the inline list ({@code NPUFLEET_API_KEYS}).
 * A file line is a key, or {@code sha256:} and the key's SHA-256 hash in hex, then optional words:
 * {@code name=alice}, {@code admin}, {@code rpm=60}, {@code tpm=20000}. Blank lines and lines starting with
 * {@code #} are skipped. An inline entry is {@code key} or {@code key:name}; a name starting with {@code admin}
 * makes an admin key. Errors name the line, never the key. Stateless; any thread.
 */
public final class KeyFile {
    private static final String HASH_PREFIX = "sha256:";

    private KeyFile() {
    }

    /** @throws IllegalArgumentException naming the first bad line */
    public static List<ApiKey> parse(List<String> lines, String source) {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(line(line.split("\\s+")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return keys;
    }

    private static ApiKey line(String[] words) {
        byte[] hash = hashOf(words[0]);
        String name = null;
        boolean admin = false;
        long rpm = 0;
        long tpm = 0;
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            String lower = word.toLowerCase(Locale.ROOT);
            if (lower.equals("admin")) {
                admin = true;
            } else if (lower.startsWith("name=") && word.length() > 5) {
                name = word.substring(5);
            } else if (lower.startsWith("rpm=")) {
                rpm = number(word.substring(4), "rpm");
            } else if (lower.startsWith("tpm=")) {
                tpm = number(word.substring(4), "tpm");
            } else {
                throw new IllegalArgumentException("unknown word '" + word + "' (expected name=, admin, rpm=, tpm=)");
            }
        }
        return new ApiKey(hash, name, admin, new KeyLimits(rpm, tpm));
    }

    private static byte[] hashOf(String first) {
        if (!first.toLowerCase(Locale.ROOT).startsWith(HASH_PREFIX)) {
            return ApiKey.hash(first);
        }
        String hex = first.substring(HASH_PREFIX.length());
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a sha256: hash is 64 hex digits, was " + hex.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a sha256: hash is 64 hex digits");
        }
    }

    private static long number(String value, String what) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw new IllegalArgumentException(what + " must be a whole number > 0, was '" + value + "'");
    }

    /** The inline list: {@code key[:name]} entries, comma-separated. */
    public static List<ApiKey> parseInline(String list) {
        List<ApiKey> keys = new ArrayList<>();
        String[] entries = list.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            String key = colon > 0 ? entry.substring(0, colon) : entry;
            String name = colon > 0 && colon < entry.length() - 1 ? entry.substring(colon + 1) : null;
            boolean admin = name != null && name.toLowerCase(Locale.ROOT).startsWith("admin");
            keys.add(new ApiKey(ApiKey.hash(key), name, admin, KeyLimits.NONE));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("NPUFLEET_API_KEYS holds no key");
        }
        return keys;
    }
}
