package dev.npufleet.launcher;

import dev.npufleet.broker.RestartableKafka;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.config.DefaultModel;
import dev.npufleet.protocol.kafka.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A whole fleet on this machine: an embedded Kafka broker in this JVM, a gateway and workers on
 * the RKLLM simulator as child processes. Used by {@code fleet demo} and by the benchmarks.
 * When the JVM is stopped (Ctrl-C, SIGTERM) the fleet closes itself, even while it is still
 * starting. Start from one thread; close, {@link #killWorker} and {@link #addWorker} from any.
 */
public final class LocalFleet implements AutoCloseable {
    public static final String MODEL = DefaultModel.ID;

    /**
     * @param board simulator pacing: {@code rk3588}, {@code rk3576}, or {@code none} for full speed
     * @param workerEnv extra environment for every worker (fault injection, tuning)
     */
    /** The simulator's board timings ({@code RKLLM_SIM_BOARD}), and {@code none} for full speed. */
    public static final List<String> BOARDS = List.of("rk3588", "rk3576", "none");

    public record Options(int httpPort, int kafkaPort, int workers, String preset, String board, Path dataDir,
            Map<String, String> workerEnv, Map<String, String> gatewayEnv, PrintStream log) {
        public Options {
            if (workers < 0) {
                throw new IllegalArgumentException("workers must not be negative");
            }
            if (!BOARDS.contains(board)) {
                throw new IllegalArgumentException("unknown board timing '" + board + "'; use "
                        + String.join(", ", BOARDS));
            }
            workerEnv = Map.copyOf(workerEnv);
            gatewayEnv = Map.copyOf(gatewayEnv);
        }
    }

    /**
     * The JIT setting of every fleet process started here: the client compiler only. On a small machine shared by
     * the broker, the gateway and the workers, C2 kept compiling for minutes (half the gateway's CPU through a
     * whole capacity run, docs/BENCHMARKS.md section 5) and competed with the token path. C1 code costs a little
     * more per relayed token once warm but is compiled in seconds; a long-running host of its own keeps the default.
     */
    public static final String JIT = "-XX:TieredStopAtLevel=1";

    /** {@code options} and {@link #JIT}. */
    public static List<String> withJit(List<String> options) {
        List<String> all = new ArrayList<>(options);
        all.add(JIT);
        return List.copyOf(all);
    }

    private final Options options;
    private final RestartableKafka kafka;
    private final Path model;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private final Topics topics = Topics.defaults();
    private int nextBoard = 1;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread onExit = new Thread(this::closeOnExit, "fleet-shutdown");

    private LocalFleet(Options options, RestartableKafka kafka, Path model) {
        this.options = options;
        this.kafka = kafka;
        this.model = model;
    }

    public static LocalFleet start(Options options) {
        Path model;
        try {
            model = SimModels.ensure(options.dataDir().resolve("models").resolve(options.preset() + ".npfsim"),
                    SimModelSpec.preset(options.preset()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulator's model file: " + e.getMessage(), e);
        }
        RestartableKafka kafka = new RestartableKafka(null, options.kafkaPort()).start();
        LocalFleet fleet = new LocalFleet(options, kafka, model);
        Runtime.getRuntime().addShutdownHook(fleet.onExit);
        try {
            fleet.createTopics();
            fleet.children.add(ChildProcess.start("gateway", withJit(List.of("-Xmx256m", "-XX:+UseSerialGC")),
                    List.of("gateway"), fleet.gatewayEnv(), options.log()));
            Set<String> boards = new LinkedHashSet<>();
            for (int i = 0; i < options.workers(); i++) {
                boards.add(fleet.addWorker());
            }
            FleetReadiness.awaitGateway(options.httpPort(), Duration.ofSeconds(60), fleet::allAlive);
            fleet.awaitWorkers(boards);
            return fleet;
        } catch (RuntimeException e) {
            boolean stopping = fleet.closed.get(); // the JVM is being stopped: the wait failed because of it
            fleet.close();
            throw stopping ? new StoppedWhileStarting() : e;
        }
    }

    /** The JVM was stopped (Ctrl-C, SIGTERM) while the fleet was starting; the fleet is closed. */
    public static final class StoppedWhileStarting extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedWhileStarting() {
            super("the fleet was stopped while it was starting");
        }
    }

    /** Starts one more worker (a new board) and returns its id; does not wait for it. */
    public synchronized String addWorker() {
        String id = "board-" + nextBoard++;
        startWorker(id);
        return id;
    }

    /** Starts worker {@code id} (again, after it died: the same state directory, as a supervisor would). */
    public synchronized void startWorker(String id) {
        children.removeIf(c -> c.name().equals(id) && !c.isAlive());
        children.add(ChildProcess.start(id, withJit(List.of("-Xmx128m", "-XX:+UseSerialGC")), List.of("worker"),
                workerEnv(id), options.log()));
    }

    /** Stops the broker (its clients see it gone) until {@link #startBroker()}. */
    public void stopBroker() {
        kafka.stop();
    }

    /** Starts the broker again on the same port and data. */
    public void startBroker() {
        kafka.start();
    }

    public void awaitWorkers(Set<String> boards) {
        FleetReadiness.awaitWorkers(kafka.bootstrapServers(), topics, boards, Duration.ofSeconds(120), this::allAlive);
        FleetReadiness.awaitGatewaySees(options.httpPort(), boards, Duration.ofSeconds(30), this::allAlive);
    }

    /** SIGKILLs a worker, as a board losing power would. */
    public void killWorker(String id) {
        children.stream().filter(c -> c.name().equals(id)).forEach(ChildProcess::kill);
    }

    public boolean allAlive() {
        return children.stream().allMatch(ChildProcess::isAlive);
    }

    public List<ChildProcess> children() {
        return new ArrayList<>(children);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + options.httpPort();
    }

    public Path modelFile() {
        return model;
    }

    /** Stops the children, then the broker. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // the JVM is stopping: the hook closes too, and finds this done
            }
        }
        children.parallelStream().forEach(c -> c.stop(Duration.ofSeconds(15)));
        kafka.close();
    }

    private void closeOnExit() {
        if (!closed.get()) {
            options.log().println("Stopping the fleet ...");
            close();
        }
    }

    private void createTopics() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            TopicSetup.defaults(topics).ensure(admin, List.of(MODEL), Duration.ofSeconds(30));
        }
    }

    private Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("NPUFLEET_HTTP_PORT", Integer.toString(options.httpPort()));
        env.put("NPUFLEET_MODELS", MODEL);
        env.putAll(options.gatewayEnv());
        return env;
    }

    private Map<String, String> workerEnv(String id) {
        Path home = options.dataDir().resolve(id).toAbsolutePath();
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("NPUFLEET_WORKER_ID", id);
        env.put("NPUFLEET_MODEL", MODEL);
        env.put("NPUFLEET_MODEL_PATH", model.toAbsolutePath().toString());
        env.put("NPUFLEET_CACHE_DIR", home.resolve("cache").toString());
        env.put("NPUFLEET_STATE_DIR", home.resolve("state").toString());
        // a local fleet should show failover in seconds, not the 45 s of a stock consumer
        env.put("NPUFLEET_SESSION_TIMEOUT_MS", "6000");
        if (!options.board().equals("none")) {
            env.put("RKLLM_SIM_BOARD", options.board());
        }
        env.putAll(options.workerEnv());
        return env;
    }
}
