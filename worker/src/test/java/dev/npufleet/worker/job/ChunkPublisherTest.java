package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.testing.ManualSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChunkPublisherTest {

    private final ManualSink sink = new ManualSink();
    private final ChunkPublisher chunks = new ChunkPublisher(sink, "replies", "job-1", "w1", 1);

    @Test
    void shouldSendTheFirstTextAtOnce() {
        chunks.append("Hel");
        assertThat(sink.events()).extracting(Event::text).containsExactly("Hel");
        assertThat(sink.events().get(0).seq()).isZero();
    }

    @Test
    void shouldCoalesceTextWhileAChunkIsInFlight() {
        // Given a chunk in flight
        chunks.append("a");

        // When more tokens arrive before its ack
        chunks.append("b");
        chunks.append("c");

        // Then they wait, and go as one chunk when the first is acknowledged
        assertThat(sink.events()).hasSize(1);
        sink.ackAll();
        assertThat(sink.events()).extracting(Event::text).containsExactly("a", "bc");
        assertThat(sink.events()).extracting(Event::seq).containsExactly(0L, 1L);
    }

    @Test
    void shouldCountSeqInCodePoints() {
        chunks.append("\uD83D\uDE00x");
        sink.ackAll();
        chunks.append("y");
        assertThat(sink.events()).extracting(Event::seq).containsExactly(0L, 2L);
        assertThat(chunks.length()).isEqualTo(3);
    }

    @Test
    void shouldSendTheLastEventOnlyOnceEveryChunkIsAcknowledged() {
        // Given a chunk in flight and text held behind it
        chunks.append("a");
        chunks.append("b");

        // When the job finishes
        CompletableFuture<Void> done = chunks.finish(finish(2));

        // Then nothing more leaves until the chunk in flight is acknowledged
        assertThat(sink.events()).extracting(Event::type).containsExactly(EventType.CHUNK);
        sink.ack(0);
        assertThat(sink.events()).extracting(Event::type).containsExactly(EventType.CHUNK, EventType.CHUNK);
        sink.ack(1);
        assertThat(sink.events()).extracting(Event::type)
                .containsExactly(EventType.CHUNK, EventType.CHUNK, EventType.FINISH);
        assertThat(sink.events().get(2).seq()).isEqualTo(2);
        assertThat(done).isNotDone();
        sink.ackAll();
        assertThat(done).isCompleted();
    }

    @Test
    void shouldNeitherFinishNorSendLaterTextAfterAChunkWasNotDelivered() {
        // Given a chunk in flight, text held behind it, and the job finishing
        AtomicInteger stops = new AtomicInteger();
        chunks.onFailure(stops::incrementAndGet);
        chunks.append("a");
        chunks.append("b");
        CompletableFuture<Void> done = chunks.finish(finish(2));

        // When the chunk in flight fails
        sink.fail(0, new IllegalStateException("broker away"));
        sink.ackAll();

        // Then no later chunk and no FINISH was sent, the job fails, and the generation is told to stop once
        assertThat(sink.events()).extracting(Event::text).containsExactly("a");
        assertThat(done).isCompletedExceptionally();
        assertThat(chunks.failed()).isTrue();
        assertThat(stops).hasValue(1);
    }

    @Test
    void shouldDropTextAppendedAfterAFailure() {
        chunks.append("a");
        sink.fail(0, new IllegalStateException("broker away"));
        chunks.append("b");
        assertThat(sink.events()).hasSize(1);
        assertThat(chunks.done()).isCompletedExceptionally();
    }

    @Test
    void shouldFailTheJobWhenTheLastEventWasNotDelivered() {
        CompletableFuture<Void> done = chunks.finish(finish(0));
        sink.fail(0, new IllegalStateException("broker away"));
        assertThat(done).isCompletedExceptionally();
    }

    private static Event finish(long length) {
        return Event.finish("job-1", "w1", 1, length, "stop", Usage.of(1, 1, 0), null, null);
    }

    @Test
    void shouldSendChunksBehindAnUnacknowledgedStartedButTheLastEventOnlyAfterIt() {
        // Given the job's STARTED in flight
        CompletableFuture<Void> started = new CompletableFuture<>();
        chunks.after(started);

        // When text comes and the job finishes before STARTED's ack
        chunks.append("a");
        sink.ackAll();
        CompletableFuture<Void> done = chunks.finish(finish(1));

        // Then the chunk went at once, the last event waits for STARTED
        assertThat(sink.events()).extracting(Event::type).containsExactly(EventType.CHUNK);
        started.complete(null);
        assertThat(sink.events()).extracting(Event::type).containsExactly(EventType.CHUNK, EventType.FINISH);
        sink.ackAll();
        assertThat(done).isCompleted();
    }

    @Test
    void shouldFailTheJobsEventsWhenItsStartedIsNotDelivered() {
        // Given a STARTED in flight, a chunk behind it, text held behind that, and the job finishing
        CompletableFuture<Void> started = new CompletableFuture<>();
        chunks.after(started);
        chunks.append("a");
        chunks.append("b");
        CompletableFuture<Void> done = chunks.finish(finish(2));

        // When the STARTED cannot be delivered
        started.completeExceptionally(new IllegalStateException("broker away"));
        sink.ackAll();

        // Then nothing more of the job is sent, the job fails (it runs again), and a stop asked later runs at once
        AtomicInteger stops = new AtomicInteger();
        chunks.onFailure(stops::incrementAndGet);
        assertThat(sink.events()).extracting(Event::text).containsExactly("a");
        assertThat(done).isCompletedExceptionally();
        assertThat(stops).hasValue(1);
    }

    @Test
    void shouldNotWaitForAStartedAlreadyAcknowledged() {
        chunks.after(CompletableFuture.completedFuture(null));
        chunks.append("a");
        assertThat(sink.events()).extracting(Event::text).containsExactly("a");
    }
}
