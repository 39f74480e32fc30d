package dev.npufleet.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The record key of a job, which decides its partition and so its board: {@code model/cache}
 * for a named cache (jobs for one cache meet the board holding its file); for no cache, a hash
 * of the system prompt (equal system prompts meet on one board); else the job id.
 */
public final class RoutingKeys {
    private RoutingKeys() {
    }

    public static String forJob(Job job) {
        if (job.cache() != null) {
            return CacheDefinition.key(job.model(), job.cache().name());
        }
        String system = systemPrompt(job.messages());
        if (!system.isEmpty()) {
            return job.model() + "/sys:" + sha256Prefix(system);
        }
        return job.id();
    }

    private static String systemPrompt(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if (!m.role().equals("system")) {
                break;
            }
            sb.append(m.content()).append('\u0000');
        }
        return sb.toString();
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
