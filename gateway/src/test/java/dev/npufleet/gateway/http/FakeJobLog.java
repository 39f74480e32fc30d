package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.JobLog;
import dev.npufleet.gateway.jobs.JobProgress;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.Event;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory events log: the events the gateway published itself ({@link FakeBus#events}) and
 * those the test appends as a worker would, in order, folded the way the Kafka reader folds them.
 */
final class FakeJobLog implements JobLog {
    private final FakeBus bus;
    private final List<Event> workerEvents = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;
    /** Lookups made so far. */
    final AtomicInteger reads = new AtomicInteger();
    /**
     * When set, lookups wait for it and read the log when it completes, on the completing thread (a slow lookup, as
     * under load; what the caller chains on the lookup has run too when {@code complete} returns).
     */
    volatile CompletableFuture<Void> hold;

    FakeJobLog(FakeBus bus) {
        this.bus = bus;
    }

    void append(Event event) {
        workerEvents.add(event);
    }

    @Override
    public CompletableFuture<JobSnapshot> read(String jobId) {
        return readAll(List.of(jobId), 0).thenApply(all -> all.get(jobId));
    }

    @Override
    public CompletableFuture<Map<String, JobSnapshot>> readAll(Collection<String> jobIds, long fromMillis) {
        reads.incrementAndGet();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<Void> gate = hold;
        if (gate != null) {
            return gate.thenApply(v -> snapshots(jobIds));
        }
        Map<String, JobSnapshot> out = snapshots(jobIds);
        return CompletableFuture.supplyAsync(() -> out);
    }

    private Map<String, JobSnapshot> snapshots(Collection<String> jobIds) {
        List<Event> log = new ArrayList<>(bus.events);
        log.addAll(workerEvents);
        Map<String, JobSnapshot> out = new LinkedHashMap<>();
        for (String id : jobIds) {
            JobProgress progress = new JobProgress(id);
            log.stream().filter(e -> e.jobId().equals(id)).forEach(progress::accept);
            out.put(id, progress.snapshot());
        }
        return out;
    }
}
