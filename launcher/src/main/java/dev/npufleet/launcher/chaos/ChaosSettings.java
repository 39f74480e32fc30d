package dev.npufleet.launcher.chaos;

import java.time.Duration;

/**
 * The chaos suite's knobs.
 *
 * @param jobs jobs of the kill loop
 * @param outageJobs jobs under way across the broker outage
 * @param sideJobs ordinary jobs served during the poison and crash scenarios
 * @param concurrency jobs in flight at a time
 * @param maxTokens each job's {@code max_tokens}
 * @param killEvery the kill loop's period
 * @param outage how long the broker stays down
 */
record ChaosSettings(int jobs, int outageJobs, int sideJobs, int concurrency, int maxTokens, Duration killEvery,
        Duration outage) {

    ChaosSettings {
        if (jobs < 1 || outageJobs < 1 || sideJobs < 1 || concurrency < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("job counts, concurrency and max tokens must be positive");
        }
        if (killEvery.isNegative() || killEvery.isZero() || outage.isNegative() || outage.isZero()) {
            throw new IllegalArgumentException("the kill period and the outage must be positive");
        }
    }
}
