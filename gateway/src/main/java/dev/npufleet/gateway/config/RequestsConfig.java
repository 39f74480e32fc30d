package dev.npufleet.gateway.config;

import static dev.npufleet.protocol.config.Checks.between;
import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.time.Duration;

/**
 * What the gateway takes from a request: body and upload limits, the default {@code max_tokens},
 * the deadlines of synchronous and asynchronous jobs, and how long an interactive job's ACCEPTED may wait for
 * its answer to start. Immutable; any thread.
 */
public record RequestsConfig(Duration timeout, Duration jobTtl, int maxBodyBytes, int maxFileBytes,
        int defaultMaxTokens, Duration acceptedDelay) {

    /** The largest upload the files topic takes (one record per file). */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    public static final Setting TIMEOUT = Setting.of("NPUFLEET_REQUEST_TIMEOUT_MS", "300000",
            "the longest a request may take, from arrival to its last byte; also its job's deadline. Past it: "
                    + "504, or an error event in a started stream");
    public static final Setting JOB_TTL = Setting.of("NPUFLEET_JOB_TTL", "24h",
            "an asynchronous job's deadline (`POST /v1/jobs`, each batch line), from submission: not started by "
                    + "then, it fails `deadline_exceeded`; `90m`, `30s`, `500ms`, `7d`, or milliseconds");
    public static final Setting MAX_BODY_BYTES = Setting.of("NPUFLEET_MAX_BODY_BYTES", "2097152",
            "larger request bodies get 413");
    public static final Setting MAX_FILE_BYTES_SETTING = Setting.of("NPUFLEET_MAX_FILE_BYTES",
            Integer.toString(MAX_FILE_BYTES), "`" + MAX_FILE_BYTES + "` (also the most)",
            "larger uploads to `POST /v1/files` get 413 (a file is one record of the files topic)");
    public static final Setting DEFAULT_MAX_TOKENS = Setting.of("NPUFLEET_DEFAULT_MAX_TOKENS", "512",
            "`max_tokens` of a request that sets none");
    public static final Setting ACCEPTED_DELAY = Setting.of("NPUFLEET_ACCEPTED_DELAY_MS", "100",
            "an interactive request's ACCEPTED (what lets any gateway answer `GET /v1/jobs/{id}` for it) is written "
                    + "when its first text goes to the client, or this long after its job, whichever comes first");

    public RequestsConfig {
        positive(TIMEOUT, timeout);
        positive(JOB_TTL, jobTtl);
        positive(MAX_BODY_BYTES, maxBodyBytes);
        between(MAX_FILE_BYTES_SETTING, maxFileBytes, 1, MAX_FILE_BYTES);
        positive(DEFAULT_MAX_TOKENS, defaultMaxTokens);
        positive(ACCEPTED_DELAY, acceptedDelay);
    }

    public static RequestsConfig read(EnvReader env) {
        return new RequestsConfig(env.duration(TIMEOUT), env.duration(JOB_TTL), env.integer(MAX_BODY_BYTES),
                env.integer(MAX_FILE_BYTES_SETTING), env.integer(DEFAULT_MAX_TOKENS), env.duration(ACCEPTED_DELAY));
    }

    public void describeTo(ConfigValues values) {
        values.add(TIMEOUT, timeout.toMillis()).add(JOB_TTL, jobTtl).add(MAX_BODY_BYTES, maxBodyBytes)
                .add(MAX_FILE_BYTES_SETTING, maxFileBytes).add(DEFAULT_MAX_TOKENS, defaultMaxTokens)
                .add(ACCEPTED_DELAY, acceptedDelay.toMillis());
    }
}
