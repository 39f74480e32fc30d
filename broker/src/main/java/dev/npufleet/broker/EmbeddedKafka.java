package dev.npufleet.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (the Apache Kafka broker, KRaft mode, broker and controller in
 * one node) running inside this JVM, for {@code fleet demo}, {@code fleet broker} and tests.
 *
 * <p>{@link #start(Settings)} formats the data directory, starts the node and returns only once an
 * Admin client gets an answer from it. {@link #close()} shuts it down and, for a temporary data
 * directory, deletes it. A launcher should close it from a shutdown hook so that Ctrl-C also
 * removes the temporary directory. Both methods may be called from any thread; close is idempotent.
 *
 * <p>This uses Kafka's internal classes {@code KafkaRaftServer} and {@code KafkaConfig}: pin the
 * Kafka version. Kafka's fatal-fault handler halts the JVM on a metadata fault (for instance an
 * OutOfMemoryError while loading logs), so give the JVM at least {@code -Xmx128m}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Tries with freshly chosen free ports when another process took one between choice and bind. */
    private static final int AUTO_PORT_ATTEMPTS = 3;

    /**
     * How to run the broker.
     *
     * @param port             client port on 127.0.0.1; 0 chooses a free port
     * @param controllerPort   KRaft controller port on 127.0.0.1; 0 chooses a free port
     * @param dataDir          data directory kept across runs; null for a temporary one deleted on close
     * @param brokerProperties extra server properties, applied last (they override the defaults)
     * @param fastFailover     group session timeouts of 6 s instead of 45 s, so a dead worker's
     *                         partitions move quickly (demo and tests)
     * @param readyTimeout     how long start may take until the broker answers; null for 60 s
     */
    public record Settings(int port, int controllerPort, Path dataDir, Map<String, String> brokerProperties,
                           boolean fastFailover, Duration readyTimeout) {

        public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

        public Settings {
            checkPort("port", port);
            checkPort("controllerPort", controllerPort);
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ: " + port);
            }
            brokerProperties = brokerProperties == null ? Map.of() : Map.copyOf(brokerProperties);
            readyTimeout = readyTimeout == null ? DEFAULT_READY_TIMEOUT : readyTimeout;
            if (readyTimeout.isNegative() || readyTimeout.isZero()) {
                throw new IllegalArgumentException("readyTimeout must be positive: " + readyTimeout);
            }
        }

        /** Free ports, a temporary data directory, no extra properties, fast failover, 60 s timeout. */
        public static Settings defaults() {
            return new Settings(0, 0, null, Map.of(), true, null);
        }

        public Settings withPort(int newPort) {
            return new Settings(newPort, controllerPort, dataDir, brokerProperties, fastFailover, readyTimeout);
        }

        public Settings withControllerPort(int newPort) {
            return new Settings(port, newPort, dataDir, brokerProperties, fastFailover, readyTimeout);
        }

        public Settings withDataDir(Path dir) {
            return new Settings(port, controllerPort, dir, brokerProperties, fastFailover, readyTimeout);
        }

        public Settings withBrokerProperty(String name, String value) {
            Map<String, String> merged = new HashMap<>(brokerProperties);
            merged.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return new Settings(port, controllerPort, dataDir, merged, fastFailover, readyTimeout);
        }

        public Settings withFastFailover(boolean enabled) {
            return new Settings(port, controllerPort, dataDir, brokerProperties, enabled, readyTimeout);
        }

        public Settings withReadyTimeout(Duration timeout) {
            return new Settings(port, controllerPort, dataDir, brokerProperties, fastFailover, timeout);
        }

        private static void checkPort(String name, int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException(name + " must be 0..65535: " + value);
            }
        }
    }

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, boolean deleteOnClose,
                          Duration startupTime) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.startupTime = startupTime;
    }

    /** Starts a broker with {@link Settings#defaults()}. */
    public static EmbeddedKafka start() {
        return start(Settings.defaults());
    }

    /**
     * Formats (unless already formatted), starts, and waits until the broker answers.
     *
     * @throws EmbeddedKafkaException if it cannot start or does not answer within the ready timeout
     */
    public static EmbeddedKafka start(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        BrokerLogging.quietUnlessConfigured();
        long startedAt = System.nanoTime();
        boolean temporary = settings.dataDir() == null;
        Path dir = temporary ? DataDir.createTemp() : DataDir.create(settings.dataDir());
        try {
            for (int attempt = 1; ; attempt++) {
                Ports ports = Ports.choose(settings);
                try {
                    return launch(settings, ports, dir, temporary, startedAt);
                } catch (EmbeddedKafkaException e) {
                    if (!ports.chosenHere() || attempt == AUTO_PORT_ATTEMPTS || !isBindFailure(e)) {
                        throw e;
                    }
                    LOG.atWarn().addKeyValue("port", ports.port()).addKeyValue("controllerPort", ports.controllerPort())
                            .log("A chosen port was taken before the broker bound it; retrying with new ports");
                }
            }
        } catch (RuntimeException | Error e) {
            if (temporary) {
                try {
                    DataDir.delete(dir);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client port actually bound. */
    public int port() {
        return port;
    }

    /** The data directory (the temporary one, if none was given). */
    public Path dataDir() {
        return dataDir;
    }

    /** Time from {@link #start} until the broker answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Shuts the broker down, waits for it, and deletes a temporary data directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            stop(server);
        } finally {
            if (deleteOnClose) {
                DataDir.delete(dataDir);
            }
        }
        LOG.atInfo().addKeyValue("bootstrapServers", bootstrapServers())
                .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                .log("Embedded Kafka stopped");
    }

    private static EmbeddedKafka launch(Settings settings, Ports ports, Path dir, boolean temporary,
                                        long startedAt) {
        Path logDir = dir.resolve("kraft-logs");
        Properties props = BrokerConfig.embedded(ports.port(), ports.controllerPort(), logDir,
                settings.fastFailover(), settings.brokerProperties());
        DataDir.format(props, dir, logDir);
        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Invalid broker configuration: " + e.getMessage(), e);
        }
        long deadline = startedAt + settings.readyTimeout().toNanos();
        String bootstrap = "127.0.0.1:" + ports.port();
        try {
            startup(server, bootstrap, deadline);
            awaitReady(bootstrap, deadline);
        } catch (RuntimeException | Error e) {
            try {
                stop(server);
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
        LOG.atInfo().addKeyValue("bootstrapServers", bootstrap).addKeyValue("ms", took.toMillis())
                .addKeyValue("dataDir", dir).log("Embedded Kafka ready");
        return new EmbeddedKafka(server, ports.port(), dir, temporary, took);
    }

    /** Runs startup on its own thread so that a hang is bounded by the ready timeout. */
    private static void startup(KafkaRaftServer server, String bootstrap, long deadline) {
        FutureTask<Void> task = new FutureTask<>(server::startup, null);
        Thread thread = new Thread(task, "embedded-kafka-startup");
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new EmbeddedKafkaException("Kafka broker at " + bootstrap + " failed to start: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new EmbeddedKafkaException("Kafka broker at " + bootstrap + " did not finish starting in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while starting the Kafka broker at " + bootstrap, e);
        }
    }

    /** Ready means: an Admin client on the client port gets the cluster's node list. */
    private static void awaitReady(String bootstrap, long deadline) {
        int timeoutMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-ready");
        try (Admin admin = Admin.create(config)) {
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes().get();
            if (nodes.stream().map(Node::id).noneMatch(id -> id == BrokerConfig.NODE_ID)) {
                throw new EmbeddedKafkaException("Kafka broker at " + bootstrap + " answered without itself: " + nodes);
            }
        } catch (ExecutionException e) {
            throw new EmbeddedKafkaException("Kafka broker at " + bootstrap + " not ready within "
                    + timeoutMs + " ms: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while waiting for the Kafka broker at " + bootstrap, e);
        }
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The two ports of one attempt; {@code chosenHere} when both were picked as free ports, so that
     * a bind failure is a race worth retrying rather than a port the user asked for being taken.
     */
    private record Ports(int port, int controllerPort, boolean chosenHere) {

        static Ports choose(Settings s) {
            if (s.port() != 0 && s.controllerPort() != 0) {
                return new Ports(s.port(), s.controllerPort(), false);
            }
            // Both sockets are held open together so the two choices cannot be the same port.
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket a = new ServerSocket(0, 1, loopback); ServerSocket b = new ServerSocket(0, 1, loopback)) {
                int first = a.getLocalPort();
                int second = b.getLocalPort();
                int port = s.port() != 0 ? s.port() : first;
                int controllerPort = s.controllerPort() != 0 ? s.controllerPort() : (port == second ? first : second);
                return new Ports(port, controllerPort, s.port() == 0 && s.controllerPort() == 0);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + loopback, e);
            }
        }
    }
}
