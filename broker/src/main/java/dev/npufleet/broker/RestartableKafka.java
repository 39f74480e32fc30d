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
 * <p>Ports are chosen once, at construction. A data directory the caller gives is never deleted here; without one,
 * a temporary directory is made and deleted on {@link #close()}. Not thread-safe: one thread starts and stops it.
 */
public final class RestartableKafka implements AutoCloseable {

    private final EmbeddedKafka.Settings settings;
    private final boolean temporary;
    private EmbeddedKafka running;

    /** A broker on fresh free ports keeping its data in {@code dataDir}; not started yet. */
    public RestartableKafka(Path dataDir) {
        this(Objects.requireNonNull(dataDir, "dataDir"), 0);
    }

    /**
     * @param dataDir where the broker keeps its data; null for a temporary directory deleted on close
     * @param port the client port; 0 for a free one
     */
    public RestartableKafka(Path dataDir, int port) {
        int[] ports = freePorts();
        this.temporary = dataDir == null;
        this.settings = EmbeddedKafka.Settings.defaults().withPort(port == 0 ? ports[0] : port)
                .withControllerPort(ports[1]).withDataDir(temporary ? DataDir.createTemp() : dataDir);
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

    /** Stops the broker and deletes a temporary data directory. */
    @Override
    public void close() {
        stop();
        if (temporary) {
            DataDir.delete(settings.dataDir());
        }
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
