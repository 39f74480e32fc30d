package dev.npufleet.worker;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.KafkaSettings;
import dev.npufleet.worker.config.CacheConfig;
import dev.npufleet.worker.config.IdentityConfig;
import dev.npufleet.worker.config.JobsConfig;
import dev.npufleet.worker.config.LoopConfig;
import dev.npufleet.worker.config.RuntimeConfig;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The worker's whole configuration: a tree of small records, each owning one concern, reading its
 * own environment variables and validating itself in its compact constructor. Each component of the
 * worker receives only its own piece. Immutable; any thread.
 *
 * <p>The variables, their defaults and meanings are the README's worker table, which a test checks
 * against {@link #values()}; {@code fleet config worker} prints the effective values.
 *
 * <p>To add a setting (a cache setting goes in {@link CacheConfig}): declare its {@code Setting} constant there
 * (name, default, meaning: the one place the default is written), add the component, read it in
 * the record's {@code read}, check it in the compact constructor with a named validator, list it in
 * {@code describeTo}, and add its README row (the test prints the row it expects). The pattern in
 * full: {@link dev.npufleet.protocol.config}.
 */
public record WorkerConfig(IdentityConfig identity, KafkaSettings kafka, RuntimeConfig runtime, CacheConfig cache,
        JobsConfig jobs, LoopConfig loop) {

    public WorkerConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(loop, "loop");
    }

    /**
     * Reads every {@code NPUFLEET_*} variable of a worker from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable whose value is malformed or out of range
     */
    public static WorkerConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        IdentityConfig identity = IdentityConfig.read(r);
        return new WorkerConfig(identity, KafkaSettings.read(r, Set.of()),
                RuntimeConfig.read(r, identity.model(), identity.stateDir()),
                CacheConfig.read(r, identity.stateDir()), JobsConfig.read(r), LoopConfig.read(r));
    }

    /** Every setting with its effective value (Kafka secrets masked), in the README's order. */
    public ConfigValues values() {
        ConfigValues v = new ConfigValues();
        identity.describeTo(v);
        kafka.describeTo(v);
        runtime.describeTo(v);
        cache.describeTo(v);
        jobs.describeTo(v);
        loop.describeTo(v);
        return v;
    }

    /** For the start-up log line: every setting, with secret-looking Kafka properties masked. */
    public String describe() {
        return values().line();
    }

    @Override
    public String toString() {
        return "WorkerConfig[" + describe() + "]";
    }
}
