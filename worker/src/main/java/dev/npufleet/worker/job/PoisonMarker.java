package dev.npufleet.worker.job;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file in the worker's state directory naming the job on the NPU right now. A job that
 * kills the worker (a runtime crash takes the JVM with it) leaves the file behind; when the
 * restarted worker meets the same job again it counts one more attempt, and after too many the
 * job is dead-lettered instead of run ({@link PoisonRule}). Used by the job thread, and by the acknowledgement
 * of a dead letter ({@link #clear(String)}).
 */
public final class PoisonMarker {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonMarker.class);

    /** What the file holds. */
    public record Marker(String jobId, String topic, int partition, long offset, int attempts) {
    }

    private final Path file;

    public PoisonMarker(Path stateDir) {
        this.file = stateDir.resolve("running-job.json");
    }

    /**
     * Records that this job starts now.
     *
     * @return which attempt of this worker at the job this is (1 = the first; n means the job was
     *     running n-1 times when the worker died)
     */
    public int begin(String jobId, String topic, int partition, long offset) {
        Marker previous = read();
        int attempts = 1;
        if (previous != null && previous.jobId().equals(jobId) && previous.topic().equals(topic)
                && previous.partition() == partition && previous.offset() == offset) {
            attempts = previous.attempts() + 1;
        }
        write(new Marker(jobId, topic, partition, offset, attempts));
        return attempts;
    }

    /**
     * Clears the marker if it still names {@code jobId} (a dead letter acknowledged after the next job began
     * must not clear that job's marker). Any thread.
     */
    public synchronized void clear(String jobId) {
        Marker current = read();
        if (current != null && current.jobId().equals(jobId)) {
            clear();
        }
    }

    /** The job ended without taking the worker down. */
    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** The marker left on disk, or null. */
    public Marker read() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JsonCodec.decode(Files.readAllBytes(file), Marker.class);
        } catch (IOException | RuntimeException e) {
            // A torn write (power loss) must not stop the worker: forget the marker.
            LOG.atWarn().addKeyValue("file", file).log("Ignoring an unreadable job marker: {}", e.getMessage());
            return null;
        }
    }

    private void write(Marker marker) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, JsonCodec.encode(marker));
            // Atomic so that a crash mid-write leaves the old marker or the new one, never half.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
