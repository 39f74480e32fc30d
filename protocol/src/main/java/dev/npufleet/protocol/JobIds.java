package dev.npufleet.protocol;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered job ids (UUIDv7, RFC 9562): the first 48 bits are the creation time in epoch
 * millis, so any gateway can find a job's events with {@code offsetsForTimes} from its id alone.
 * Thread-safe.
 */
public final class JobIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private JobIds() {
    }

    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    static String newId(long epochMillis) {
        // one draw for the 74 random bits (nextInt and nextLong would be three, each taking the source's lock)
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long randA = ((random[0] & 0xFFL) << 8 | random[1] & 0xFFL) & 0xFFFL;
        long randB = 0;
        for (int i = 2; i < 10; i++) {
            randB = randB << 8 | random[i] & 0xFFL;
        }
        long msb = (epochMillis << 16) | 0x7000L | randA;
        long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * The creation time encoded in a UUIDv7 id.
     *
     * @throws IllegalArgumentException if {@code id} is not a version-7 UUID
     */
    public static long timestampMillis(String id) {
        UUID uuid = parse(id);
        if (uuid.version() != 7) {
            throw new IllegalArgumentException("not a time-ordered (version 7) job id: " + id);
        }
        return uuid.getMostSignificantBits() >>> 16;
    }

    public static boolean isValid(String id) {
        try {
            return parse(id).version() == 7;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static UUID parse(String id) {
        if (id == null || id.length() != 36) {
            throw new IllegalArgumentException("not a job id: " + id);
        }
        return UUID.fromString(id);
    }
}
