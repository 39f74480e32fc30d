package dev.npufleet.protocol;

import java.util.Objects;

/** Asks whichever worker holds the job to abort it, or to skip it if not started. Key = job id. */
public record CancelRequest(int v, String jobId, String reason, long timestamp) {
    public CancelRequest {
        Objects.requireNonNull(jobId, "job_id");
    }

    public static CancelRequest of(String jobId, String reason) {
        return new CancelRequest(Protocol.VERSION, jobId, reason, System.currentTimeMillis());
    }
}
