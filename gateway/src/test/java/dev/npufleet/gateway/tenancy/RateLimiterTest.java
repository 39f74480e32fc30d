package dev.npufleet.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final Caller alice = new Caller("key_a", "alice", false, KeyLimits.NONE);
    private final Caller bob = new Caller("key_b", "bob", false, new KeyLimits(2, 0));

    @Test
    void shouldAllowAMinutesRequestsThenRefuseWithTheWaitUntilOneIsBack() {
        RateLimiter limiter = new RateLimiter(3, 0, 1, now::get);

        assertThat(limiter.chargeRequest(alice).allowed()).isTrue();
        assertThat(limiter.chargeRequest(alice).allowed()).isTrue();
        RateLimiter.Decision third = limiter.chargeRequest(alice);
        RateLimiter.Decision fourth = limiter.chargeRequest(alice);

        assertThat(third.allowed()).isTrue();
        assertThat(third.remaining()).isZero();
        assertThat(fourth.allowed()).isFalse();
        assertThat(fourth.retryAfterSeconds()).isEqualTo(20); // one request back every 20 s at 3/min
        now.addAndGet(TimeUnit.SECONDS.toNanos(20));
        assertThat(limiter.chargeRequest(alice).allowed()).isTrue();
    }

    @Test
    void shouldLetAKeysOwnLimitWinAndKeepKeysApart() {
        RateLimiter limiter = new RateLimiter(100, 0, 1, now::get);

        assertThat(limiter.chargeRequest(bob).allowed()).isTrue();
        assertThat(limiter.chargeRequest(bob).allowed()).isTrue();
        assertThat(limiter.chargeRequest(bob).allowed()).isFalse();
        assertThat(limiter.chargeRequest(alice).limit()).isEqualTo(100);
    }

    @Test
    void shouldEnforceEachGatewaysShareAndNothingWhenUnlimited() {
        RateLimiter shared = new RateLimiter(10, 1000, 3, now::get);
        RateLimiter unlimited = new RateLimiter(0, 0, 1, now::get);

        assertThat(shared.chargeRequest(alice).limit()).isEqualTo(4);
        assertThat(shared.chargeTokens(alice, 300).allowed()).isTrue();
        assertThat(shared.chargeTokens(alice, 100).allowed()).isFalse(); // 334 per gateway: 34 left
        assertThat(unlimited.chargeRequest(alice)).isNull();
        assertThat(unlimited.chargeTokens(alice, 1_000_000)).isNull();
    }

    @Test
    void shouldPassAChargeAboveTheWholeAllowanceOnceTheBucketIsFull() {
        RateLimiter limiter = new RateLimiter(0, 100, 1, now::get);

        assertThat(limiter.chargeTokens(alice, 500).allowed()).isTrue();
        RateLimiter.Decision next = limiter.chargeTokens(alice, 1);

        assertThat(next.allowed()).isFalse();
        assertThat(next.retryAfterSeconds()).isGreaterThan(60); // the debt of 400 tokens is paid first
    }
}
