package dev.npufleet.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resident set size and CPU time of a process, from {@code /proc} (Linux). */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** RSS in MiB, or NaN when it cannot be read (not Linux, process gone). */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * User plus system CPU time the process has used, in seconds (NaN when unreadable). Assumes
     * the usual 100 clock ticks per second of Linux.
     */
    static double cpuSeconds(long pid) {
        return statCpuSeconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * CPU time of the JVM's JIT compiler threads ({@code C1/C2 CompilerThread*}), in seconds (NaN when unreadable):
     * warm-up work, not the process's steady-state cost, which on a busy machine can last through a whole run.
     */
    static double jitCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.filter(ProcessMemory::isCompiler).mapToDouble(t -> statCpuSeconds(t.resolve("stat")))
                    .filter(s -> !Double.isNaN(s)).sum();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static boolean isCompiler(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
        } catch (IOException e) {
            return false; // the thread ended
        }
    }

    private static double statCpuSeconds(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
