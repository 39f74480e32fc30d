package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The requests a benchmark sends: which system prompt (or named cache) and which user turn,
 * chosen reproducibly from a seed. Immutable; any thread.
 *
 * @param kind {@code none}: a short user turn only; {@code system}: a long system prompt sent in
 *     full each time; {@code one-cache}: that prompt as the named cache {@code bench-0};
 *     {@code zipf}: {@code caches} named caches, picked with Zipf exponent {@code zipfS}
 * @param systemTokens length of each system prompt (the simulator's tokenizer is byte-level, so
 *     tokens = ASCII characters)
 */
public record PromptMix(String kind, int caches, double zipfS, int systemTokens, int userTokens, long seed) {
    private static final String[] WORDS = ("the of and to in is you that it he was for on are as with his they at be "
            + "this have from or one had by word but not what all were we when your can said there use an each which "
            + "she do how their if will up other about out many then them these so some her would make like him into "
            + "time has look two more write go see number no way could people my than first water been call who oil "
            + "its now find long down day did get come made may part board kernel cache token stream fleet").split(" ");

    public PromptMix {
        if (!List.of("none", "system", "one-cache", "zipf").contains(kind)) {
            throw new IllegalArgumentException("prompt mix must be none, system, one-cache or zipf: " + kind);
        }
        if (kind.equals("zipf") && caches < 1) {
            throw new IllegalArgumentException("zipf needs at least one cache");
        }
    }

    public boolean usesCaches() {
        return kind.equals("one-cache") || kind.equals("zipf");
    }

    public int cacheCount() {
        return kind.equals("zipf") ? caches : kind.equals("one-cache") ? 1 : 0;
    }

    public static String cacheName(int i) {
        return "bench-" + i;
    }

    /** The system prompt of cache {@code i} (also what {@code system} sends in full, with i = 0). */
    public String systemPrompt(int i) {
        return words(new SplittableRandom(seed * 31 + i), systemTokens);
    }

    /** The user turn of request {@code n}. */
    public String userTurn(int n) {
        return words(new SplittableRandom(seed * 1_000_003L + n), userTokens);
    }

    /** Which cache request {@code n} names (-1 for none). */
    public int cacheFor(int n) {
        return switch (kind) {
            case "one-cache" -> 0;
            case "zipf" -> zipf(new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L)));
            default -> -1;
        };
    }

    /** The chat-completions body of request {@code n}. */
    public String chatBody(String model, int n, boolean stream, int maxTokens) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("stream", stream);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        ArrayNode messages = body.putArray("messages");
        int cache = cacheFor(n);
        if (cache >= 0) {
            body.put("use_cache", cacheName(cache));
        } else if (kind.equals("system")) {
            messages.addObject().put("role", "system").put("content", systemPrompt(0));
        }
        messages.addObject().put("role", "user").put("content", userTurn(n));
        return body.toString();
    }

    /** Messages as the worker would see them, for the direct (no fleet) baseline. */
    public List<String[]> messages(int n) {
        List<String[]> list = new ArrayList<>();
        int cache = cacheFor(n);
        if (cache >= 0) {
            list.add(new String[] {"system", systemPrompt(cache)});
        } else if (kind.equals("system")) {
            list.add(new String[] {"system", systemPrompt(0)});
        }
        list.add(new String[] {"user", userTurn(n)});
        return list;
    }

    private int zipf(SplittableRandom rnd) {
        double norm = 0;
        for (int k = 1; k <= caches; k++) {
            norm += 1 / Math.pow(k, zipfS);
        }
        double u = rnd.nextDouble() * norm;
        for (int k = 1; k <= caches; k++) {
            u -= 1 / Math.pow(k, zipfS);
            if (u <= 0) {
                return k - 1;
            }
        }
        return caches - 1;
    }

    private static String words(SplittableRandom rnd, int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        sb.setLength(length);
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
