package dev.npufleet.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet demo}: an embedded Kafka broker, a gateway and N workers on the RKLLM simulator,
 * ready for curl and the OpenAI SDK; Ctrl-C stops them all.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a whole fleet on this machine: Kafka, a gateway and workers on the RKLLM simulator.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "Gateway HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", defaultValue = "2", description = "Number of workers (boards) (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--preset", defaultValue = "demo",
            description = "Simulator model preset: demo or tiny (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--board", defaultValue = "rk3588",
            description = "Pace the simulator like this board: rk3588, rk3576, or none for full speed (default: ${DEFAULT-VALUE}).")
    String board;

    @Option(names = "--data-dir", defaultValue = ".fleet",
            description = "Model file, caches and worker state (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        System.out.println("Starting Kafka (embedded, KRaft), a gateway and " + workers + " workers ...");
        // closes itself when this JVM is stopped (Ctrl-C), even while it is starting
        LocalFleet fleet = LocalFleet.start(options());
        var boards = fleet.children().stream().map(ChildProcess::name).filter(n -> n.startsWith("board-"))
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        System.out.println(DemoBanner.text(port, fleet.bootstrapServers(), boards, LocalFleet.MODEL, preset, board,
                fleet.children()));
        GatewayCommand.awaitQuietly(new CountDownLatch(1)); // until the JVM is stopped
        return 0;
    }

    /** The demo's fleet: the workers answer the banner's tool-calling and thinking examples from a script. */
    LocalFleet.Options options() {
        return new LocalFleet.Options(port, kafkaPort, workers, preset, board, dataDir,
                DemoScript.workerEnv(dataDir), Map.of(), System.out);
    }
}
