package dev.npufleet.worker.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the doctor looks at the host: {@code /dev}, {@code /sys}, {@code /proc}, under a root that tests
 * point at a folder of their own (a board without an NPU, with only the mainline driver, ...). Immutable.
 *
 * @param root {@code /} on a real host
 */
public record HostPaths(Path root) {
    /** The real host. */
    public static HostPaths system() {
        return new HostPaths(Path.of("/"));
    }

    /** An absolute host path ({@code /dev/rknpu}) under the root. */
    public Path at(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** The file's text, stripped, or empty when it cannot be read. */
    public Optional<String> read(String absolute) {
        try {
            return Optional.of(Files.readString(at(absolute)).replace('\0', ' ').strip());
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The name of the driver bound to a device under /sys ({@code .../device/driver} is a link to it). */
    public Optional<String> driverOf(String sysDevice) {
        try {
            Path link = at(sysDevice + "/device/driver");
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
