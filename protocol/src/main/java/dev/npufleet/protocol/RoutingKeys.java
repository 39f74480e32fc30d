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
    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up on each call. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    private RoutingKeys() {
    }

    public static String forJob(Job job) {
        if (job.cache() != null) {
            return CacheDefinition.key(job.model(), job.cache().name());
        }
        List<ChatMessage> messages = job.messages();
        if (messages.isEmpty() || !messages.get(0).role().equals("system")) {
            return job.id();
        }
        // the digest of every leading system turn's UTF-8 followed by a NUL, fed turn by turn (no joined copy)
        MessageDigest sha = SHA256.get();
        for (ChatMessage m : messages) {
            if (!m.role().equals("system")) {
                break;
            }
            sha.update(m.content().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        byte[] digest = sha.digest(); // also resets it for the thread's next key
        return job.model() + "/sys:" + HexFormat.of().formatHex(digest, 0, 8);
    }

}
