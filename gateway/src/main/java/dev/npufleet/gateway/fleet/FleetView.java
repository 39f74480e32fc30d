package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boards as their last status in the compacted workers topic (key = worker id) says. A board
 * whose status is older than {@code staleAfter} (by the worker's own timestamp, so that a gateway
 * reading the topic from its start does not mistake old statuses for live ones) is gone; a
 * tombstone (a worker that left cleanly) removes it.
 *
 * <p>Written by the state-consumer thread; read from any thread.
 */
public final class FleetView {
    private static final Logger LOG = LoggerFactory.getLogger(FleetView.class);

    private final ConcurrentMap<String, WorkerStatus> workers = new ConcurrentHashMap<>();
    private final Duration staleAfter;
    /** {@link #workers} sorted by model then id, and by model: rebuilt on each change, read without locks. */
    private volatile List<WorkerStatus> all = List.of();
    private volatile Map<String, List<WorkerStatus>> byModel = Map.of();

    public FleetView(Duration staleAfter) {
        this.staleAfter = staleAfter;
    }

    /** A record of the workers topic; {@code value} null is a tombstone. */
    public void apply(String key, byte[] value) {
        if (key == null) {
            return;
        }
        if (value == null) {
            workers.remove(key);
            reindex();
            return;
        }
        try {
            WorkerStatus status = JsonCodec.decode(value, WorkerStatus.class);
            workers.merge(status.workerId(), status, (old, fresh) -> fresh.timestamp() >= old.timestamp() ? fresh : old);
            reindex();
        } catch (ProtocolException e) {
            LOG.atWarn().addKeyValue("key", key).log("skipping a worker status that cannot be read: {}", e.getMessage());
        }
    }

    /**
     * Rebuilds the sorted views after a change: statuses change once a heartbeat per board, while every request
     * reads them (serving limits, routing), so the sorting is done here and not per read. Synchronized so that two
     * writers cannot publish their rebuilds out of order; readers take the volatile fields as they stand.
     */
    private synchronized void reindex() {
        List<WorkerStatus> sorted = workers.values().stream()
                .sorted(Comparator.comparing(WorkerStatus::model).thenComparing(WorkerStatus::workerId))
                .toList();
        Map<String, List<WorkerStatus>> models = new HashMap<>();
        for (WorkerStatus s : sorted) {
            models.computeIfAbsent(s.model(), m -> new ArrayList<>()).add(s);
        }
        models.replaceAll((m, list) -> List.copyOf(list));
        this.byModel = Map.copyOf(models);
        this.all = sorted;
    }

    public boolean isLive(WorkerStatus status, long nowMillis) {
        return nowMillis - status.timestamp() <= staleAfter.toMillis();
    }

    /** Every known board, live or gone, by model then id. */
    public List<WorkerStatus> all() {
        return all;
    }

    /** Every known board of {@code model}, live or gone, by id. */
    public List<WorkerStatus> of(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    /** The live boards serving {@code model}, by id. */
    public List<WorkerStatus> live(String model, long nowMillis) {
        List<WorkerStatus> boards = of(model);
        List<WorkerStatus> live = new ArrayList<>(boards.size());
        for (WorkerStatus s : boards) {
            if (isLive(s, nowMillis)) {
                live.add(s);
            }
        }
        return live;
    }

    /** The models some live board serves. */
    public Set<String> liveModels(long nowMillis) {
        Set<String> models = new TreeSet<>();
        for (WorkerStatus s : all) {
            if (isLive(s, nowMillis)) {
                models.add(s.model());
            }
        }
        return models;
    }

    public Duration staleAfter() {
        return staleAfter;
    }
}
