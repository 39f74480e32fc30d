package dev.npufleet.worker.doctor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU as far as the runtime's needs are known: librkllmrt.so is built for aarch64, and RK3588/RK3576
 * cores (Cortex-A76/A55, ARMv8.2-A) have the dot-product and half-precision instructions ({@code asimddp},
 * {@code fphp}, {@code asimdhp}); a CPU without them risks illegal-instruction faults. Stateless.
 */
final class CpuCheck {
    static final String NAME = "cpu";
    private static final List<String> ARMV82 = List.of("asimddp", "fphp", "asimdhp");

    private CpuCheck() {
    }

    static Check run(HostPaths host, boolean simulator) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        int cores = Runtime.getRuntime().availableProcessors();
        if (!arch.equals("aarch64") && !arch.equals("arm64")) {
            return simulator ? Check.pass(NAME, arch + ", " + cores + " cores (the simulator runs anywhere)")
                    : Check.fail(NAME, arch + ": librkllmrt.so is built for aarch64 only",
                            "run the worker on the board (aarch64) with a 64-bit OS and JRE");
        }
        Set<String> features = host.read("/proc/cpuinfo").stream().flatMap(String::lines)
                .filter(l -> l.startsWith("Features")).findFirst()
                .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                .orElse(Set.of());
        List<String> missing = ARMV82.stream().filter(f -> !features.contains(f)).toList();
        if (features.isEmpty()) {
            return Check.warn(NAME, "aarch64, " + cores + " cores; /proc/cpuinfo shows no features", "check /proc/cpuinfo");
        }
        if (!missing.isEmpty()) {
            return Check.warn(NAME, "aarch64, " + cores + " cores, without " + String.join(", ", missing),
                    "RK3588/RK3576 cores have them; on another CPU the runtime may die of an illegal instruction");
        }
        return Check.pass(NAME, "aarch64, " + cores + " cores, with " + String.join(", ", ARMV82));
    }
}
