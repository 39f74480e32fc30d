package dev.npufleet.gateway.jobs;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads jobs' events back from the events log, so that any gateway can report on any job. Any
 * thread; methods never block the caller: the reading runs elsewhere and completes the future
 * (exceptionally when the broker cannot be read, or too many lookups are queued).
 */
public interface JobLog {
    /** The job's events up to the log's end at the time of the call. */
    CompletableFuture<JobSnapshot> read(String jobId);

    /**
     * Several jobs created no earlier than {@code fromMillis} (epoch millis; a margin for clock
     * skew is added by the reader).
     *
     * @return a snapshot for every id asked for (unknown ones too: {@link JobSnapshot#known()} false)
     */
    CompletableFuture<Map<String, JobSnapshot>> readAll(Collection<String> jobIds, long fromMillis);
}
