package dev.npufleet.worker.job;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Hops;
import dev.npufleet.worker.metrics.WorkerMetrics;

/**
 * One job's marks on its way to the first chunk, on this host's monotonic clock ({@link System#nanoTime}): polled,
 * slot started, first token, first chunk sent, first chunk acknowledged. Each mark keeps its first value. At the
 * job's end they become the {@link Hops} of its {@code FINISH} and the worker's per-hop histograms.
 *
 * <p>Threads: the slot mark on the job thread, the token mark on the runtime's token thread, the chunk marks on
 * whichever thread sends or acknowledges the first chunk; marks are volatile and set once, so any thread may read.
 */
public final class HopMarks {

    private final WorkerMetrics metrics;
    private final long polled;
    private volatile long slotStarted;
    private volatile long firstToken;
    private volatile long chunkSent;
    private volatile long chunkAcked;

    /** @param polledNanos when the job's record came out of the consumer's poll (0: unknown) */
    public HopMarks(long polledNanos, WorkerMetrics metrics) {
        this.polled = polledNanos;
        this.metrics = metrics;
    }

    /** The runtime is about to be asked to run the job. */
    void slotStarted() {
        if (slotStarted == 0) {
            slotStarted = System.nanoTime();
        }
    }

    /** The runtime's token callback (only the first counts). */
    void firstToken() {
        if (firstToken == 0) {
            firstToken = System.nanoTime();
        }
    }

    /** A chunk is handed to the producer (only the first counts). */
    void chunkSent() {
        if (chunkSent == 0) {
            chunkSent = System.nanoTime();
        }
    }

    /** The broker acknowledged a chunk (only the first sent one's acknowledgement comes first: one is in flight). */
    void chunkAcked() {
        if (chunkSent != 0 && chunkAcked == 0) {
            chunkAcked = System.nanoTime();
        }
    }

    /** The hops measured so far. */
    Hops hops() {
        return Hops.fromNanos(polled, slotStarted, firstToken, chunkSent, chunkAcked);
    }

    /**
     * A {@code FINISH} with timings gets the hops (when any was measured), and they go to the histograms; any other
     * event is returned as it is. Called once, as the job's last event is sent (so the first chunk's ack is in).
     */
    Event stamp(Event last) {
        if (last.type() != EventType.FINISH || last.timings() == null) {
            return last;
        }
        Hops hops = hops();
        if (hops.waitMs() == null) {
            return last; // never reached the runtime (a cache build, an embedding): nothing on the token path
        }
        metrics.hops(hops);
        return last.withTimings(last.timings().withHops(hops));
    }
}
