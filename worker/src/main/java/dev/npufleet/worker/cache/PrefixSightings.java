package dev.npufleet.worker.cache;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts how often each system prompt (by its hash) was seen lately, to tell when one repeats
 * enough to deserve an automatic cache: {@code threshold} sightings within {@code window}. Memory
 * is bounded whatever the traffic: at most {@code maxTracked} prompts (the least recently seen is
 * forgotten first) and at most {@code threshold} times per prompt.
 *
 * <p>Thread-safe (synchronized), though only the job thread calls it.
 */
final class PrefixSightings {

    private final int threshold;
    private final long windowMillis;
    private final Map<String, Deque<Long>> seen;

    /**
     * @param threshold sightings that make a prompt repeated (at least 1)
     * @param maxTracked prompts remembered at most
     */
    PrefixSightings(int threshold, Duration window, int maxTracked) {
        if (threshold < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("threshold and maxTracked must be positive");
        }
        this.threshold = threshold;
        this.windowMillis = window.toMillis();
        this.seen = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /**
     * Records one sighting of {@code key} at {@code nowMillis}.
     *
     * @return true when the key has now been seen at least {@code threshold} times within the window
     */
    synchronized boolean sight(String key, long nowMillis) {
        Deque<Long> times = seen.computeIfAbsent(key, k -> new ArrayDeque<>(threshold + 1));
        while (!times.isEmpty() && times.peekFirst() <= nowMillis - windowMillis) {
            times.removeFirst();
        }
        times.addLast(nowMillis);
        while (times.size() > threshold) {
            times.removeFirst(); // older sightings add nothing once the threshold is met
        }
        return times.size() >= threshold;
    }

    /** Prompts remembered now. */
    synchronized int tracked() {
        return seen.size();
    }
}
