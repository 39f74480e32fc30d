package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.port;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.time.Duration;

/**
 * The worker's loops and their clocks: the job consumer's group membership, the status heartbeat,
 * the graceful drain, and the metrics port. Immutable; any thread.
 */
public record LoopConfig(Duration heartbeat, Duration statusMinInterval, Duration sessionTimeout,
        boolean staticMembership, Duration drainTimeout, int metricsPort) {

    public static final Setting HEARTBEAT = Setting.of("NPUFLEET_HEARTBEAT_MS", "1000",
            "status published to `npu.workers` this often");
    public static final Setting STATUS_MIN_INTERVAL = Setting.of("NPUFLEET_STATUS_MIN_INTERVAL_MS", "200",
            "the status is also published on state changes (job start/end, cache built/removed, partitions), at "
                    + "most this often");
    public static final Setting SESSION_TIMEOUT = Setting.of("NPUFLEET_SESSION_TIMEOUT_MS", "10000",
            "how fast a dead board's partitions move (broker minimum usually 6000)");
    public static final Setting STATIC_MEMBERSHIP = Setting.of("NPUFLEET_STATIC_MEMBERSHIP", "true",
            "`group.instance.id` = worker id: keep partitions (and so caches) across quick restarts");
    public static final Setting DRAIN_TIMEOUT = Setting.of("NPUFLEET_DRAIN_TIMEOUT_MS", "30000",
            "graceful stop: the running job may finish this long before it is aborted");
    public static final Setting METRICS_PORT = Setting.of("NPUFLEET_METRICS_PORT", "0", "`0` (off)",
            "HTTP port of `/metrics` (Prometheus) and `/health`");

    public LoopConfig {
        port(METRICS_PORT, metricsPort);
    }

    public static LoopConfig read(EnvReader env) {
        return new LoopConfig(env.positiveDuration(HEARTBEAT), env.positiveDuration(STATUS_MIN_INTERVAL),
                env.positiveDuration(SESSION_TIMEOUT), env.bool(STATIC_MEMBERSHIP), env.positiveDuration(DRAIN_TIMEOUT),
                env.integer(METRICS_PORT));
    }

    public void describeTo(ConfigValues values) {
        values.add(HEARTBEAT, heartbeat.toMillis()).add(STATUS_MIN_INTERVAL, statusMinInterval.toMillis())
                .add(SESSION_TIMEOUT, sessionTimeout.toMillis()).add(STATIC_MEMBERSHIP, staticMembership)
                .add(DRAIN_TIMEOUT, drainTimeout.toMillis()).add(METRICS_PORT, metricsPort);
    }
}
