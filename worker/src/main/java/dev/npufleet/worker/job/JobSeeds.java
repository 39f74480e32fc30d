package dev.npufleet.worker.job;

import dev.npufleet.protocol.Job;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The sampling seed of a job: its own, or one derived from its id, so that a job re-run after a
 * crash (on any board) samples the same tokens and the gateway can drop what it already delivered.
 */
public final class JobSeeds {
    private JobSeeds() {
    }

    public static long seedOf(Job job) {
        Long own = job.params().seed();
        return own != null ? own : derive(job.id());
    }

    /** The first 8 bytes of SHA-256 of the id: the same on every board and JVM, and spread over all 64 bits. */
    static long derive(String jobId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
