package dev.npufleet.gateway.jobs;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.JobAccepted;

/**
 * Folds one job's events, in log order, into a {@link JobSnapshot}: the same rules as the
 * streaming path (chunks deduplicated by {@code seq} through an {@link AnswerCursor}, so a job
 * re-run after a worker crash adds nothing twice), the first FINISH or ERROR ends it, and the
 * gateway's ACCEPTED counts wherever it sits (a fast worker's events may precede it). A FINISH whose answer
 * has a hole the log does not fill ends the job as failed ({@code answer_incomplete}), never as completed.
 *
 * <p>Not thread-safe: one lookup owns an instance at a time. {@link #offset()} lets a lookup resume
 * where the previous one stopped.
 */
public final class JobProgress {
    private final String jobId;
    private final AnswerCursor cursor = new AnswerCursor();
    private final StringBuilder text = new StringBuilder();
    private JobAccepted accepted;
    private Event started;
    private Event terminal;
    private int events;
    private long offset = -1;

    public JobProgress(String jobId) {
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    /** Applies one of the job's events; events of other jobs are a caller's bug. */
    public void accept(Event event) {
        if (!jobId.equals(event.jobId())) {
            throw new IllegalArgumentException("event of job " + event.jobId() + " given to " + jobId);
        }
        events++;
        switch (event.type()) {
            case ACCEPTED -> {
                if (accepted == null) {
                    accepted = event.accepted();
                }
            }
            case STARTED -> {
                if (terminal == null) {
                    started = event;
                }
            }
            case CHUNK -> {
                if (terminal == null) {
                    text.append(cursor.accept(event.seq(), event.text()));
                }
            }
            case FINISH, ERROR -> {
                // a worker that crashed after its FINISH but before its commit runs the job again: first end wins
                if (terminal == null) {
                    terminal = event.type() == EventType.FINISH && cursor.isCut(event.seq()) ? Event.error(jobId,
                            event.worker(), event.attempt(), AnswerCursor.cutError(cursor.delivered(), event.seq()))
                            : event;
                }
            }
        }
    }

    /** True when nothing more can change the snapshot: the job ended and its ACCEPTED was seen. */
    public boolean isFinal() {
        return terminal != null && accepted != null;
    }

    /** The log offset the next read of this job's partition starts at; -1 before any read. */
    public long offset() {
        return offset;
    }

    public void offset(long next) {
        this.offset = next;
    }

    public JobSnapshot snapshot() {
        return new JobSnapshot(jobId, accepted, text.toString(), started, terminal, events);
    }
}
