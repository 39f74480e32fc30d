package dev.npufleet.gateway.routing;

import java.util.List;

/**
 * Hashes that must not change between gateway versions or instances (several gateways have to agree
 * on a key's owner and partition): FNV-1a over the string's chars, finished with SplitMix64's mixer
 * (FNV alone spreads similar keys poorly). Stateless; any thread.
 */
final class StableHash {
    private StableHash() {
    }

    static long of(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** Rendezvous (highest random weight) score of {@code board} for {@code key}: the highest score owns the key. */
    static long rendezvous(String key, String board) {
        return rendezvous(of(key), board);
    }

    /** {@link #rendezvous(String, String)} with the key's hash ({@link #of}) computed once for many boards. */
    static long rendezvous(long keyHash, String board) {
        return mix(keyHash ^ of(board) * 0x9e3779b97f4a7c15L);
    }

    /**
     * One of {@code owned} (sorted, not empty), the same one for the same key and set: jobs with one
     * key queue in one partition of a board, behind each other, so a cache the first builds serves the next.
     */
    static int partitionFor(String key, List<Integer> owned) {
        return owned.get(Math.floorMod(of(key), owned.size()));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
