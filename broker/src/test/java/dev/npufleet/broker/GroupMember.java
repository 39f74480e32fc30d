package dev.npufleet.broker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One consumer-group member polling on its own thread (the consumer's only user), publishing its
 * current assignment for the test thread to observe.
 */
final class GroupMember implements AutoCloseable {

    private final Thread thread;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running = true;
    private volatile CloseOptions closeOptions = CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    private volatile Throwable failure;

    GroupMember(String name, String bootstrap, String group, String topic, Map<String, Object> config) {
        thread = new Thread(() -> run(bootstrap, group, topic, config), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String bootstrap, String group, String topic, Map<String, Object> config) {
        KafkaConsumer<String, String> c = null;
        try {
            c = Clients.consumer(bootstrap, group, config);
            consumer = c;
            c.subscribe(List.of(topic));
            while (running) {
                c.poll(Duration.ofMillis(100));
                assignment = Set.copyOf(c.assignment());
            }
        } catch (WakeupException e) {
            // stop() asked us to end
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (c != null) {
                c.close(closeOptions);
            }
        }
    }

    Set<TopicPartition> assignment() {
        if (failure != null) {
            throw new AssertionError("member failed", failure);
        }
        return assignment;
    }

    /** Leaves the group the way a worker that shuts down cleanly does. */
    @Override
    public void close() {
        stop();
    }

    /** Stops polling without leaving the group, as a killed worker would: the broker must notice. */
    void crash() {
        closeOptions = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
        stop();
    }

    private void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping " + thread.getName(), e);
        }
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " did not stop");
        }
    }
}
