package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeferredAcceptedTest {
    private static final Duration LONG = Duration.ofMinutes(10);
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger published = new AtomicInteger();

    private DeferredAccepted accepted(Duration fallback) {
        return new DeferredAccepted(published::incrementAndGet, new DelayedBatch(timers, fallback), Runnable::run);
    }

    /** Waits until every task the timer holds now has run or been cancelled (a marker queued behind them ran). */
    private void drainTimer(Duration after) throws InterruptedException {
        CountDownLatch marker = new CountDownLatch(1);
        timers.schedule(marker::countDown, after.toNanos(), TimeUnit.NANOSECONDS);
        assertThat(marker.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void shouldPublishOnceWhenTheAnswerStartsAfterTheAcknowledgement() {
        DeferredAccepted a = accepted(LONG);
        a.jobSent();
        a.jobAcknowledged();
        assertThat(published).hasValue(0);

        a.answerStarted();
        a.answerStarted(); // the next chunks
        a.answerStarted(); // the exchange's end

        assertThat(published).hasValue(1);
        assertThat(a.isDone()).isTrue();
    }

    @Test
    void shouldWaitForTheAcknowledgementWhenTheAnswerStartsFirst() {
        DeferredAccepted a = accepted(LONG);
        a.jobSent();
        a.answerStarted();
        assertThat(published).hasValue(0);

        a.jobAcknowledged();
        a.answerStarted();

        assertThat(published).hasValue(1);
    }

    @Test
    void shouldNeverPublishForAJobWhosePublishFailed() throws InterruptedException {
        Duration fallback = Duration.ofMillis(20);
        DeferredAccepted beforeAnything = accepted(fallback);
        beforeAnything.jobSent();
        beforeAnything.jobFailed();
        beforeAnything.answerStarted(); // the exchange ends with the failure
        DeferredAccepted afterTheAnswer = accepted(fallback);
        afterTheAnswer.jobSent();
        afterTheAnswer.answerStarted();
        afterTheAnswer.jobFailed();

        drainTimer(fallback.multipliedBy(2)); // whatever fallback was still queued has had its turn

        assertThat(published).hasValue(0);
        assertThat(beforeAnything.isDone()).isTrue();
        assertThat(afterTheAnswer.isDone()).isTrue();
    }

    @Test
    void shouldPublishOnceByTheFallbackWhenNoAnswerStarts() throws InterruptedException {
        DeferredAccepted a = accepted(Duration.ofMillis(10));
        a.jobSent();
        a.jobAcknowledged();

        await().atMost(Duration.ofSeconds(30)).until(() -> published.get() == 1);
        a.answerStarted();
        a.jobAcknowledged();
        drainTimer(Duration.ofMillis(20));

        assertThat(published).hasValue(1);
    }

    @Test
    void shouldPublishAtTheAcknowledgementWhenTheFallbackFiredBeforeIt() throws InterruptedException {
        DeferredAccepted a = accepted(Duration.ofMillis(1));
        a.jobSent();
        drainTimer(Duration.ofMillis(5)); // the fallback fired: the job is not acknowledged yet
        assertThat(published).hasValue(0);

        a.jobAcknowledged();

        assertThat(published).hasValue(1);
    }

    @Test
    void shouldPublishExactlyOnceWhateverTheThreadsRace() throws Exception {
        for (int i = 0; i < 500; i++) {
            published.set(0);
            DeferredAccepted a = accepted(Duration.ofNanos(1 + i % 3 * 50_000));
            a.jobSent();
            Thread consumer = new Thread(a::answerStarted);
            Thread producer = new Thread(a::jobAcknowledged);
            consumer.start();
            producer.start();
            a.answerStarted();
            consumer.join();
            producer.join();
            drainTimer(Duration.ofMillis(1));

            assertThat(published).as("round %d", i).hasValue(1);
        }
    }
}
