package dev.npufleet.worker.job;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Tells a reply topic that can never take a job's events from a broker that is only away for now. Undeliverable:
 * a topic that does not exist (brokers here do not create topics on first use), an internal one
 * ({@code __consumer_offsets}), one the worker may not write, and an event the topic refuses for its size. A job
 * with such a reply goes to the dead-letter topic once, so that its partition moves on; a job whose reply topic
 * cannot be looked up (the broker is away) runs, and an outage is ridden out as usual.
 *
 * <p>Known-good topics are remembered for {@link #REMEMBER}, so the look-up costs one admin call per topic
 * every few minutes. Called on the job thread; thread-safe.
 */
public final class ReplyTopics {

    /** How long a topic found writable is not asked about again. */
    static final Duration REMEMBER = Duration.ofMinutes(5);

    /** What the broker says about one topic. */
    public enum Found { WRITABLE, INTERNAL, MISSING, FORBIDDEN, UNKNOWN }

    /** Asks the broker about a topic (an admin describe); UNKNOWN when it cannot say now. */
    @FunctionalInterface
    public interface Lookup {
        Found describe(String topic);
    }

    /** Accepts every topic (no broker to ask: unit tests). */
    public static final ReplyTopics UNCHECKED = new ReplyTopics(topic -> Found.WRITABLE);

    private final Lookup lookup;
    private final Map<String, Long> writableUntil = new ConcurrentHashMap<>();

    public ReplyTopics(Lookup lookup) {
        this.lookup = lookup;
    }

    /** @return why {@code topic} can never take the job's events, or empty when it can or cannot be told now */
    public Optional<String> undeliverable(String topic) {
        if (topic.startsWith("__")) {
            return Optional.of("reply_to names an internal topic: " + topic);
        }
        long now = System.currentTimeMillis();
        Long until = writableUntil.get(topic);
        if (until != null && until > now) {
            return Optional.empty();
        }
        return switch (lookup.describe(topic)) {
            case WRITABLE -> {
                writableUntil.put(topic, now + REMEMBER.toMillis());
                yield Optional.empty();
            }
            case INTERNAL -> Optional.of("reply_to names an internal topic: " + topic);
            case MISSING -> Optional.of("reply_to topic does not exist: " + topic);
            case FORBIDDEN -> Optional.of("the worker may not write to the reply_to topic " + topic);
            case UNKNOWN -> Optional.empty();
        };
    }

    /**
     * @return why a failed send means the job's events can never be delivered (a record the topic refuses), or
     *     empty for a failure that may pass (the broker away)
     */
    public static Optional<String> undeliverable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return Optional.of("an event of the job is larger than its reply topic accepts (" + t.getMessage() + ")");
            }
            if (t instanceof InvalidTopicException || t instanceof UnknownTopicOrPartitionException
                    || t instanceof TopicAuthorizationException) {
                return Optional.of("the reply topic refused the job's events (" + t + ")");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
