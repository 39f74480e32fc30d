package dev.npufleet.worker.engine;

import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of the model and runtime files (parts of every cache fingerprint). A board's model is a
 * gigabyte, so the hash is remembered in the state directory beside the file's size and
 * modification time, and computed again only when those change. Called at start-up, one thread.
 */
public final class FileHashes {

    /** What is remembered of one file. */
    record Remembered(String path, long size, long modified, String sha256) {
    }

    private final Path stateDir;

    public FileHashes(Path stateDir) {
        this.stateDir = stateDir;
    }

    public String sha256(Path file) {
        try {
            Path abs = file.toAbsolutePath().normalize();
            long size = Files.size(abs);
            long modified = Files.getLastModifiedTime(abs).toMillis();
            Path memo = stateDir.resolve("hashes").resolve(Integer.toHexString(abs.toString().hashCode()) + ".json");
            if (Files.isRegularFile(memo)) {
                try {
                    Remembered r = JsonCodec.decode(Files.readAllBytes(memo), Remembered.class);
                    if (r.path().equals(abs.toString()) && r.size() == size && r.modified() == modified) {
                        return r.sha256();
                    }
                } catch (RuntimeException stale) {
                    // unreadable memo: hash again
                }
            }
            String hash = compute(abs);
            Files.createDirectories(memo.getParent());
            Path tmp = memo.resolveSibling(memo.getFileName() + ".tmp");
            Files.write(tmp, JsonCodec.encode(new Remembered(abs.toString(), size, modified, hash)));
            Files.move(tmp, memo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }

    static String compute(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[64 * 1024];
            while (in.read(buffer) >= 0) {
                // the digest stream hashes as it reads
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
