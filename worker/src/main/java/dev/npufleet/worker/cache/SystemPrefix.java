package dev.npufleet.worker.cache;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.RoutingKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The leading system messages of a chat job without a named cache, and their hash: the 16 hex
 * digits of the job's routing key {@code <model>/sys:<hex>}. The hash is read from
 * {@link RoutingKeys#forJob} itself, not computed a second time, so the worker's automatic cache
 * name {@code auto-<hex>} and the gateway's routing key can never disagree.
 *
 * @param hash 16 lower-case hex digits
 * @param messages the leading system messages (not empty)
 */
public record SystemPrefix(String hash, List<ChatMessage> messages) {

    /** Name prefix of automatic caches; the gateway matches {@code auto-<hex>} to routing key {@code sys:<hex>}. */
    public static final String AUTO_CACHE_PREFIX = "auto-";

    private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");

    public SystemPrefix {
        Objects.requireNonNull(hash, "hash");
        if (!HEX16.matcher(hash).matches()) {
            throw new IllegalArgumentException("not 16 hex digits: " + hash);
        }
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a system prefix has at least one message");
        }
    }

    /**
     * The job's system prefix, or empty for a job that names a cache, is not a chat, or does not
     * start with a system message.
     */
    public static Optional<SystemPrefix> of(Job job) {
        if (job.kind() != JobKind.CHAT || job.cache() != null) {
            return Optional.empty();
        }
        List<ChatMessage> system = new ArrayList<>();
        for (ChatMessage m : job.messages()) {
            if (!m.role().equals("system")) {
                break; // the same leading run of system messages that RoutingKeys hashes
            }
            system.add(m);
        }
        String key = RoutingKeys.forJob(job);
        String marker = job.model() + "/sys:";
        if (system.isEmpty() || !key.startsWith(marker)) {
            return Optional.empty();
        }
        String hash = key.substring(marker.length());
        return HEX16.matcher(hash).matches() ? Optional.of(new SystemPrefix(hash, system)) : Optional.empty();
    }

    /** The automatic cache's name: {@code auto-<hash>}. */
    public String cacheName() {
        return AUTO_CACHE_PREFIX + hash;
    }
}
