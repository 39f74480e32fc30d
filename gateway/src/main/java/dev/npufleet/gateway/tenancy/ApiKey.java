package dev.npufleet.gateway.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One configured API key, held only as its SHA-256 hash: a key file may list hashes instead of keys, and a
 * heap dump or a log of this object shows no key. Immutable; any thread.
 *
 * @param sha256 the key's SHA-256 hash (32 bytes)
 * @param name the key's name, for logs and metrics; null when the file gives none
 */
public record ApiKey(byte[] sha256, String name, boolean admin, KeyLimits limits) {

    public ApiKey {
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 hash is 32 bytes, was " + sha256.length);
        }
        sha256 = sha256.clone();
        limits = limits == null ? KeyLimits.NONE : limits;
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The owner id of what this key creates: a hash of the key's hash, so the id is the same on every gateway
     * that holds the key (or its hash), yet names neither.
     */
    public String owner() {
        byte[] again = hash("npufleet-owner:" + HexFormat.of().formatHex(sha256));
        return "key_" + HexFormat.of().formatHex(again, 0, 10);
    }

    public Caller caller() {
        return new Caller(owner(), name == null ? owner() : name, admin, limits);
    }

    /** Constant-time: as long for a key that differs in its first byte as for one that differs in its last. */
    boolean matches(byte[] candidateHash) {
        return MessageDigest.isEqual(sha256, candidateHash);
    }

    @Override
    public String toString() {
        return "ApiKey[name=" + name + ", owner=" + owner() + ", admin=" + admin + ", " + limits + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && MessageDigest.isEqual(sha256, k.sha256) && Objects.equals(name, k.name)
                && admin == k.admin && limits.equals(k.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(sha256), name, admin, limits);
    }
}
