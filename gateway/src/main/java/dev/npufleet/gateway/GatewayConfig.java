package dev.npufleet.gateway;

import dev.npufleet.gateway.routing.RoutingSettings;
import dev.npufleet.protocol.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a gateway process is configured with, read once from the environment. Immutable;
 * any thread.
 *
 * <p>Environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code NPUFLEET_BOOTSTRAP_SERVERS}, else {@code KAFKA_BOOTSTRAP_SERVERS} [{@code localhost:9092}]:
 *       the Kafka cluster</li>
 *   <li>{@code NPUFLEET_HTTP_HOST} [{@code 0.0.0.0}]: the address the HTTP server binds</li>
 *   <li>{@code NPUFLEET_HTTP_PORT} [{@code 8080}]: its port; 0 picks a free one (see {@link Gateway#port()})</li>
 *   <li>{@code NPUFLEET_MODELS} [{@code qwen3-0.6b-sim}]: comma-separated model ids this gateway serves
 *       (models that live workers announce are served too)</li>
 *   <li>{@code NPUFLEET_TOPIC_PREFIX} [empty]: prefix of every topic name, so fleets can share a cluster</li>
 *   <li>{@code NPUFLEET_REQUEST_TIMEOUT_MS} [{@code 300000}]: the longest a request may take, from arrival to
 *       its last byte; also the job's deadline. Past it: 504, or an error event in a started stream</li>
 *   <li>{@code NPUFLEET_MAX_BODY_BYTES} [{@code 2097152}]: larger request bodies get 413</li>
 *   <li>{@code NPUFLEET_DEFAULT_MAX_TOKENS} [{@code 512}]: {@code max_tokens} of a request that sets none</li>
 *   <li>{@code NPUFLEET_KAFKA_<NAME>}: any Kafka client property for the gateway's clients, e.g.
 *       {@code NPUFLEET_KAFKA_SECURITY_PROTOCOL} → {@code security.protocol} (values of secret-looking
 *       names are not logged).</li>
 *   <li>{@code NPUFLEET_KAFKA_TIMEOUT_MS} [{@code 5000}]: bound on every blocking Kafka call (producer
 *       {@code max.block.ms} and {@code delivery.timeout.ms}, admin calls), so a broker that is down gives
 *       503 within about this long</li>
 *   <li>{@code NPUFLEET_JOB_PARTITIONS} [{@code 16}]: partitions of a job topic the gateway creates (the most
 *       boards one model can use)</li>
 *   <li>{@code NPUFLEET_GATEWAY_ID} [host name + random suffix]: this instance's name in logs and Kafka
 *       client ids</li>
 *   <li>{@code NPUFLEET_WORKER_STALE_MS} [{@code 15000}]: a board whose last status is older than this is shown
 *       as gone in the fleet view, and routing no longer chooses it</li>
 *   <li>{@code NPUFLEET_SSE_KEEPALIVE_MS} [{@code 10000}]: a stream with no text for this long gets an SSE comment
 *       (a stream still waiting for its first token is committed then); this is how a client that went away is
 *       noticed, and its job cancelled, while the job waits in a queue</li>
 *   <li>{@code NPUFLEET_ROUTING} [{@code cache-aware}] and the other {@code NPUFLEET_ROUTING_*} variables: how jobs
 *       are placed on boards, see {@link RoutingSettings}</li>
 *   <li>{@code NPUFLEET_JOB_TTL} [{@code 24h}]: the deadline of an asynchronous job ({@code POST /v1/jobs}) or a
 *       batch's jobs, counted from submission, instead of the request timeout: a job not started by then is dropped
 *       by its worker ({@code deadline_exceeded}). A duration: {@code 24h}, {@code 90m}, {@code 30s}, {@code 500ms},
 *       {@code 7d}; a bare number is milliseconds</li>
 *   <li>{@code NPUFLEET_MAX_FILE_BYTES} [{@code 16777216}, also the most]: larger uploads to {@code POST /v1/files}
 *       get 413 (a file is one record of the files topic)</li>
 * </ul>
 */
public record GatewayConfig(
        String bootstrapServers,
        String httpHost,
        int httpPort,
        List<String> models,
        String topicPrefix,
        Duration requestTimeout,
        int maxBodyBytes,
        int defaultMaxTokens,
        Duration kafkaTimeout,
        int jobPartitions,
        String gatewayId,
        Duration workerStaleAfter,
        Duration sseKeepAlive,
        RoutingSettings routing,
        Map<String, String> kafkaProperties,
        Duration jobTtl,
        int maxFileBytes) {

    public static final String DEFAULT_MODEL = "qwen3-0.6b-sim";
    /** The largest upload the files topic takes (one record per file). */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    public GatewayConfig {
        bootstrapServers = blankToDefault(bootstrapServers, "localhost:9092");
        httpHost = blankToDefault(httpHost, "0.0.0.0");
        models = models == null || models.isEmpty() ? List.of(DEFAULT_MODEL) : List.copyOf(models);
        topicPrefix = topicPrefix == null ? "" : topicPrefix.strip();
        requestTimeout = requestTimeout == null ? Duration.ofMinutes(5) : requestTimeout;
        kafkaTimeout = kafkaTimeout == null ? Duration.ofSeconds(5) : kafkaTimeout;
        workerStaleAfter = workerStaleAfter == null ? Duration.ofSeconds(15) : workerStaleAfter;
        sseKeepAlive = sseKeepAlive == null ? Duration.ofSeconds(10) : sseKeepAlive;
        gatewayId = blankToDefault(gatewayId, defaultGatewayId());
        routing = routing == null ? RoutingSettings.defaults() : routing;
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        jobTtl = jobTtl == null ? Duration.ofHours(24) : jobTtl;
        maxFileBytes = maxFileBytes == 0 ? MAX_FILE_BYTES : maxFileBytes;
        if (maxFileBytes < 0 || maxFileBytes > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("NPUFLEET_MAX_FILE_BYTES must be 1-" + MAX_FILE_BYTES + ", was "
                    + maxFileBytes);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("NPUFLEET_HTTP_PORT must be 0-65535, was " + httpPort);
        }
        requirePositive("NPUFLEET_MAX_BODY_BYTES", maxBodyBytes);
        requirePositive("NPUFLEET_DEFAULT_MAX_TOKENS", defaultMaxTokens);
        requirePositive("NPUFLEET_JOB_PARTITIONS", jobPartitions);
        requirePositive("NPUFLEET_REQUEST_TIMEOUT_MS", requestTimeout.toMillis());
        requirePositive("NPUFLEET_KAFKA_TIMEOUT_MS", kafkaTimeout.toMillis());
        requirePositive("NPUFLEET_WORKER_STALE_MS", workerStaleAfter.toMillis());
        requirePositive("NPUFLEET_SSE_KEEPALIVE_MS", sseKeepAlive.toMillis());
        requirePositive("NPUFLEET_JOB_TTL", jobTtl.toMillis());
        models.forEach(m -> {
            if (m.isBlank()) {
                throw new IllegalArgumentException("NPUFLEET_MODELS holds an empty model id");
            }
        });
        new Topics(topicPrefix); // validates the prefix now rather than at the first request
    }

    /**
     * Reads the variables listed above.
     *
     * @throws IllegalArgumentException naming the variable whose value is malformed or out of range
     */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String bootstrap = env.get("NPUFLEET_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        }
        return new GatewayConfig(
                bootstrap,
                env.get("NPUFLEET_HTTP_HOST"),
                intVar(env, "NPUFLEET_HTTP_PORT", 8080),
                listVar(env.get("NPUFLEET_MODELS")),
                env.get("NPUFLEET_TOPIC_PREFIX"),
                Duration.ofMillis(longVar(env, "NPUFLEET_REQUEST_TIMEOUT_MS", 300_000)),
                intVar(env, "NPUFLEET_MAX_BODY_BYTES", 2 * 1024 * 1024),
                intVar(env, "NPUFLEET_DEFAULT_MAX_TOKENS", 512),
                Duration.ofMillis(longVar(env, "NPUFLEET_KAFKA_TIMEOUT_MS", 5_000)),
                intVar(env, "NPUFLEET_JOB_PARTITIONS", 16),
                env.get("NPUFLEET_GATEWAY_ID"),
                Duration.ofMillis(longVar(env, "NPUFLEET_WORKER_STALE_MS", 15_000)),
                Duration.ofMillis(longVar(env, "NPUFLEET_SSE_KEEPALIVE_MS", 10_000)),
                RoutingSettings.fromEnv(env),
                kafkaPassThrough(env),
                durationVar(env, "NPUFLEET_JOB_TTL", Duration.ofHours(24)),
                intVar(env, "NPUFLEET_MAX_FILE_BYTES", MAX_FILE_BYTES));
    }

    /**
     * {@code NPUFLEET_KAFKA_<NAME>} → Kafka client property {@code <name>} (lower case, '_' → '.'),
     * e.g. {@code NPUFLEET_KAFKA_SECURITY_PROTOCOL=SASL_SSL}; {@code NPUFLEET_KAFKA_TIMEOUT_MS} is
     * the gateway's own setting, not passed through.
     */
    private static Map<String, String> kafkaPassThrough(Map<String, String> env) {
        Map<String, String> props = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX) && k.length() > KAFKA_PREFIX.length() && !k.equals("NPUFLEET_KAFKA_TIMEOUT_MS")) {
                props.put(k.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return props;
    }

    private static final String KAFKA_PREFIX = "NPUFLEET_KAFKA_";

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** One line for the start-up log. Holds no secrets (the config has none; bootstrap addresses are not). */
    public String describe() {
        return "gatewayId=" + gatewayId + " bootstrap=" + bootstrapServers + " http=" + httpHost + ":" + httpPort
                + " models=" + models + " topicPrefix='" + topicPrefix + "' requestTimeout=" + requestTimeout.toMillis()
                + "ms maxBodyBytes=" + maxBodyBytes + " defaultMaxTokens=" + defaultMaxTokens + " kafkaTimeout="
                + kafkaTimeout.toMillis() + "ms jobPartitions=" + jobPartitions + " workerStaleAfter="
                + workerStaleAfter.toMillis() + "ms sseKeepAlive=" + sseKeepAlive.toMillis() + "ms "
                + "jobTtl=" + jobTtl + " maxFileBytes=" + maxFileBytes + " " + routing.describe() + " kafka="
                + maskedKafkaProperties();
    }

    private Map<String, String> maskedKafkaProperties() {
        Map<String, String> shown = new TreeMap<>();
        kafkaProperties.forEach((k, v) -> shown.put(k,
                k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("key") ? "****" : v));
        return shown;
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static List<String> listVar(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        long value = longVar(env, name, fallback);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + " is out of range: " + value);
        }
        return (int) value;
    }

    private static long longVar(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'", e);
        }
    }

    /** {@code 24h}, {@code 90m}, {@code 30s}, {@code 500ms}, {@code 7d}; a bare number is milliseconds. */
    private static Duration durationVar(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a duration such as 24h, 90m, 30s or 500ms, was '"
                    + value + "'");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is out of range: " + value, e);
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static String defaultGatewayId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "gateway";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
