package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.protocol.kafka.TopicSetup;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The gateway's Kafka client properties, all in one place, each with its reason. */
public final class KafkaProps {
    private KafkaProps() {
    }

    private static Properties common(GatewayKafka config, String role) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.cluster().bootstrapServers());
        // Names this instance and role in broker logs and quotas.
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "npufleet-gateway-" + config.gatewayId() + "-" + role);
        // A broker that comes back is found within a second, not after the 1 s..1000 s default climb.
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // The operator's own settings (security, TLS, SASL) from NPUFLEET_KAFKA_*.
        p.putAll(config.cluster().clientOverrides());
        return p;
    }

    public static Properties producer(GatewayKafka config) {
        Properties p = common(config, "producer");
        long timeout = config.timeout().toMillis();
        // A job, once acknowledged, survives a broker failure; the idempotent producer makes the
        // retries behind that safe (no duplicated jobs).
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Kafka 4 lingers 5 ms by default; every job and cancel is latency-critical, and batching
        // buys nothing at one record per request.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // An unreachable broker must answer 503 within the Kafka timeout, not hang a request:
        // send() blocks at most this long for metadata or buffer space ...
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
        // ... and an accepted record fails its callback at most this long after send().
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        // delivery.timeout.ms must be >= request.timeout.ms + linger.ms.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        // An uploaded batch file is one record of the files topic (which takes records this large).
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TopicSetup.MAX_FILE_RECORD_BYTES + 64 * 1024));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** A consumer without a group: it assigns partitions itself and commits nothing. */
    public static Properties consumer(GatewayKafka config, String role) {
        Properties p = common(config, role);
        // No group: every gateway must see every event (any of them may hold the request), and
        // a gateway restarting has no position worth keeping. Nothing to commit.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A fetch returns as soon as one byte is there (no added latency) ...
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        // ... else waits up to this long at the broker: a long poll, which costs no latency and
        // keeps an idle gateway's CPU near zero (1 ms here burns ~40% of a core).
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        // Positions lost to retention restart at the newest record: old events are of no use.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // Blocking calls (partitionsFor, position) give up within the Kafka timeout and retry later.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(config.timeout().toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(config.timeout().toMillis()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Values stay bytes: an event is decoded only when this gateway waits for its job.
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    public static Properties admin(GatewayKafka config) {
        Properties p = common(config, "admin");
        long timeout = config.timeout().toMillis();
        // Topic creation and health checks give up within the Kafka timeout and are retried.
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        return p;
    }
}
