package dev.npufleet.launcher;

import dev.npufleet.worker.WorkerConfig;
import dev.npufleet.worker.doctor.Check;
import dev.npufleet.worker.doctor.Doctor;
import dev.npufleet.worker.doctor.HostPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet doctor}: checks this board as the worker would run on it (same {@code NPUFLEET_*}
 * variables) and prints pass / warn / fail lines with the fix for each, or JSON. Exit 0 when nothing
 * failed, 1 otherwise, 2 on a configuration error.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this board before starting a worker: NPU device and driver, runtime library and ABI,"
                + " model file, CPU, a short real run (rates, cache payoff, abort), Kafka (configured by the"
                + " worker's NPUFLEET_* variables).")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--quick", description = "Only the checks that read files (what the worker runs at start).")
    boolean quick;

    @Option(names = "--root", hidden = true, defaultValue = "/", description = "Host root for /dev, /sys, /proc (tests).")
    Path root;

    @Override
    public Integer call() {
        // The report is stdout (JSON must stay clean); the runtime's and the engine's log lines go to stderr.
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        Map<String, String> env = System.getenv();
        WorkerConfig config;
        try {
            config = WorkerConfig.fromEnv(env);
        } catch (IllegalArgumentException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
        boolean kafka = hasText(env.get("NPUFLEET_BOOTSTRAP_SERVERS")) || hasText(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        HostPaths host = new HostPaths(root);
        List<Check> checks = quick ? Doctor.quick(config.runtime(), host) : Doctor.full(config, host, kafka);
        System.out.println(json ? Doctor.json(checks) : Doctor.text(checks));
        return Doctor.passed(checks) ? 0 : 1;
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
