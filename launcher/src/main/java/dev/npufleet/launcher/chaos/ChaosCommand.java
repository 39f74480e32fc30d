package dev.npufleet.launcher.chaos;

import dev.npufleet.launcher.LocalFleet;
import dev.npufleet.protocol.Topics;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet chaos}: starts a local fleet (embedded broker, gateway, worker processes on the simulator), runs the
 * reliability scenarios against it one after another, prints the figures and writes them to
 * {@code docs/RELIABILITY.md} with the command and the machine. Bounded: every scenario has a fixed amount of work.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run the fault scenarios (kill loop, broker outage, poison records, crash injection) on a local "
                + "fleet and publish the figures.")
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--scenarios", split = ",", defaultValue = "kill,outage,poison,crash",
            description = "Which scenarios, in order (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--jobs", defaultValue = "1000", description = "Jobs of the kill loop (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--outage-jobs", defaultValue = "150", description = "Jobs across the outage (default: ${DEFAULT-VALUE}).")
    int outageJobs;

    @Option(names = "--side-jobs", defaultValue = "60",
            description = "Ordinary jobs in the poison and crash scenarios (default: ${DEFAULT-VALUE}).")
    int sideJobs;

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--concurrency", defaultValue = "6", description = "Jobs in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--slow-ms", defaultValue = "20", description = "Simulator ms per token (default: ${DEFAULT-VALUE}).")
    int slowMs;

    @Option(names = "--kill-every", defaultValue = "PT10S", description = "Kill loop period (default: ${DEFAULT-VALUE}).")
    Duration killEvery;

    @Option(names = "--outage", defaultValue = "PT60S", description = "Broker outage (default: ${DEFAULT-VALUE}).")
    Duration outage;

    @Option(names = "--data-dir", description = "Where the fleet keeps its files (default: a temporary directory).")
    Path dataDir;

    @Option(names = "--out", defaultValue = "docs/RELIABILITY.md",
            description = "The report to write (default: ${DEFAULT-VALUE}); '-' for none.")
    String out;

    @Override
    public Integer call() throws Exception {
        ChaosSettings settings = new ChaosSettings(jobs, outageJobs, sideJobs, concurrency, maxTokens, killEvery, outage);
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("npufleet-chaos");
        int httpPort = freePort();
        String loadAtStart = ReliabilityReport.loadAverage();
        System.err.println("Starting a local fleet in " + dir + " (process logs: " + dir.resolve("fleet.log") + ") ...");
        try (PrintStream log = new PrintStream(new FileOutputStream(dir.resolve("fleet.log").toFile(), true), true);
                LocalFleet fleet = LocalFleet.start(new LocalFleet.Options(httpPort, 0, workers, "tiny", "none", dir,
                        Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=" + slowMs + ",crash_on=POISON-PILL"),
                        Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "300000"), log));
                DeadLetterTap dlq = new DeadLetterTap(fleet.bootstrapServers(), Topics.defaults().dlq())) {
            List<String> boards = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                boards.add("board-" + i);
            }
            fleet.awaitWorkers(Set.copyOf(boards));
            ChaosClient client = new ChaosClient(fleet.baseUrl(), LocalFleet.MODEL, maxTokens, Duration.ofMinutes(5));
            Map<String, String> references = new LinkedHashMap<>();
            for (int i = 0; i < 16; i++) {
                String prompt = "Chaos prompt number " + i + ": tell me about boards.";
                references.put(prompt, client.reference(prompt));
            }
            Map<String, List<String>> sections = run(fleet, client, references, settings, boards, dlq);
            String report = ReliabilityReport.markdown(commandLine(), sections, workers, slowMs, loadAtStart,
                    ReliabilityReport.loadAverage());
            System.out.println(report);
            if (!out.equals("-")) {
                Path file = Path.of(out);
                Files.writeString(file, ReliabilityReport.merge(Files.exists(file) ? Files.readString(file) : "",
                        report));
                System.err.println("Wrote " + out);
            }
        }
        return 0;
    }

    private Map<String, List<String>> run(LocalFleet fleet, ChaosClient client, Map<String, String> references,
            ChaosSettings settings, List<String> boards, DeadLetterTap dlq) throws Exception {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        try (WorkerSupervisor supervisor = new WorkerSupervisor(fleet, boards)) {
            ChaosScenarios s = new ChaosScenarios(fleet, client, references, settings, supervisor, dlq, System.err);
            for (String name : scenarios) {
                List<String> lines = switch (name.strip()) {
                    case "kill" -> s.killLoop();
                    case "outage" -> s.brokerOutage();
                    case "poison" -> s.poison();
                    case "crash" -> s.crashInjection();
                    default -> throw new IllegalArgumentException("unknown scenario " + name
                            + " (known: kill, outage, poison, crash)");
                };
                lines.forEach(System.err::println);
                sections.put(name.strip(), lines);
            }
        }
        return sections;
    }

    private String commandLine() {
        return "./fleet chaos --scenarios " + String.join(",", scenarios) + " --jobs " + jobs + " --outage-jobs "
                + outageJobs + " --side-jobs " + sideJobs + " --workers " + workers + " --concurrency " + concurrency
                + " --max-tokens " + maxTokens + " --slow-ms " + slowMs + " --kill-every " + killEvery + " --outage "
                + outage;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
