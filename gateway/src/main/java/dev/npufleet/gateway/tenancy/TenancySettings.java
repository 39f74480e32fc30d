package dev.npufleet.gateway.tenancy;

import static dev.npufleet.protocol.config.Checks.between;
import static dev.npufleet.protocol.config.Checks.notNegative;
import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the gateway bounds per request and per client: input sizes, upload memory, API keys, their limits and
 * admission control; one branch of the gateway's config tree. Immutable; any thread.
 *
 * @param apiKeysFile the keys file, or null
 * @param apiKeys the inline key list, as given (never logged: its name looks secret), or null
 */
public record TenancySettings(int maxMessages, int maxInputChars, long maxUploadMemoryBytes, Path apiKeysFile,
        String apiKeys, long rateRpm, long rateTpm, int rateGateways, long admitMaxWaitMs) {

    public static final Setting MAX_MESSAGES = Setting.of("NPUFLEET_MAX_MESSAGES", "512",
            "messages in one chat request (or a cache's prefix)");
    public static final Setting MAX_INPUT_CHARS = Setting.of("NPUFLEET_MAX_INPUT_CHARS", "262144",
            "characters of text in one request; more is 400 `context_length_exceeded`");
    public static final Setting MAX_UPLOAD_MEMORY = Setting.of("NPUFLEET_MAX_UPLOAD_MEMORY_BYTES", "67108864",
            "bytes all uploads in progress may hold; past it 429 `too_many_uploads`");
    public static final Setting API_KEYS_FILE = Setting.derived("NPUFLEET_API_KEYS_FILE", "none (keys off)",
            "file of API keys, re-read when it changes; see [API keys and limits](#api-keys-and-limits)");
    public static final Setting API_KEYS = Setting.derived("NPUFLEET_API_KEYS", "none (keys off)",
            "API keys, comma-separated, each `key` or `key:name` (a name starting `admin` makes an admin key)");
    public static final Setting RATE_RPM = Setting.of("NPUFLEET_RATE_RPM", "0", "`0` (unlimited)",
            "requests per minute per key that create work (a key's `rpm=` wins); 429 `rate_limit_exceeded` past it");
    public static final Setting RATE_TPM = Setting.of("NPUFLEET_RATE_TPM", "0", "`0` (unlimited)",
            "tokens per minute per key (input characters ÷ 4 + `max_tokens`; a key's `tpm=` wins)");
    public static final Setting RATE_GATEWAYS = Setting.of("NPUFLEET_RATE_GATEWAYS", "1",
            "gateways sharing the limits: each enforces limit ÷ this");
    public static final Setting ADMIT_MAX_WAIT = Setting.of("NPUFLEET_ADMIT_MAX_WAIT_MS", "0", "`0` (off)",
            "a model whose estimated wait for a new job is above this refuses chat/completions with 429 "
                    + "`model_overloaded`");

    public TenancySettings {
        positive(MAX_MESSAGES, maxMessages);
        positive(MAX_INPUT_CHARS, maxInputChars);
        positive(MAX_UPLOAD_MEMORY, maxUploadMemoryBytes);
        notNegative(RATE_RPM, rateRpm);
        notNegative(RATE_TPM, rateTpm);
        between(RATE_GATEWAYS, rateGateways, 1, 1000);
        notNegative(ADMIT_MAX_WAIT, admitMaxWaitMs);
        apiKeys = apiKeys == null || apiKeys.isBlank() ? null : apiKeys.strip();
    }

    public static TenancySettings read(EnvReader env) {
        return new TenancySettings(env.integer(MAX_MESSAGES), env.integer(MAX_INPUT_CHARS),
                env.parsed(MAX_UPLOAD_MEMORY, Long::parseLong), env.path(API_KEYS_FILE), env.string(API_KEYS),
                env.parsed(RATE_RPM, Long::parseLong), env.parsed(RATE_TPM, Long::parseLong),
                env.integer(RATE_GATEWAYS), env.parsed(ADMIT_MAX_WAIT, Long::parseLong));
    }

    /** The defaults (keys off, no limits), for tests and tools. */
    public static TenancySettings defaults() {
        return read(new EnvReader(Map.of()));
    }

    /** True when clients must send an API key. */
    public boolean keysOn() {
        return apiKeysFile != null || apiKeys != null;
    }

    /** The effective values; the inline keys only as set or not (their name looks secret, and is masked too). */
    public void describeTo(ConfigValues values) {
        values.add(MAX_MESSAGES, maxMessages).add(MAX_INPUT_CHARS, maxInputChars)
                .add(MAX_UPLOAD_MEMORY, maxUploadMemoryBytes)
                .add(API_KEYS_FILE, apiKeysFile == null ? "-" : apiKeysFile)
                .add(API_KEYS, apiKeys == null ? "-" : "****").add(RATE_RPM, rateRpm).add(RATE_TPM, rateTpm)
                .add(RATE_GATEWAYS, rateGateways).add(ADMIT_MAX_WAIT, admitMaxWaitMs);
    }

    @Override
    public String toString() {
        ConfigValues values = new ConfigValues();
        describeTo(values);
        return "TenancySettings[" + values.line() + "]";
    }
}
