package dev.npufleet.gateway.tenancy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests and tokens per minute per key, as token buckets: each holds up to a minute's allowance and refills
 * continuously, so a key may burst its whole minute at once and then goes at the limit's pace. A key's own limits
 * win over the fleet default; 0 is unlimited. With several gateways each enforces its share
 * ({@code limit / NPUFLEET_RATE_GATEWAYS}, rounded up): a client spread over the gateways by a load balancer gets
 * about its limit, one pinned to a single gateway gets that gateway's share. Any thread.
 */
public final class RateLimiter {
    /** What a charge found: allowed or not, and what the {@code x-ratelimit-*} headers say. */
    public record Decision(boolean allowed, long limit, long remaining, long resetMillis, long retryAfterSeconds,
            String kind) {
    }

    private final long defaultRpm;
    private final long defaultTpm;
    private final int gateways;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> requests = new ConcurrentHashMap<>();
    private final Map<String, Bucket> tokens = new ConcurrentHashMap<>();

    public RateLimiter(long defaultRpm, long defaultTpm, int gateways, LongSupplier nanoClock) {
        if (gateways < 1) {
            throw new IllegalArgumentException("gateways must be >= 1, was " + gateways);
        }
        this.defaultRpm = defaultRpm;
        this.defaultTpm = defaultTpm;
        this.gateways = gateways;
        this.nanoClock = nanoClock;
    }

    /** Charges one request to {@code caller}; null when the caller has no request limit. */
    public Decision chargeRequest(Caller caller) {
        long limit = share(caller.limits().requestsPerMinute() > 0 ? caller.limits().requestsPerMinute() : defaultRpm);
        return limit == 0 ? null : charge(requests, key(caller), limit, 1, "requests");
    }

    /** Charges {@code amount} tokens to {@code caller}; null when the caller has no token limit. */
    public Decision chargeTokens(Caller caller, long amount) {
        long limit = share(caller.limits().tokensPerMinute() > 0 ? caller.limits().tokensPerMinute() : defaultTpm);
        return limit == 0 ? null : charge(tokens, key(caller), limit, amount, "tokens");
    }

    private long share(long limit) {
        return limit == 0 ? 0 : (limit + gateways - 1) / gateways;
    }

    /** With keys off all clients share one bucket: the gateway's. */
    private static String key(Caller caller) {
        return caller.owner() == null ? "" : caller.owner();
    }

    private Decision charge(Map<String, Bucket> buckets, String key, long limit, long amount, String kind) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit, nanoClock.getAsLong()));
        return bucket.take(limit, amount, nanoClock.getAsLong(), kind);
    }

    /** One key's allowance of one kind; its lock guards its two fields. */
    private static final class Bucket {
        private static final double NANOS_PER_MINUTE = 60e9;
        private double available;
        private long refilledAt;

        Bucket(long limit, long now) {
            this.available = limit;
            this.refilledAt = now;
        }

        synchronized Decision take(long limit, long amount, long now, String kind) {
            available = Math.min(limit, available + (now - refilledAt) * limit / NANOS_PER_MINUTE);
            refilledAt = now;
            double perMilli = limit / 60_000.0;
            // a charge above the whole allowance could never pass: it passes when the bucket is full, leaving debt
            double needed = Math.min(amount, limit);
            if (available >= needed) {
                available -= amount;
                long reset = (long) Math.ceil((limit - available) / perMilli);
                return new Decision(true, limit, (long) Math.max(0, Math.floor(available)), reset, 0, kind);
            }
            long wait = (long) Math.ceil((needed - available) / perMilli);
            long reset = (long) Math.ceil((limit - available) / perMilli);
            return new Decision(false, limit, (long) Math.max(0, Math.floor(available)), reset,
                    Math.max(1, (wait + 999) / 1000), kind);
        }
    }
}
