package dev.npufleet.launcher.chaos;

import dev.npufleet.launcher.LocalFleet;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records no worker can run straight to the job topic, each under its own key. */
final class PoisonRecords {

    private PoisonRecords() {
    }

    /** @return what was sent (a description) → its record key */
    static Map<String, String> send(String bootstrap) throws Exception {
        Topics topics = Topics.defaults();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("garbage bytes", new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x13, 0x37});
        records.put("wrong schema (JSON, not a job)", "{\"hello\":\"world\",\"v\":1}".getBytes(StandardCharsets.UTF_8));
        records.put("huge record (600 KB)", ("{\"v\":1,\"junk\":\"" + "x".repeat(600 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        records.put("reply_to a topic that does not exist", JsonCodec.encode(job("no-such-reply-topic")));
        records.put("reply_to __consumer_offsets", JsonCodec.encode(job("__consumer_offsets")));
        Map<String, String> keys = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> e : records.entrySet()) {
                String key = "chaos-poison-" + JobIds.newId();
                producer.send(new ProducerRecord<>(topics.jobs(LocalFleet.MODEL), key, e.getValue()))
                        .get(30, TimeUnit.SECONDS);
                keys.put(e.getKey(), key);
            }
        }
        return keys;
    }

    private static Job job(String replyTo) {
        return new Job(Protocol.VERSION, JobIds.newId(), LocalFleet.MODEL, JobKind.CHAT,
                List.of(ChatMessage.user("Hello")), null, null,
                new GenerationParams(8, 0.0, null, null, null, List.of(), null, null, null), replyTo,
                System.currentTimeMillis(), 0);
    }
}
