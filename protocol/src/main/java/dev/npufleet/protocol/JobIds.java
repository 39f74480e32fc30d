package dev.npufleet.protocol;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;

/**
 * Time-ordered job ids (UUIDv7, RFC 9562): the first 48 bits are the creation time in epoch
 * millis, so any gateway can find a job's events with {@code offsetsForTimes} from its id alone.
 * Thread-safe.
 */
public final class JobIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The 74 random bits of an id, rounded up to bytes. */
    private static final int ID_BYTES = 10;
    private static final int IDS_PER_DRAW = 64;
    /** Each thread's random bytes, drawn from {@link #RANDOM} for {@link #IDS_PER_DRAW} ids at a time. */
    private static final ThreadLocal<Draw> DRAWS = ThreadLocal.withInitial(Draw::new);

    /** One thread's draw and how much of it was used. Confined to its thread. */
    private static final class Draw {
        final byte[] bytes = new byte[ID_BYTES * IDS_PER_DRAW];
        int next = bytes.length;
    }

    private JobIds() {
    }

    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    static String newId(long epochMillis) {
        Draw draw = DRAWS.get();
        byte[] random = draw.bytes;
        int at = draw.next;
        if (at == random.length) {
            // one draw for many ids: the draw's cost is its code path (a lock, the mixing), not its bytes, and a
            // request arriving on a cold cache paid about 25 us for it
            RANDOM.nextBytes(random);
            at = 0;
        }
        draw.next = at + ID_BYTES;
        long randA = ((random[at] & 0xFFL) << 8 | random[at + 1] & 0xFFL) & 0xFFFL;
        long randB = 0;
        for (int i = at + 2; i < at + ID_BYTES; i++) {
            randB = randB << 8 | random[i] & 0xFFL;
        }
        Arrays.fill(random, at, at + ID_BYTES, (byte) 0); // an id's bits are not kept once used
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
