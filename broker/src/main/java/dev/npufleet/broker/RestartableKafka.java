package dev.npufleet.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An {@link EmbeddedKafka} that a test (or the chaos bench) can stop and start again on the same ports and data
 * directory, as an outage looks to clients: the address stays, the connection drops, the topics and their records
 * are there again after the restart. Its own broker, never the JVM's shared one (other tests use that).
 *
 * <p>Ports are chosen once, at construction; the data directory is the caller's and is never deleted here.
 * Not thread-safe: one test thread starts and stops it.
 */
public final class RestartableKafka implements AutoCloseable {

    private final EmbeddedKafka.Settings settings;
    private EmbeddedKafka running;

    /** A broker on fresh free ports keeping its data in {@code dataDir}; not started yet. */
    public RestartableKafka(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        int[] ports = freePorts();
        this.settings = EmbeddedKafka.Settings.defaults().withPort(ports[0]).withControllerPort(ports[1])
                .withDataDir(dataDir);
    }

    /** Starts the broker (formatting the data directory the first time). @return this */
    public RestartableKafka start() {
        if (running == null) {
            running = EmbeddedKafka.start(settings);
        }
        return this;
    }

    /** Shuts the broker down; its clients see it gone. Idempotent. */
    public void stop() {
        if (running != null) {
            EmbeddedKafka stopping = running;
            running = null;
            stopping.close();
        }
    }

    public boolean isRunning() {
        return running != null;
    }

    /** {@code host:port}, the same before and after a restart. */
    public String bootstrapServers() {
        return "127.0.0.1:" + settings.port();
    }

    @Override
    public void close() {
        stop();
    }

    private static int[] freePorts() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket a = new ServerSocket(0, 1, loopback); ServerSocket b = new ServerSocket(0, 1, loopback)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find two free ports on " + loopback, e);
        }
    }
}
