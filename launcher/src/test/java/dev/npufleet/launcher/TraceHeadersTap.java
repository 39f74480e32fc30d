package dev.npufleet.launcher;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** Reads a job's event records from the events topic, for their {@code traceparent} headers. Test thread only. */
final class TraceHeadersTap implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    TraceHeadersTap(String bootstrap, String topic) {
        consumer = EventsTap.fromStart(bootstrap, topic);
    }

    /**
     * The {@code traceparent} of each worker event of {@code jobId} (null where a record has none), once its last
     * event (FINISH or ERROR) is read; the gateway's own ACCEPTED left out.
     */
    List<String> awaitEnd(String jobId) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            List<String> parents = new ArrayList<>();
            boolean ended = false;
            for (ConsumerRecord<String, byte[]> r : seen) {
                if (!jobId.equals(r.key())) {
                    continue;
                }
                Event e = JsonCodec.decode(r.value(), Event.class);
                if (e.type() == EventType.ACCEPTED) {
                    continue;
                }
                Header h = r.headers().lastHeader("traceparent");
                parents.add(h == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                ended |= e.type() == EventType.FINISH || e.type() == EventType.ERROR;
            }
            if (ended) {
                return parents;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        throw new AssertionError("no FINISH or ERROR of job " + jobId + " within 30 s");
    }

    @Override
    public void close() {
        consumer.close();
    }
}
