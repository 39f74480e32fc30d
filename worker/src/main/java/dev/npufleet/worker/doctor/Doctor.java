package dev.npufleet.worker.doctor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.worker.WorkerConfig;
import dev.npufleet.worker.config.RuntimeConfig;
import dev.npufleet.worker.engine.Engines;
import dev.npufleet.worker.engine.InferenceEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code fleet doctor}: checks a board before (and as) it runs a worker. The quick part (NPU device, runtime
 * library and ABI, model file, CPU) reads files only; the worker runs it at start. The full part adds a short
 * real run and, when a bootstrap server is configured, Kafka. Stateless; the caller's thread.
 */
public final class Doctor {
    private Doctor() {
    }

    /** Device, runtime library, model file, CPU: no runtime loaded, nothing run. */
    public static List<Check> quick(RuntimeConfig config, HostPaths host) {
        Path library;
        try {
            library = Engines.runtimeLibrary(config);
        } catch (RuntimeException e) {
            return List.of(Check.fail(RuntimeCheck.NAME, e.getMessage(), "rebuild the project (the jar carries the simulator)"));
        }
        boolean simulator = RuntimeCheck.isSimulator(library);
        List<Check> out = new ArrayList<>();
        out.add(NpuCheck.run(host, simulator));
        out.add(RuntimeCheck.run(library, config.abi()));
        if (config.usesSimulator() && !Files.exists(config.modelPath())) {
            out.add(Check.skip(ModelCheck.NAME, config.modelPath() + " is written at start (preset "
                    + config.simModelPreset() + ")"));
        } else {
            out.add(ModelCheck.run(config.modelPath(), host));
        }
        out.add(CpuCheck.run(host, simulator));
        return out;
    }

    /** The quick part, a short real run (unless the quick part failed), and Kafka when {@code kafka} is true. */
    public static List<Check> full(WorkerConfig config, HostPaths host, boolean kafka) {
        List<Check> out = new ArrayList<>(quick(config.runtime(), host));
        if (out.stream().anyMatch(c -> c.status() == Check.Status.FAIL && !c.name().equals(CpuCheck.NAME))) {
            out.add(Check.skip("short run", "not run: fix the failures above first"));
        } else {
            out.addAll(shortRun(config));
        }
        out.add(kafka ? KafkaCheck.run(config) : Check.skip(KafkaCheck.NAME, "no bootstrap server configured"
                + " (NPUFLEET_BOOTSTRAP_SERVERS)"));
        return out;
    }

    private static List<Check> shortRun(WorkerConfig config) {
        Path state = config.identity().stateDir();
        try (InferenceEngine engine = Engines.openUnprobed(config.runtime(), state)) {
            return RunCheck.run(engine, state.resolve("doctor"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(Check.fail("short run", "interrupted", "run the doctor again"));
        } catch (Exception e) {
            return List.of(Check.fail("short run", "the runtime failed: " + e.getMessage(),
                    "see the lines above and the runtime's own log on stderr (driver, model, memory)"));
        }
    }

    /** True when no check failed. */
    public static boolean passed(List<Check> checks) {
        return checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL);
    }

    /** The report as printed: one line per check (with its fix), then a count. */
    public static String text(List<Check> checks) {
        String lines = checks.stream().map(Check::render).collect(Collectors.joining(System.lineSeparator()));
        return lines + System.lineSeparator() + summary(checks);
    }

    /** {@code {"passed":..,"checks":[{"name","status","detail","fix","figures"}]}}. */
    public static String json(List<Check> checks) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("passed", passed(checks));
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            ObjectNode n = list.addObject();
            n.put("name", c.name()).put("status", c.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("detail", c.detail()).put("fix", c.fix());
            n.set("figures", JsonCodec.mapper().valueToTree(c.figures()));
        }
        return root.toPrettyString();
    }

    private static String summary(List<Check> checks) {
        long fail = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
        long warn = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
        return fail == 0 ? "ready" + (warn > 0 ? " (" + warn + " warning(s))" : "")
                : fail + " check(s) failed: fix them before starting the worker";
    }
}
