package dev.npufleet.gateway.routing;

import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.util.ArrayList;
import java.util.List;

/** A board's status as a test wants it: idle, capacity 1, unmeasured, fresh at {@link #NOW}, unless told otherwise. */
final class Board {
    static final String MODEL = "m";
    static final long NOW = 1_000_000;

    private final String id;
    private List<Integer> partitions = List.of();
    private final List<WorkerStatus.CacheHolding> caches = new ArrayList<>();
    private long queue;
    private double capacity = 1.0;
    private double prefillTps;
    private double decodeTps;
    private long timestamp = NOW;
    private String currentJob;
    private WorkerStatus.State state = WorkerStatus.State.IDLE;

    private Board(String id) {
        this.id = id;
    }

    static Board of(String id, Integer... partitions) {
        Board b = new Board(id);
        b.partitions = List.of(partitions);
        return b;
    }

    Board holding(String cache, String revision) {
        caches.add(new WorkerStatus.CacheHolding(cache, revision, 1 << 20, 0, NOW));
        return this;
    }

    Board queue(long depth) {
        queue = depth;
        return this;
    }

    /** The job the status names as in the slot. */
    Board running(String jobId) {
        currentJob = jobId;
        return this;
    }

    Board capacity(double weight) {
        capacity = weight;
        return this;
    }

    Board rates(double prefill, double decode) {
        prefillTps = prefill;
        decodeTps = decode;
        return this;
    }

    Board at(long time) {
        timestamp = time;
        return this;
    }

    Board draining() {
        state = WorkerStatus.State.DRAINING;
        return this;
    }

    WorkerStatus status() {
        return new WorkerStatus(Protocol.VERSION, id, MODEL, "sim", "1.3.0", state == WorkerStatus.State.DRAINING ? state
                : queue > 0 ? WorkerStatus.State.BUSY : state,
                partitions, caches, queue, currentJob, prefillTps, decodeTps, capacity, 0, 1000, NOW - 60_000, timestamp);
    }

    static List<WorkerStatus> fleet(Board... boards) {
        return java.util.Arrays.stream(boards).map(Board::status).toList();
    }
}
