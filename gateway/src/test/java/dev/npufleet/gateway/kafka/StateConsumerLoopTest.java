package dev.npufleet.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateConsumerLoopTest {
    private static final TopicPartition CACHES = new TopicPartition("npu.caches", 0);
    private static final TopicPartition WORKERS = new TopicPartition("npu.workers", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final CacheView caches = new CacheView();
    private final FleetView fleet = new FleetView(Duration.ofSeconds(15));
    private final StateConsumerLoop loop = new StateConsumerLoop(consumer, CACHES.topic(), WORKERS.topic(), caches,
            fleet, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void shouldLoadBothTopicsFromTheStartAndBeReadyOnceCachesAreReadToTheirEnd() {
        CacheDefinition def = new CacheDefinition("m", "sys", "r1", "Be brief.", List.of(), false, 0, 1);
        long now = System.currentTimeMillis();
        WorkerStatus status = new WorkerStatus(Protocol.VERSION, "w1", "m", "sim", "1.2", WorkerStatus.State.IDLE,
                List.of(0), List.of(), 0, null, 1, 1, 1, 0, 1000, now, now);
        consumer.updatePartitions(CACHES.topic(), List.of(new PartitionInfo(CACHES.topic(), 0, null, null, null)));
        consumer.updatePartitions(WORKERS.topic(), List.of(new PartitionInfo(WORKERS.topic(), 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(CACHES, 0L, WORKERS, 0L));
        consumer.updateEndOffsets(Map.of(CACHES, 2L, WORKERS, 1L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(new ConsumerRecord<>(CACHES.topic(), 0, 0, "m/gone", JsonCodec.encode(
                    new CacheDefinition("m", "gone", "r0", "x", List.of(), false, 0, 1))));
            consumer.addRecord(new ConsumerRecord<>(WORKERS.topic(), 0, 0, "w1", JsonCodec.encode(status)));
        });
        loop.start();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !caches.isReady());

        consumer.schedulePollTask(() -> consumer.addRecord(
                new ConsumerRecord<>(CACHES.topic(), 0, 1, "m/sys", JsonCodec.encode(def))));

        await().atMost(Duration.ofSeconds(10)).until(caches::isReady);
        assertThat(caches.find("m", "sys", now)).hasValue(def);
        assertThat(fleet.live("m", now)).extracting(WorkerStatus::workerId).containsExactly("w1");
    }
}
