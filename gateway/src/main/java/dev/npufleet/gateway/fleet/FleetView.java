package dev.npufleet.gateway.fleet;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ProtocolException;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
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
            return;
        }
        try {
            WorkerStatus status = JsonCodec.decode(value, WorkerStatus.class);
            workers.merge(status.workerId(), status, (old, fresh) -> fresh.timestamp() >= old.timestamp() ? fresh : old);
        } catch (ProtocolException e) {
            LOG.atWarn().addKeyValue("key", key).log("skipping a worker status that cannot be read: {}", e.getMessage());
        }
    }

    public boolean isLive(WorkerStatus status, long nowMillis) {
        return nowMillis - status.timestamp() <= staleAfter.toMillis();
    }

    /** Every known board, live or gone, by model then id. */
    public List<WorkerStatus> all() {
        return workers.values().stream()
                .sorted(Comparator.comparing(WorkerStatus::model).thenComparing(WorkerStatus::workerId))
                .toList();
    }

    /** The live boards serving {@code model}. */
    public List<WorkerStatus> live(String model, long nowMillis) {
        return all().stream().filter(s -> s.model().equals(model) && isLive(s, nowMillis)).toList();
    }

    /** The models some live board serves. */
    public Set<String> liveModels(long nowMillis) {
        Set<String> models = new TreeSet<>();
        for (WorkerStatus s : workers.values()) {
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
