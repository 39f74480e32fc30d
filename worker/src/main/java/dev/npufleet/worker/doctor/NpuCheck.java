package dev.npufleet.worker.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The NPU as the vendor runtime needs it: a device node of Rockchip's {@code rknpu} driver
 * ({@code /dev/rknpu} on older kernels, a DRM render node bound to {@code rknpu} on newer ones) that this
 * user may open, and the driver's version where the kernel shows it. Mainline Linux's {@code rocket} accel
 * driver is not what librkllmrt.so talks to: a host with only that fails with that reason. Stateless.
 */
final class NpuCheck {
    static final String NAME = "npu device";
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    private NpuCheck() {
    }

    static Check run(HostPaths host, boolean simulator) {
        Optional<Path> node = vendorNode(host);
        if (simulator) {
            return Check.skip(NAME, "the simulator needs no NPU" + node.map(n -> " (found " + display(host, n) + ")").orElse(""));
        }
        if (node.isEmpty()) {
            List<String> accel = mainline(host);
            if (!accel.isEmpty()) {
                return Check.fail(NAME, "only the mainline 'rocket' accel driver is present (" + String.join(", ", accel)
                        + "); librkllmrt.so needs Rockchip's vendor rknpu driver",
                        "boot a Rockchip BSP (vendor) kernel with the rknpu driver 0.9.8 or later, such as the board"
                                + " maker's image; RKLLM does not run on the mainline rocket driver");
            }
            return Check.fail(NAME, "no NPU device node: neither /dev/rknpu nor a /dev/dri/renderD* node of the rknpu driver",
                    "use a vendor kernel with the rknpu driver loaded (dmesg | grep -i rknpu) and the NPU enabled in"
                            + " the device tree");
        }
        Path n = node.get();
        String shown = display(host, n);
        if (!Files.isReadable(n) || !Files.isWritable(n)) {
            return Check.fail(NAME, shown + " exists but this user cannot open it for reading and writing",
                    "add the worker's user to the group that owns " + shown + " (ls -l " + shown
                            + "; usually render or video): sudo usermod -aG render <user>, then log in again");
        }
        Optional<String> version = driverVersion(host);
        if (version.isEmpty()) {
            return Check.pass(NAME, shown + " (rknpu driver; its version is not exposed to this user:"
                    + " sudo cat /sys/kernel/debug/rknpu/version)");
        }
        if (older(version.get(), 0, 9, 8)) {
            return Check.warn(NAME, shown + " (rknpu driver " + version.get() + ")",
                    "RKLLM 1.2 and 1.3 ship with rknpu driver 0.9.8: update the kernel (the runtime warns or fails"
                            + " with older drivers)");
        }
        return Check.pass(NAME, shown + " (rknpu driver " + version.get() + ")");
    }

    private static Optional<Path> vendorNode(HostPaths host) {
        Path misc = host.at("/dev/rknpu");
        if (Files.exists(misc)) {
            return Optional.of(misc);
        }
        try (Stream<Path> nodes = Files.list(host.at("/sys/class/drm"))) {
            return nodes.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("renderD")).sorted()
                    .filter(n -> host.driverOf("/sys/class/drm/" + n).filter("rknpu"::equals).isPresent())
                    .map(n -> host.at("/dev/dri/" + n)).filter(Files::exists).findFirst();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static List<String> mainline(HostPaths host) {
        try (Stream<Path> nodes = Files.list(host.at("/sys/class/accel"))) {
            return nodes.map(p -> p.getFileName().toString())
                    .filter(n -> host.driverOf("/sys/class/accel/" + n).filter("rocket"::equals).isPresent())
                    .map(n -> "/dev/accel/" + n).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** "RKNPU driver: v0.9.8" (debugfs) or "0.9.8" (module version), as x.y.z. */
    private static Optional<String> driverVersion(HostPaths host) {
        for (String file : List.of("/sys/module/rknpu/version", "/sys/kernel/debug/rknpu/version")) {
            Optional<String> text = host.read(file);
            if (text.isPresent()) {
                Matcher m = VERSION.matcher(text.get());
                if (m.find()) {
                    return Optional.of(m.group());
                }
            }
        }
        return Optional.empty();
    }

    static boolean older(String version, int... than) {
        String[] parts = version.split("\\.");
        for (int i = 0; i < than.length; i++) {
            int v = i < parts.length ? Integer.parseInt(parts[i]) : 0;
            if (v != than[i]) {
                return v < than[i];
            }
        }
        return false;
    }

    private static String display(HostPaths host, Path node) {
        return "/" + host.root().relativize(node);
    }
}
