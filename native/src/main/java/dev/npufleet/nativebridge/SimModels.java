package dev.npufleet.nativebridge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Writes and reads the RKLLM simulator's model files. Stateless; any thread.
 *
 * <p>The file (76 bytes, little-endian) is: magic {@code NPFSIM01}, u32 format version (1), u32
 * vocab size (259), u32 d_model, u32 n_layers, u32 n_heads, u32 d_ff, u32 max_context, u64 weight
 * seed, 32-byte NUL-padded name. No weights: the simulator derives them from the seed, and its model
 * fingerprint (the key of prompt caches) is the FNV-1a 64 hash of these bytes.
 */
public final class SimModels {

    public static final int FILE_SIZE = 76;
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "NPFSIM01".getBytes(StandardCharsets.US_ASCII);

    private SimModels() {
    }

    /** Writes the spec's model file (via a temporary file and a rename, so readers never see half a file). */
    public static Path write(Path file, SimModelSpec spec) throws IOException {
        byte[] bytes = encode(spec);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /** Writes the file only if it is missing or holds another spec; returns the file. */
    public static Path ensure(Path file, SimModelSpec spec) throws IOException {
        try {
            if (Arrays.equals(Files.readAllBytes(file), encode(spec))) {
                return file;
            }
        } catch (NoSuchFileException e) {
            // missing: write it below
        }
        return write(file, spec);
    }

    /**
     * Reads a model file back.
     *
     * @throws IOException when the file cannot be read or is not a valid simulator model file
     */
    public static SimModelSpec read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static byte[] encode(SimModelSpec spec) {
        ByteBuffer b = ByteBuffer.allocate(FILE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(FORMAT_VERSION).putInt(SimModelSpec.VOCAB_SIZE);
        b.putInt(spec.dModel()).putInt(spec.nLayers()).putInt(spec.nHeads()).putInt(spec.dFf());
        b.putInt(spec.maxContext()).putLong(spec.seed());
        b.put(Arrays.copyOf(spec.name().getBytes(StandardCharsets.UTF_8), SimModelSpec.NAME_BYTES));
        return b.array();
    }

    static SimModelSpec decode(byte[] bytes) {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a simulator model file (magic is not NPFSIM01)");
        }
        if (bytes.length != FILE_SIZE) {
            throw new IllegalArgumentException("model file has " + bytes.length + " bytes, expected " + FILE_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length);
        int version = b.getInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + version + ", expected " + FORMAT_VERSION);
        }
        int vocab = b.getInt();
        if (vocab != SimModelSpec.VOCAB_SIZE) {
            throw new IllegalArgumentException("vocab size " + vocab + ", expected " + SimModelSpec.VOCAB_SIZE);
        }
        int dModel = b.getInt();
        int nLayers = b.getInt();
        int nHeads = b.getInt();
        int dFf = b.getInt();
        int maxContext = b.getInt();
        long seed = b.getLong();
        byte[] name = new byte[SimModelSpec.NAME_BYTES];
        b.get(name);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new SimModelSpec(new String(name, 0, len, StandardCharsets.UTF_8), dModel, nLayers, nHeads, dFf,
                maxContext, seed);
    }

    /** {@code SimModels <tiny|demo> <file>}: writes (if needed) the preset's model file. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SimModels <preset: tiny|demo> <file>");
            System.exit(2);
        }
        try {
            SimModelSpec spec = SimModelSpec.preset(args[0]);
            Path file = ensure(Path.of(args[1]), spec);
            System.out.println(file + ": " + spec);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("SimModels: " + e.getMessage());
            System.exit(1);
        }
    }
}
