package dev.npufleet.launcher;

import dev.npufleet.gateway.Gateway;
import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import dev.npufleet.protocol.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet for end-to-end tests: the gateway in this JVM, each worker a real child process
 * (`fleet worker`) on the simulator's tiny model, all on the test broker under one topic prefix.
 */
final class TestFleet implements AutoCloseable {
    static final String MODEL = "e2e-sim";

    private final String bootstrap;
    private final Topics topics;
    private final Path dir;
    private final Path model;
    private final Gateway gateway;
    private final Map<String, ChildProcess> workers = new LinkedHashMap<>();

    TestFleet(String bootstrap, String prefix, Path dir) throws IOException {
        this(bootstrap, prefix, dir, Map.of());
    }

    /** @param gatewayEnv extra gateway settings (e.g. a routing policy) */
    TestFleet(String bootstrap, String prefix, Path dir, Map<String, String> gatewayEnv) throws IOException {
        this.bootstrap = bootstrap;
        this.topics = new Topics(prefix);
        this.dir = dir;
        this.model = SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", bootstrap);
        env.put("NPUFLEET_HTTP_PORT", "0");
        env.put("NPUFLEET_HTTP_HOST", "127.0.0.1");
        env.put("NPUFLEET_MODELS", MODEL);
        env.put("NPUFLEET_TOPIC_PREFIX", prefix);
        env.put("NPUFLEET_MAX_BODY_BYTES", "65536");
        env.put("NPUFLEET_REQUEST_TIMEOUT_MS", "60000");
        env.put("NPUFLEET_JOB_PARTITIONS", "8");
        env.putAll(gatewayEnv);
        this.gateway = Gateway.start(GatewayConfig.fromEnv(env));
    }

    /** Starts a worker process with extra environment (simulator options, fault injection). */
    void startWorker(String id, Map<String, String> extraEnv) throws IOException {
        Path home = Files.createDirectories(dir.resolve(id));
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", bootstrap);
        env.put("NPUFLEET_WORKER_ID", id);
        env.put("NPUFLEET_MODEL", MODEL);
        env.put("NPUFLEET_MODEL_PATH", model.toString());
        env.put("NPUFLEET_SIM_MODEL_PRESET", "tiny");
        // long answers for the abort tests (a max_tokens above the boards' limit is refused)
        env.put("NPUFLEET_MAX_NEW_TOKENS", "1000");
        env.put("NPUFLEET_TOPIC_PREFIX", topics.prefix());
        env.put("NPUFLEET_CACHE_DIR", home.resolve("cache").toString());
        env.put("NPUFLEET_STATE_DIR", home.resolve("state").toString());
        env.put("NPUFLEET_SESSION_TIMEOUT_MS", "6000");
        env.put("NPUFLEET_JOB_PARTITIONS", "8");
        env.putAll(extraEnv);
        workers.put(id, ChildProcess.start(id, List.of("-Xmx128m", "-XX:+UseSerialGC"), List.of("worker"), env,
                System.out));
    }

    void awaitWorkers() {
        FleetReadiness.awaitWorkers(bootstrap, topics, workers.keySet(), Duration.ofSeconds(90),
                () -> workers.values().stream().allMatch(ChildProcess::isAlive));
        FleetReadiness.awaitGatewaySees(gateway.port(), workers.keySet(), Duration.ofSeconds(30),
                () -> workers.values().stream().allMatch(ChildProcess::isAlive));
    }

    ChildProcess worker(String id) {
        return workers.get(id);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    Topics topics() {
        return topics;
    }

    String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        new ArrayList<>(workers.values()).parallelStream().forEach(w -> w.stop(Duration.ofSeconds(10)));
        gateway.close();
    }
}
