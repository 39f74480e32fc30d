package dev.npufleet.worker.kafka;

import dev.npufleet.worker.job.ReplyTopics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link ReplyTopics.Lookup} over an admin client: describes the topic, waiting at most {@code timeout}. Owns the
 * admin client. Called on the job thread.
 */
public final class AdminTopicLookup implements ReplyTopics.Lookup, AutoCloseable {

    private final Admin admin;
    private final Duration timeout;

    public AdminTopicLookup(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    @Override
    public ReplyTopics.Found describe(String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return d == null ? ReplyTopics.Found.MISSING
                    : d.isInternal() ? ReplyTopics.Found.INTERNAL : ReplyTopics.Found.WRITABLE;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException || cause instanceof InvalidTopicException) {
                return ReplyTopics.Found.MISSING;
            }
            return cause instanceof TopicAuthorizationException ? ReplyTopics.Found.FORBIDDEN
                    : ReplyTopics.Found.UNKNOWN;
        } catch (TimeoutException e) {
            return ReplyTopics.Found.UNKNOWN; // the broker is away: cannot tell now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReplyTopics.Found.UNKNOWN;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
