package dev.npufleet.worker.cache;

import dev.npufleet.worker.engine.EngineIdentity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Everything that makes a prompt cache file valid: a file is KV state that only the same model,
 * runtime build and ABI can read, for exactly the same prefix text, rendered by the same chat
 * template, of the same definition revision. A file whose fingerprint differs in any part is
 * rebuilt, never loaded.
 *
 * @param modelHash SHA-256 of the model file
 * @param runtimeHash SHA-256 of the runtime library
 * @param abi the RKLLM ABI version the bridge used
 * @param templateId the chat template that rendered the prefix ({@code raw} for a text prefix)
 * @param prefixHash SHA-256 of the rendered prefix text (UTF-8)
 * @param revision the cache definition's revision
 */
public record CacheFingerprint(String modelHash, String runtimeHash, String abi, String templateId,
        String prefixHash, String revision) {

    public CacheFingerprint {
        Objects.requireNonNull(modelHash, "modelHash");
        Objects.requireNonNull(runtimeHash, "runtimeHash");
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(prefixHash, "prefixHash");
        Objects.requireNonNull(revision, "revision");
    }

    public static CacheFingerprint of(EngineIdentity engine, String templateId, String prefix, String revision) {
        return new CacheFingerprint(engine.modelHash(), engine.runtimeHash(), engine.abi(), templateId,
                sha256(prefix), revision);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
