package dev.npufleet.protocol.config;

import dev.npufleet.protocol.Topics;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a process finds its Kafka cluster and how its clients are set up, the same for every
 * process: bootstrap servers, the topic prefix, and the operator's client properties from
 * {@code NPUFLEET_KAFKA_<NAME>} (shown with secrets masked by the one rule in {@link Secrets}).
 * Immutable; any thread.
 *
 * @param bootstrapServers the cluster's bootstrap addresses
 * @param topicPrefix the prefix of every topic and consumer group name (may be empty)
 * @param clientOverrides Kafka client properties applied last to every client of the process
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix, Map<String, String> clientOverrides) {

    public static final Setting BOOTSTRAP_SERVERS = Setting.of("NPUFLEET_BOOTSTRAP_SERVERS", "localhost:9092",
            "`KAFKA_BOOTSTRAP_SERVERS`, else `localhost:9092`", "Kafka");
    /** Read when {@code NPUFLEET_BOOTSTRAP_SERVERS} is unset (the name other Kafka tools use). */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final Setting TOPIC_PREFIX = Setting.of("NPUFLEET_TOPIC_PREFIX", "", "prefix of every topic");
    public static final String CLIENT_PREFIX = "NPUFLEET_KAFKA_";
    public static final Setting CLIENT_OVERRIDES = Setting.derived(CLIENT_PREFIX + "<NAME>", "none",
            "any Kafka client property (`NPUFLEET_KAFKA_SECURITY_PROTOCOL` → `security.protocol`); values of "
                    + "secret-looking names are not shown");

    public KafkaSettings {
        Checks.notBlank(BOOTSTRAP_SERVERS, bootstrapServers);
        topicPrefix = Objects.requireNonNull(topicPrefix, "topicPrefix").strip();
        new Topics(topicPrefix); // refuses a prefix Kafka cannot name topics with, now rather than at first use
        clientOverrides = Map.copyOf(clientOverrides);
    }

    /**
     * Reads the settings; {@code own} names the process's own {@code NPUFLEET_KAFKA_*} variables,
     * which are not client properties.
     */
    public static KafkaSettings read(EnvReader env, Set<String> own) {
        return new KafkaSettings(env.string(BOOTSTRAP_SERVERS, KAFKA_BOOTSTRAP_SERVERS), env.string(TOPIC_PREFIX),
                env.prefixed(CLIENT_PREFIX, own));
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The client properties with secret-looking values masked, for logs. */
    public Map<String, String> shownOverrides() {
        return Secrets.masked(clientOverrides);
    }

    public void describeTo(ConfigValues values) {
        values.add(BOOTSTRAP_SERVERS, bootstrapServers).add(TOPIC_PREFIX, "'" + topicPrefix + "'")
                .add(CLIENT_OVERRIDES, shownOverrides());
    }

    /** One line for logs. */
    public String description() {
        ConfigValues v = new ConfigValues();
        describeTo(v);
        return v.line();
    }
}
