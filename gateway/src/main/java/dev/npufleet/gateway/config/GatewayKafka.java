package dev.npufleet.gateway.config;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.KafkaSettings;
import dev.npufleet.protocol.config.Setting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The gateway's Kafka side: the shared {@link KafkaSettings}, this instance's id (its Kafka
 * clients' names), the bound on every blocking Kafka call, and the partitions of job topics it
 * creates. Immutable; any thread.
 */
public record GatewayKafka(KafkaSettings cluster, String gatewayId, Duration timeout, int jobPartitions) {

    public static final Setting GATEWAY_ID = Setting.derived("NPUFLEET_GATEWAY_ID", "host name + random",
            "this instance's name in logs and Kafka client ids");
    public static final Setting TIMEOUT = Setting.of("NPUFLEET_KAFKA_TIMEOUT_MS", "5000",
            "bound on every blocking Kafka call: a dead broker gives 503 within about this");
    public static final Setting JOB_PARTITIONS = Setting.of("NPUFLEET_JOB_PARTITIONS", "16",
            "partitions of job topics it creates (the most boards one model can use)");

    public GatewayKafka {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(gatewayId, "gatewayId");
        positive(TIMEOUT, timeout);
        positive(JOB_PARTITIONS, jobPartitions);
    }

    public static GatewayKafka read(EnvReader env) {
        String id = env.string(GATEWAY_ID);
        return new GatewayKafka(KafkaSettings.read(env, Set.of(TIMEOUT.name())), id != null ? id : defaultId(),
                env.duration(TIMEOUT), env.integer(JOB_PARTITIONS));
    }

    public Topics topics() {
        return cluster.topics();
    }

    public void describeTo(ConfigValues values) {
        cluster.describeTo(values);
        values.add(GATEWAY_ID, gatewayId).add(TIMEOUT, timeout.toMillis()).add(JOB_PARTITIONS, jobPartitions);
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "gateway";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
