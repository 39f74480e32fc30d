package dev.npufleet.worker.job;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file in the worker's state directory naming the job on the NPU right now. A job that
 * kills the worker (a runtime crash takes the JVM with it) leaves the file behind; when the
 * restarted worker meets the same job again it counts one more attempt, and after too many the
 * job is dead-lettered instead of run ({@link PoisonRule}).
 *
 * <p>It is written before every run, so it costs one write on the way to the first token: the file is read once
 * (what an earlier process left), then kept open and overwritten in place by a single positioned write of a
 * fixed-size, space-padded record (JSON ignores the padding), and cleared by truncating it. A process that dies
 * mid-way leaves the old record or the new one, never a mix; a torn file (power loss: nothing here is synced) is
 * ignored. Used by the job thread, and by the acknowledgement of a dead letter ({@link #clear(String)}): all
 * methods are synchronized.
 *
 * <p>A marker an earlier process left also names an attempt whose {@code STARTED} may have died with it (a first
 * attempt does not wait for it). That evidence must outlive the marker, which the next job overwrites: it is kept
 * in a second file, {@code lost-attempts.json}, until the job comes back to this board and its history shows the
 * attempt ({@link #lostFor}, {@link #forgetLost}); the {@value #MAX_LOST} newest are kept. Written at start and
 * when a job comes back, never on a job's way to its first token otherwise.
 */
public final class PoisonMarker {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonMarker.class);
    /** Every record is padded to at least this many bytes, so a shorter one overwrites a longer one whole. */
    private static final int RECORD_BYTES = 512;
    /** Lost attempts kept for jobs that have not come back yet; older ones are dropped. */
    static final int MAX_LOST = 16;

    /**
     * What the file holds.
     *
     * @param attempts this worker's attempts at the record in a row (1 = the first)
     * @param attempt the attempt number the job's events carry for the latest of them (0: a marker from before the
     *     field)
     */
    public record Marker(String jobId, String topic, int partition, long offset, int attempts, int attempt) {

        /** Whether this marker is about that job record. */
        boolean names(String jobId, String topic, int partition, long offset) {
            return this.jobId.equals(jobId) && this.topic.equals(topic) && this.partition == partition
                    && this.offset == offset;
        }
    }

    private final Path file;
    private final Path lostFile;
    private FileChannel channel; // opened at the first write
    private boolean loaded;
    private Marker current;
    private long size;
    private List<Marker> lost;

    public PoisonMarker(Path stateDir) {
        this.file = stateDir.resolve("running-job.json");
        this.lostFile = stateDir.resolve("lost-attempts.json");
    }

    /**
     * The attempt at this job record an earlier process of this board died in, kept until {@link #forgetLost}
     * (whatever ran since), or null: its {@code STARTED} may be missing from the job's history.
     */
    public synchronized Marker lostFor(String jobId, String topic, int partition, long offset) {
        loaded();
        for (Marker m : lost) {
            if (m.names(jobId, topic, partition, offset)) {
                return m;
            }
        }
        return null;
    }

    /** The job's history shows its lost attempt now (or it never will matter): drops it. */
    public synchronized void forgetLost(String jobId) {
        loaded();
        if (lost.removeIf(m -> m.jobId().equals(jobId))) {
            saveLost();
        }
    }

    /**
     * What the marker says about a job record about to run: the marker an earlier process left naming it (the
     * worker died while running it), or null.
     */
    public synchronized Marker leftFor(String jobId, String topic, int partition, long offset) {
        Marker left = loaded();
        return left != null && left.names(jobId, topic, partition, offset) ? left : null;
    }

    /**
     * Records that this job starts now.
     *
     * @return which attempt of this worker at the job this is (1 = the first; n means the job was
     *     running n-1 times when the worker died)
     */
    public synchronized int begin(String jobId, String topic, int partition, long offset) {
        Marker left = leftFor(jobId, topic, partition, offset);
        int attempts = left == null ? 1 : left.attempts() + 1;
        begin(jobId, topic, partition, offset, attempts, 0);
        return attempts;
    }

    /**
     * Records that this job starts now, as this worker's {@code attempts}-th attempt in a row and the job's
     * attempt number {@code attempt}.
     */
    public synchronized void begin(String jobId, String topic, int partition, long offset, int attempts,
            int attempt) {
        write(new Marker(jobId, topic, partition, offset, attempts, attempt));
    }

    /**
     * Clears the marker if it still names {@code jobId} (a dead letter acknowledged after the next job began
     * must not clear that job's marker). Any thread.
     */
    public synchronized void clear(String jobId) {
        Marker marker = loaded();
        if (marker != null && marker.jobId().equals(jobId)) {
            clear();
        }
    }

    /** The job ended without taking the worker down. */
    public synchronized void clear() {
        loaded();
        current = null;
        try {
            if (channel != null) {
                channel.truncate(0);
                size = 0;
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + file, e);
        }
    }

    /** The marker on disk, or null. */
    public synchronized Marker read() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            return blank(bytes) ? null : JsonCodec.decode(bytes, Marker.class);
        } catch (IOException | RuntimeException e) {
            // A torn write (power loss) must not stop the worker: forget the marker.
            LOG.atWarn().addKeyValue("file", file).log("Ignoring an unreadable job marker: {}", e.getMessage());
            return null;
        }
    }

    private Marker loaded() {
        if (!loaded) {
            current = read();
            lost = readLost();
            loaded = true;
            if (current != null && current.attempt() > 0 && !lost.contains(current)) {
                // an earlier process died in this attempt: keep it past the next job's marker
                lost.add(current);
                if (lost.size() > MAX_LOST) {
                    lost.remove(0);
                }
                saveLost();
            }
        }
        return current;
    }

    private List<Marker> readLost() {
        if (!Files.exists(lostFile)) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(List.of(JsonCodec.decode(Files.readAllBytes(lostFile), Marker[].class)));
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().addKeyValue("file", lostFile).log("Ignoring an unreadable list of lost attempts: {}",
                    e.getMessage());
            return new ArrayList<>();
        }
    }

    /** Replaces the file whole (a temporary file renamed over it): rare, so no need for the marker's single write. */
    private void saveLost() {
        try {
            Files.createDirectories(lostFile.getParent());
            if (lost.isEmpty()) {
                Files.deleteIfExists(lostFile);
                return;
            }
            Path tmp = lostFile.resolveSibling(lostFile.getFileName() + ".tmp");
            Files.write(tmp, JsonCodec.encode(lost.toArray(Marker[]::new)));
            Files.move(tmp, lostFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + lostFile, e);
        }
    }

    private void write(Marker marker) {
        byte[] json = JsonCodec.encode(marker);
        byte[] record = Arrays.copyOf(json, (int) Math.max(json.length, Math.max(RECORD_BYTES, size)));
        Arrays.fill(record, json.length, record.length, (byte) ' ');
        try {
            if (channel == null) {
                loaded();
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                size = channel.size();
            }
            ByteBuffer buffer = ByteBuffer.wrap(record);
            long position = 0;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            size = Math.max(size, record.length);
            current = marker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static boolean blank(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).isBlank();
    }
}
