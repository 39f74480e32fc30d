package dev.npufleet.worker.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which cache files go when the store is over a bound. Two bounds: at most {@code maxAutomatic}
 * automatic caches (least recently used out), and at most {@code maxBytes} on disk, where
 * automatic caches go before named ones (a named cache is one a client asked for; an automatic one
 * is the board's own guess, cheap to rebuild from the next job that repeats its system prompt),
 * each kind least recently used first. Pinned files and the file being committed stay. Stateless.
 */
final class CacheEviction {

    /** A file to remove, and why (for the log). */
    record Victim(CacheManifest manifest, String reason) {
    }

    /**
     * @param victims files to remove, in order
     * @param overBound true when the byte bound still does not hold after them (only pinned or kept files left)
     */
    record Plan(List<Victim> victims, boolean overBound) {
        Plan {
            victims = List.copyOf(victims);
        }
    }

    /** Automatic first, then least recently used. */
    private static final Comparator<CacheManifest> EVICTION_ORDER = Comparator
            .comparing((CacheManifest m) -> !m.automatic())
            .thenComparingLong(CacheManifest::lastUsedAt);

    private CacheEviction() {
    }

    /**
     * @param keep a file that must stay (the one just committed), or null
     */
    static Plan plan(Collection<CacheManifest> held, long maxBytes, int maxAutomatic, CacheManifest keep) {
        List<CacheManifest> left = new ArrayList<>(held);
        List<Victim> victims = new ArrayList<>();
        List<CacheManifest> automatic = left.stream().filter(CacheManifest::automatic)
                .sorted(Comparator.comparingLong(CacheManifest::lastUsedAt)).toList();
        int excess = automatic.size() - maxAutomatic;
        for (CacheManifest m : automatic) {
            if (excess <= 0) {
                break;
            }
            if (!same(m, keep)) {
                victims.add(new Victim(m, "evicted (more than " + maxAutomatic + " automatic caches)"));
                left.remove(m);
                excess--;
            }
        }
        long total = left.stream().mapToLong(CacheManifest::sizeBytes).sum();
        while (total > maxBytes) {
            Optional<CacheManifest> victim = left.stream().filter(m -> !m.pinned() && !same(m, keep))
                    .min(EVICTION_ORDER);
            if (victim.isEmpty()) {
                return new Plan(victims, true);
            }
            CacheManifest m = victim.get();
            victims.add(new Victim(m, m.automatic() ? "evicted (automatic, least recently used)"
                    : "evicted (least recently used)"));
            left.remove(m);
            total -= m.sizeBytes();
        }
        return new Plan(victims, false);
    }

    private static boolean same(CacheManifest m, CacheManifest keep) {
        return keep != null && m.name().equals(keep.name()) && m.revision().equals(keep.revision());
    }
}
