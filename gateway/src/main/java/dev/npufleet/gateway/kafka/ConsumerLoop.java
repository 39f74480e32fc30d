package dev.npufleet.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that owns one group-less consumer: assigns its partitions itself (retrying while the
 * broker or the topics are not there), polls, hands records to {@link #handle}. Other threads only
 * call {@link #close()}, which sets the state and wakes the consumer.
 *
 * <p>States: STARTING (not yet assigned: broker down or topics missing), RUNNING (polling),
 * CLOSING (asked to stop), CLOSED (consumer closed). Transitions are one way; close is idempotent.
 */
abstract class ConsumerLoop implements AutoCloseable {
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** Where the loop is; see the class comment. */
    enum State { STARTING, RUNNING, CLOSING, CLOSED }

    private final Logger log = LoggerFactory.getLogger(getClass());
    protected final Consumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private volatile State state = State.STARTING;
    private volatile boolean failing;

    ConsumerLoop(Consumer<String, byte[]> consumer, String threadName) {
        this.consumer = consumer;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the loop thread. Once. */
    public final void start() {
        thread.start();
    }

    /** Assigns and positions the partitions. @return false to retry later (topics not there yet) */
    protected abstract boolean assign();

    protected abstract void handle(ConsumerRecords<String, byte[]> records);

    /** Runs after every poll, on the loop thread (periodic checks). */
    protected void afterPoll() {
    }

    private void run() {
        try {
            while (state != State.CLOSING) {
                step();
            }
        } finally {
            closeConsumer();
        }
    }

    private void step() {
        try {
            if (state == State.STARTING) {
                if (!assign()) {
                    pause();
                    return;
                }
                setState(State.RUNNING);
            }
            handle(consumer.poll(POLL));
            afterPoll();
            recovered();
        } catch (WakeupException e) {
            // close() woke us: the while condition ends the loop
        } catch (KafkaException e) {
            if (!failing) {
                failing = true;
                log.warn("Kafka call failed, retrying every {} ms: {}", RETRY.toMillis(), e.toString());
            }
            pause();
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            log.info("Kafka calls succeed again");
        }
    }

    private void pause() {
        try {
            closeSignal.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            setState(State.CLOSING);
        }
    }

    private synchronized void setState(State next) {
        if (state != State.CLOSING && state != State.CLOSED) {
            state = next;
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        } catch (KafkaException e) {
            log.debug("closing the consumer failed", e);
        }
        state = State.CLOSED;
    }

    State state() {
        return state;
    }

    /** Stops the loop and waits (bounded) for the consumer to close. Any thread; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSING;
        }
        closeSignal.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive() && state != State.CLOSED) {
            closeConsumer(); // the loop never started: nobody else owns the consumer
        }
    }
}
