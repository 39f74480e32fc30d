package dev.npufleet.worker;

import dev.npufleet.worker.job.RerunMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The worker's whole configuration, read from environment variables by {@link #fromEnv}; every
 * default lives in the compact constructor (null or 0 = default), except {@code autoCacheAfter},
 * where 0 means "off" and the default comes from {@link #fromEnv}. Immutable; any thread.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code NPUFLEET_BOOTSTRAP_SERVERS}</td><td>{@code KAFKA_BOOTSTRAP_SERVERS}, else {@code localhost:9092}</td><td>Kafka bootstrap servers</td></tr>
 * <tr><td>{@code NPUFLEET_WORKER_ID}</td><td>host name</td><td>board id: status key, static group member id, client id ({@code [A-Za-z0-9._-]})</td></tr>
 * <tr><td>{@code NPUFLEET_MODEL}</td><td>{@code qwen3-0.6b-sim}</td><td>model id served; jobs topic {@code npu.jobs.<model>}, group {@code npufleet.workers.<model>}</td></tr>
 * <tr><td>{@code NPUFLEET_MODEL_PATH}</td><td>simulator: {@code <state dir>/models/<model>-<preset>.simmodel}; else required</td><td>model file</td></tr>
 * <tr><td>{@code NPUFLEET_SIM_MODEL_PRESET}</td><td>{@code demo}</td><td>{@code tiny} or {@code demo}: with the simulator, the model file written when missing</td></tr>
 * <tr><td>{@code NPUFLEET_RUNTIME_LIBRARY}</td><td>{@code simulator}</td><td>path of {@code librkllmrt.so}, or {@code simulator} for the bundled simulator</td></tr>
 * <tr><td>{@code NPUFLEET_RKLLM_ABI}</td><td>{@code 1.3.0}</td><td>RKLLM ABI of the runtime ({@code 1.2}, {@code 1.3.0}, ...)</td></tr>
 * <tr><td>{@code NPUFLEET_TOPIC_PREFIX}</td><td>empty</td><td>prefix of every topic and of the group id</td></tr>
 * <tr><td>{@code NPUFLEET_STATE_DIR}</td><td>{@code ~/.npufleet/worker/<worker id>}</td><td>poison-job marker, model hashes, default cache dir</td></tr>
 * <tr><td>{@code NPUFLEET_CACHE_DIR}</td><td>{@code <state dir>/caches}</td><td>prompt cache files and manifests</td></tr>
 * <tr><td>{@code NPUFLEET_CACHE_MAX_BYTES}</td><td>{@code 2g}</td><td>disk bound of the cache dir (suffix k, m, g allowed)</td></tr>
 * <tr><td>{@code NPUFLEET_MAX_CONTEXT}</td><td>{@code 4096}</td><td>runtime context length (tokens); the simulator's model may lower it</td></tr>
 * <tr><td>{@code NPUFLEET_MAX_NEW_TOKENS}</td><td>{@code 512}</td><td>cap on tokens generated per job</td></tr>
 * <tr><td>{@code NPUFLEET_HEARTBEAT_MS}</td><td>{@code 1000}</td><td>status publishing interval</td></tr>
 * <tr><td>{@code NPUFLEET_SESSION_TIMEOUT_MS}</td><td>{@code 10000}</td><td>consumer session timeout: how fast a dead board's partitions move (broker minimum usually 6000)</td></tr>
 * <tr><td>{@code NPUFLEET_STATIC_MEMBERSHIP}</td><td>{@code true}</td><td>{@code group.instance.id} = worker id, so a quick restart keeps its partitions</td></tr>
 * <tr><td>{@code NPUFLEET_CAPACITY}</td><td>{@code 1.0}</td><td>relative speed weight of the board for routing (RK3588 = 1.0)</td></tr>
 * <tr><td>{@code NPUFLEET_MAX_ATTEMPTS}</td><td>{@code 3}</td><td>crashes of this worker a job may cause before it is dead-lettered</td></tr>
 * <tr><td>{@code NPUFLEET_METRICS_PORT}</td><td>{@code 0} (off)</td><td>HTTP port of {@code /metrics} (Prometheus) and {@code /health}</td></tr>
 * <tr><td>{@code NPUFLEET_JOB_PARTITIONS}</td><td>{@code 16}</td><td>partitions of the jobs topic when this worker creates it</td></tr>
 * <tr><td>{@code NPUFLEET_DRAIN_TIMEOUT_MS}</td><td>{@code 30000}</td><td>at shutdown, how long the running job may finish before it is aborted</td></tr>
 * <tr><td>{@code NPUFLEET_CHAT_TEMPLATE}</td><td>{@code chatml}</td><td>chat template rendered in Java</td></tr>
 * <tr><td>{@code NPUFLEET_AUTO_CACHE_AFTER}</td><td>{@code 2}</td><td>automatic caches: a system prompt seen this many times within the window gets a cache ({@code auto-<16 hex>}); {@code 0} = off</td></tr>
 * <tr><td>{@code NPUFLEET_AUTO_CACHE_WINDOW_MS}</td><td>{@code 600000}</td><td>the window in which those sightings count</td></tr>
 * <tr><td>{@code NPUFLEET_AUTO_CACHE_MAX}</td><td>{@code 8}</td><td>automatic caches kept at most (least recently used out first); they also go before named caches when the disk bound is reached</td></tr>
 * <tr><td>{@code NPUFLEET_STATUS_MIN_INTERVAL_MS}</td><td>{@code 200}</td><td>besides every heartbeat, the status is published on state changes (job start/end, cache built/removed, partitions), at most this often</td></tr>
 * <tr><td>{@code NPUFLEET_CACHE_LOOKUP_MS}</td><td>{@code 2000}</td><td>how long a job naming only a cache waits for the caches topic to catch up</td></tr>
 * <tr><td>{@code NPUFLEET_RERUN}</td><td>{@code auto}</td><td>a job whose answer a crashed worker had started: {@code replay} runs it again (same seed, same text; clients drop what they have), {@code continue} goes on from the delivered text, {@code auto} continues only where a re-run would write another text (a runtime without seeds, sampled decoding)</td></tr>
 * <tr><td>{@code NPUFLEET_CANCEL_LOOKBACK_MS}</td><td>{@code 86400000} (24 h)</td><td>at start, cancels of this long ago are read, so a job cancelled while no worker ran is skipped; {@code 0} = only cancels sent after start</td></tr>
 * <tr><td>{@code NPUFLEET_SIM_OPTIONS}</td><td>none</td><td>simulator options set on its session, {@code key=value,...} (e.g. {@code board=rk3588,slow_ms_per_token=20}); the simulator also reads {@code RKLLM_SIM_*} from the environment</td></tr>
 * <tr><td>{@code NPUFLEET_KAFKA_<NAME>}</td><td>none</td><td>any Kafka client property, e.g. {@code NPUFLEET_KAFKA_SECURITY_PROTOCOL} → {@code security.protocol}; values of secret-looking names are not logged</td></tr>
 * </table>
 */
public record WorkerConfig(
        String bootstrapServers,
        String workerId,
        String model,
        Path modelPath,
        String simModelPreset,
        String runtimeLibrary,
        String rkllmAbi,
        String topicPrefix,
        Path stateDir,
        Path cacheDir,
        long cacheMaxBytes,
        int maxContext,
        int maxNewTokens,
        Duration heartbeat,
        Duration sessionTimeout,
        boolean staticMembership,
        double capacity,
        int maxAttempts,
        int metricsPort,
        int jobPartitions,
        Duration drainTimeout,
        String chatTemplate,
        Duration cacheLookupWait,
        int autoCacheAfter,
        Duration autoCacheWindow,
        int autoCacheMax,
        Duration statusMinInterval,
        RerunMode rerun,
        Duration cancelLookback,
        Map<String, String> simOptions,
        Map<String, String> kafkaOverrides) {

    /** Default of {@code NPUFLEET_AUTO_CACHE_AFTER} (here 0 means "off", not "default"). */
    public static final int DEFAULT_AUTO_CACHE_AFTER = 2;

    /** The value of {@code NPUFLEET_RUNTIME_LIBRARY} that selects the bundled simulator. */
    public static final String SIMULATOR = "simulator";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern ABI = Pattern.compile("1\\.[23](\\.\\d+)?");
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|key\\.password|credential).*");

    public WorkerConfig {
        bootstrapServers = blankToNull(bootstrapServers) == null ? "localhost:9092" : bootstrapServers.strip();
        workerId = blankToNull(workerId) == null ? hostName() : workerId.strip();
        if (!ID.matcher(workerId).matches()) {
            throw new IllegalArgumentException("worker id must be 1-128 of [A-Za-z0-9._-]: " + workerId);
        }
        model = blankToNull(model) == null ? "qwen3-0.6b-sim" : model.strip();
        runtimeLibrary = blankToNull(runtimeLibrary) == null ? SIMULATOR : runtimeLibrary.strip();
        simModelPreset = blankToNull(simModelPreset) == null ? "demo" : simModelPreset.strip().toLowerCase(Locale.ROOT);
        rkllmAbi = blankToNull(rkllmAbi) == null ? "1.3.0" : rkllmAbi.strip();
        if (!ABI.matcher(rkllmAbi).matches()) {
            throw new IllegalArgumentException("RKLLM ABI must be 1.2.x or 1.3.x: " + rkllmAbi);
        }
        topicPrefix = topicPrefix == null ? "" : topicPrefix.strip();
        stateDir = stateDir != null ? stateDir
                : Path.of(System.getProperty("user.home"), ".npufleet", "worker", workerId);
        cacheDir = cacheDir != null ? cacheDir : stateDir.resolve("caches");
        if (modelPath == null) {
            if (!SIMULATOR.equalsIgnoreCase(runtimeLibrary)) { // fields are not assigned yet: use the parameter
                throw new IllegalArgumentException("NPUFLEET_MODEL_PATH is required with a runtime library");
            }
            modelPath = stateDir.resolve("models").resolve(model.replaceAll("[^A-Za-z0-9._-]", "_")
                    + "-" + simModelPreset + ".simmodel");
        }
        cacheMaxBytes = cacheMaxBytes > 0 ? cacheMaxBytes : 2L << 30;
        maxContext = maxContext > 0 ? maxContext : 4096;
        maxNewTokens = maxNewTokens > 0 ? maxNewTokens : 512;
        heartbeat = positive(heartbeat, Duration.ofSeconds(1));
        sessionTimeout = positive(sessionTimeout, Duration.ofSeconds(10));
        capacity = capacity > 0 ? capacity : 1.0;
        maxAttempts = maxAttempts > 0 ? maxAttempts : 3;
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("metrics port must be 0-65535: " + metricsPort);
        }
        jobPartitions = jobPartitions > 0 ? jobPartitions : 16;
        drainTimeout = positive(drainTimeout, Duration.ofSeconds(30));
        chatTemplate = blankToNull(chatTemplate) == null ? "chatml" : chatTemplate.strip();
        cacheLookupWait = positive(cacheLookupWait, Duration.ofSeconds(2));
        if (autoCacheAfter < 0) {
            throw new IllegalArgumentException("NPUFLEET_AUTO_CACHE_AFTER must be 0 (off) or more: " + autoCacheAfter);
        }
        autoCacheWindow = positive(autoCacheWindow, Duration.ofMinutes(10));
        if (autoCacheMax < 0) {
            throw new IllegalArgumentException("NPUFLEET_AUTO_CACHE_MAX must be positive: " + autoCacheMax);
        }
        autoCacheMax = autoCacheMax > 0 ? autoCacheMax : 8;
        statusMinInterval = positive(statusMinInterval, Duration.ofMillis(200));
        rerun = rerun == null ? RerunMode.AUTO : rerun;
        cancelLookback = cancelLookback == null ? Duration.ofHours(24) : cancelLookback;
        if (cancelLookback.isNegative()) {
            throw new IllegalArgumentException("NPUFLEET_CANCEL_LOOKBACK_MS must be 0 or more: " + cancelLookback);
        }
        simOptions = simOptions == null ? Map.of() : Map.copyOf(simOptions);
        kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
    }

    /** Reads the {@code NPUFLEET_*} variables (see the table above) from {@code env}. */
    public static WorkerConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new WorkerConfig(
                r.string("NPUFLEET_BOOTSTRAP_SERVERS", r.string("KAFKA_BOOTSTRAP_SERVERS", null)),
                r.string("NPUFLEET_WORKER_ID", null),
                r.string("NPUFLEET_MODEL", null),
                r.path("NPUFLEET_MODEL_PATH"),
                r.string("NPUFLEET_SIM_MODEL_PRESET", null),
                r.string("NPUFLEET_RUNTIME_LIBRARY", null),
                r.string("NPUFLEET_RKLLM_ABI", null),
                r.string("NPUFLEET_TOPIC_PREFIX", null),
                r.path("NPUFLEET_STATE_DIR"),
                r.path("NPUFLEET_CACHE_DIR"),
                r.bytes("NPUFLEET_CACHE_MAX_BYTES"),
                r.integer("NPUFLEET_MAX_CONTEXT"),
                r.integer("NPUFLEET_MAX_NEW_TOKENS"),
                r.millis("NPUFLEET_HEARTBEAT_MS"),
                r.millis("NPUFLEET_SESSION_TIMEOUT_MS"),
                r.bool("NPUFLEET_STATIC_MEMBERSHIP", true),
                r.decimal("NPUFLEET_CAPACITY"),
                r.integer("NPUFLEET_MAX_ATTEMPTS"),
                r.integer("NPUFLEET_METRICS_PORT"),
                r.integer("NPUFLEET_JOB_PARTITIONS"),
                r.millis("NPUFLEET_DRAIN_TIMEOUT_MS"),
                r.string("NPUFLEET_CHAT_TEMPLATE", null),
                r.millis("NPUFLEET_CACHE_LOOKUP_MS"),
                r.integer("NPUFLEET_AUTO_CACHE_AFTER", DEFAULT_AUTO_CACHE_AFTER),
                r.millis("NPUFLEET_AUTO_CACHE_WINDOW_MS"),
                r.integer("NPUFLEET_AUTO_CACHE_MAX"),
                r.millis("NPUFLEET_STATUS_MIN_INTERVAL_MS"),
                RerunMode.parse(r.string("NPUFLEET_RERUN", "auto")),
                lookback(r.integer("NPUFLEET_CANCEL_LOOKBACK_MS", -1)),
                r.pairs("NPUFLEET_SIM_OPTIONS"),
                r.prefixed("NPUFLEET_KAFKA_"));
    }

    /** -1 (unset) = the default; 0 = off. */
    private static Duration lookback(int millis) {
        return millis < 0 ? null : Duration.ofMillis(millis);
    }

    public boolean usesSimulator() {
        return SIMULATOR.equalsIgnoreCase(runtimeLibrary);
    }

    /** For the start-up log line: every setting, with secret-looking Kafka properties masked. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        kafkaOverrides.forEach((k, v) -> shown.put(k, SECRET.matcher(k).matches() ? "****" : v));
        return "bootstrapServers=" + bootstrapServers + " workerId=" + workerId + " model=" + model
                + " modelPath=" + modelPath + (usesSimulator() ? " simModelPreset=" + simModelPreset : "")
                + " runtime=" + runtimeLibrary + " abi=" + rkllmAbi + " topicPrefix='" + topicPrefix + "'"
                + " stateDir=" + stateDir + " cacheDir=" + cacheDir + " cacheMaxBytes=" + cacheMaxBytes
                + " maxContext=" + maxContext + " maxNewTokens=" + maxNewTokens
                + " heartbeatMs=" + heartbeat.toMillis() + " sessionTimeoutMs=" + sessionTimeout.toMillis()
                + " staticMembership=" + staticMembership + " capacity=" + capacity + " maxAttempts=" + maxAttempts
                + " metricsPort=" + metricsPort + " jobPartitions=" + jobPartitions
                + " drainTimeoutMs=" + drainTimeout.toMillis() + " chatTemplate=" + chatTemplate
                + " cacheLookupMs=" + cacheLookupWait.toMillis() + " autoCacheAfter=" + autoCacheAfter
                + " autoCacheWindowMs=" + autoCacheWindow.toMillis() + " autoCacheMax=" + autoCacheMax
                + " statusMinIntervalMs=" + statusMinInterval.toMillis() + " rerun=" + rerun.name().toLowerCase(Locale.ROOT)
                + " cancelLookbackMs=" + cancelLookback.toMillis()
                + (simOptions.isEmpty() ? "" : " simOptions=" + new TreeMap<>(simOptions)) + " kafka=" + shown;
    }

    @Override
    public String toString() {
        return "WorkerConfig[" + describe() + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Duration positive(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && ID.matcher(env).matches()) {
            return env;
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return ID.matcher(name).matches() ? name : "worker";
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
