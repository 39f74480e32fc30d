package dev.npufleet.gateway.tenancy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys a gateway accepts: the inline list and the keys file, the file re-read when it changes (its
 * modification time or size, looked at no more than once a second, on the request that finds it due). A file
 * that no longer parses keeps the keys read last, with a WARN naming the line. Lookups compare hashes in constant
 * time against every key. Any thread.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final long RECHECK_MS = 1000;

    private final List<ApiKey> inline;
    private final Path file;
    private final LongSupplier clock;
    private volatile List<ApiKey> keys;
    private volatile long checkedAt;
    private long fileStamp;

    private KeyRing(List<ApiKey> inline, Path file, LongSupplier clock) {
        this.inline = List.copyOf(inline);
        this.file = file;
        this.clock = clock;
        this.checkedAt = clock.getAsLong();
        this.fileStamp = stamp();
        this.keys = all(file == null ? List.of() : readFile());
    }

    /**
     * The keys {@code settings} names; empty when keys are off.
     *
     * @throws IllegalArgumentException when the file cannot be read or a line is malformed
     */
    public static Optional<KeyRing> of(TenancySettings settings, LongSupplier clock) {
        if (!settings.keysOn()) {
            return Optional.empty();
        }
        List<ApiKey> inline = settings.apiKeys() == null ? List.of() : KeyFile.parseInline(settings.apiKeys());
        KeyRing ring = new KeyRing(inline, settings.apiKeysFile(), clock);
        LOG.atInfo().log("API keys on: {} keys ({} admin)", ring.keys.size(),
                ring.keys.stream().filter(ApiKey::admin).count());
        return Optional.of(ring);
    }

    /** The caller whose key the {@code Authorization} header carries; empty when it carries none this ring knows. */
    public Optional<Caller> authenticate(String authorization) {
        reloadIfDue();
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).strip();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = ApiKey.hash(token);
        ApiKey found = null;
        for (ApiKey key : keys) { // every key compared, so the time does not tell which one matched
            if (key.matches(hash) && found == null) {
                found = key;
            }
        }
        return Optional.ofNullable(found).map(ApiKey::caller);
    }

    public int size() {
        return keys.size();
    }

    private void reloadIfDue() {
        long now = clock.getAsLong();
        if (file == null || now - checkedAt < RECHECK_MS) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < RECHECK_MS) {
                return;
            }
            checkedAt = now;
            long stamp = stamp();
            if (stamp == fileStamp) {
                return;
            }
            fileStamp = stamp;
            try {
                keys = all(readFile());
                LOG.atInfo().log("API keys file re-read: {} keys", keys.size());
            } catch (IllegalArgumentException e) {
                LOG.atWarn().log("API keys file not re-read, the keys read last stay: {}", e.getMessage());
            }
        }
    }

    private List<ApiKey> all(List<ApiKey> fromFile) {
        List<ApiKey> all = new ArrayList<>(inline);
        all.addAll(fromFile);
        return List.copyOf(all);
    }

    private List<ApiKey> readFile() {
        try {
            return KeyFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8), "NPUFLEET_API_KEYS_FILE " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("NPUFLEET_API_KEYS_FILE " + file + " cannot be read: " + e);
        }
    }

    private long stamp() {
        if (file == null) {
            return 0;
        }
        try {
            return Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
