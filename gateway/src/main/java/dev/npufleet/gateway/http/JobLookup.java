package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.JobIds;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads a job from the log for {@code GET /v1/jobs/{id}}, its events and its cancel, reading again while the job is
 * unknown but young enough that its ACCEPTED may still be on its way: an interactive job's is written only when its
 * first text goes to the client, or {@code NPUFLEET_ACCEPTED_DELAY_MS} after the job, so a client that resumes at
 * once would otherwise meet a 404 in that window. An id older than the window (or the wait, however the clocks
 * disagree, longer than the window) is answered as the log has it. Any thread; the re-reads run on the timers.
 */
final class JobLookup {
    /** Beyond the delay: the ACCEPTED's own trip through the producer and the broker. */
    static final long GRACE_MS = 1_000;
    /** The first re-read's delay; each next one waits twice as long, up to {@link #MAX_RETRY_MS}. */
    private static final long FIRST_RETRY_MS = 20;
    private static final long MAX_RETRY_MS = 200;

    private JobLookup() {
    }

    static CompletableFuture<JobSnapshot> read(GatewayServices services, String jobId) {
        long window = services.requests().acceptedDelay().toMillis() + GRACE_MS;
        long now = System.currentTimeMillis();
        long knownBy = Math.min(JobIds.timestampMillis(jobId) + window, now + window);
        CompletableFuture<JobSnapshot> result = new CompletableFuture<>();
        attempt(services, jobId, knownBy, result, FIRST_RETRY_MS);
        return result;
    }

    private static void attempt(GatewayServices services, String jobId, long knownBy,
            CompletableFuture<JobSnapshot> result, long retryMs) {
        services.jobLog().read(jobId).whenComplete((job, failure) -> {
            long wait = knownBy - System.currentTimeMillis();
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (job.known() || wait <= 0) {
                result.complete(job);
            } else {
                try {
                    // backing off: an ACCEPTED on its way lands within milliseconds; an id that is not a job should
                    // not cost a log read every 20 ms for the whole window
                    services.exchanges().timers().schedule(() -> attempt(services, jobId, knownBy, result,
                            Math.min(MAX_RETRY_MS, 2 * retryMs)), Math.min(retryMs, wait), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.complete(job); // stopping
                }
            }
        });
    }
}
