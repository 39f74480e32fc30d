package dev.npufleet.nativebridge.abi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a runtime library file says about itself without being loaded: the functions its dynamic symbol
 * table defines, and the printable strings it carries (where vendor builds keep their version text).
 * Reads 64-bit little-endian ELF (aarch64, x86_64); anything else yields an {@link #unreadable} record.
 * Immutable; any thread.
 *
 * @param file       the library
 * @param readError  why the file could not be read as a library, or null
 * @param functions  the functions it defines and exports (sorted)
 * @param strings    printable runs of 5 or more bytes, in file order
 */
public record RuntimeFile(Path file, String readError, Set<String> functions, List<String> strings) {
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    private static final int MIN_STRING = 5;

    public RuntimeFile {
        functions = Set.copyOf(functions);
        strings = List.copyOf(strings);
    }

    /** A file that could not be read as a library, and why. */
    public static RuntimeFile unreadable(Path file, String why) {
        return new RuntimeFile(file, why, Set.of(), List.of());
    }

    /** Reads the file; never throws (a read failure is in {@link #readError()}). */
    public static RuntimeFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException | OutOfMemoryError e) {
            return unreadable(file, "cannot read " + file + ": " + e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 64 || b.getInt(0) != 0x464c457f) {
            return unreadable(file, file + " is not an ELF shared library");
        }
        if (bytes[4] != 2 || bytes[5] != 1) {
            return unreadable(file, file + " is not a 64-bit little-endian ELF file (aarch64 or x86_64)");
        }
        try {
            return new RuntimeFile(file, null, exportedFunctions(b), strings(bytes));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return unreadable(file, file + " is truncated or damaged (" + e.getMessage() + ")");
        }
    }

    private static Set<String> exportedFunctions(ByteBuffer b) {
        int shoff = Math.toIntExact(b.getLong(0x28));
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < shnum; i++) {
            int sh = shoff + i * shentsize;
            if (b.getInt(sh + 4) != SHT_DYNSYM) {
                continue;
            }
            int symOff = Math.toIntExact(b.getLong(sh + 24));
            int symSize = Math.toIntExact(b.getLong(sh + 32));
            int strSection = shoff + b.getInt(sh + 40) * shentsize;
            int strOff = Math.toIntExact(b.getLong(strSection + 24));
            for (int s = symOff; s + 24 <= symOff + symSize; s += 24) {
                int info = b.get(s + 4);
                int bind = (info >> 4) & 0xf;
                boolean defined = b.getShort(s + 6) != 0;
                if (defined && (info & 0xf) == STT_FUNC && (bind == 1 || bind == 2)) {
                    names.add(cString(b, strOff + b.getInt(s)));
                }
            }
        }
        return names;
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] out = new byte[end - at];
        b.get(at, out);
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= bytes.length; i++) {
            boolean printable = i < bytes.length && bytes[i] >= 0x20 && bytes[i] < 0x7f;
            if (printable && start < 0) {
                start = i;
            } else if (!printable && start >= 0) {
                if (i - start >= MIN_STRING) {
                    out.add(new String(bytes, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                start = -1;
            }
        }
        return out;
    }
}
