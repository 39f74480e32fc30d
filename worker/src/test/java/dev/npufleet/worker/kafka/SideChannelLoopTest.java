package dev.npufleet.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.cache.CacheDefinitionView;
import dev.npufleet.worker.cache.CacheStore;
import dev.npufleet.worker.testing.Jobs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideChannelLoopTest {

    @TempDir
    Path tmp;

    private final Topics topics = new Topics("t.");
    private final TopicPartition control = new TopicPartition(topics.control(), 0);
    private final TopicPartition caches = new TopicPartition(topics.caches(), 0);
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final CatchUpRequests catchUp = new CatchUpRequests();
    private CacheDefinitionView view;
    private SideChannelLoop loop;
    private Thread thread;

    @BeforeEach
    void start() throws InterruptedException {
        consumer.updatePartitions(topics.control(), List.of(new PartitionInfo(topics.control(), 0, null, null, null)));
        consumer.updatePartitions(topics.caches(), List.of(new PartitionInfo(topics.caches(), 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(control, 0L, caches, 0L));
        consumer.updateEndOffsets(Map.of(control, 5L, caches, 0L));
        view = new CacheDefinitionView("tiny", CacheStore.open(tmp, 1 << 20, Clock.systemUTC()), Clock.systemUTC(),
                catchUp::request);
        loop = new SideChannelLoop(consumer, topics, cancelled::add, view, catchUp, Duration.ofMillis(5), e -> { });
        thread = new Thread(loop, "side-test");
        thread.start();
        assertThat(loop.awaitStarted(Duration.ofSeconds(5))).isTrue();
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void shouldReadControlFromItsEndAndPassCancelsOn() {
        assertThat(consumer.position(control)).isEqualTo(5); // older cancels are not replayed

        consumer.addRecord(new ConsumerRecord<>(topics.control(), 0, 5, "job-9",
                JsonCodec.encode(CancelRequest.of("job-9", "client left"))));

        await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.contains("job-9"));
    }

    @Test
    void shouldApplyCacheDefinitionsAndTombstonesToTheView() {
        CacheDefinition def = Jobs.chatCache("tiny", "docs", "r1", "S");
        consumer.addRecord(new ConsumerRecord<>(topics.caches(), 0, 0, def.key(), JsonCodec.encode(def)));
        await().atMost(Duration.ofSeconds(5)).until(() -> view.current("docs").isPresent());

        consumer.addRecord(new ConsumerRecord<>(topics.caches(), 0, 1, def.key(), null));

        await().atMost(Duration.ofSeconds(5)).until(() -> view.current("docs").isEmpty());
    }

    @Test
    void shouldCompleteACatchUpOnceTheRecordsWrittenBeforeItAreApplied() {
        // Given a definition the broker has but the consumer has not fetched yet
        CacheDefinition def = Jobs.chatCache("tiny", "late", "r1", "S");
        consumer.updateEndOffsets(Map.of(control, 5L, caches, 1L));
        CompletableFuture<Void> caughtUp = catchUp.request();
        assertThat(caughtUp).isNotDone();

        // When it arrives
        consumer.addRecord(new ConsumerRecord<>(topics.caches(), 0, 0, def.key(), JsonCodec.encode(def)));

        // Then the catch-up completes with the definition in the view
        await().atMost(Duration.ofSeconds(5)).until(caughtUp::isDone);
        assertThat(view.current("late")).isPresent();
    }
}
