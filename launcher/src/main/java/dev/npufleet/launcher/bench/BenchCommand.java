package dev.npufleet.launcher.bench;

import dev.npufleet.protocol.config.DefaultModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet bench}: a load generator for the OpenAI API, and scenario presets that start a
 * local fleet and reproduce each table of {@code docs/BENCHMARKS.md} with one command.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test an OpenAI-compatible endpoint, or run a scenario that reproduces a published table.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", defaultValue = "custom", description = "custom, overhead, cache, routing, scaling, "
            + "capacity, tenancy, resume (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--url", description = "Target gateway (custom scenario). Default: start a local fleet.")
    String url;

    @Option(names = "--model", defaultValue = DefaultModel.ID, description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--workers", defaultValue = "2", description = "Workers of the local fleet (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--board", description = "Simulator pacing: rk3588, rk3576 or none (default: none for the "
            + "overhead scenario, whose direct baseline then runs at the machine's own speed; rk3588 for the others).")
    String board;

    @Option(names = "--preset", defaultValue = "demo", description = "Simulator model preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--concurrency", defaultValue = "4", description = "Concurrent requests (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests", defaultValue = "100", description = "Counted requests (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "5", description = "Uncounted requests first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--duration", description = "Run for this long instead of a number of requests (e.g. PT60S).")
    Duration duration;

    @Option(names = "--client", defaultValue = "socket",
            description = "HTTP client of the load: socket (lean, a thread per concurrent request) or jdk (java.net.http, "
                    + "asynchronous; slower to react) (default: ${DEFAULT-VALUE}).")
    String client;

    @Option(names = "--think-ms", defaultValue = "0",
            description = "Each virtual user waits this long between an answer and its next request (default: ${DEFAULT-VALUE}).")
    long thinkMs;

    @Option(names = "--stream", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Stream the answers (SSE) (default: ${DEFAULT-VALUE}).")
    boolean stream;

    @Option(names = "--max-tokens", defaultValue = "32", description = "max_tokens per request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--mix", defaultValue = "none", description = "Prompt mix: none, system, one-cache, zipf (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--caches", defaultValue = "20", description = "Named caches for the zipf mix (default: ${DEFAULT-VALUE}).")
    int caches;

    @Option(names = "--zipf-s", defaultValue = "1.1", description = "Zipf exponent (default: ${DEFAULT-VALUE}).")
    double zipfS;

    @Option(names = "--system-tokens", defaultValue = "1000", description = "System prompt / cache length in tokens (default: ${DEFAULT-VALUE}).")
    int systemTokens;

    @Option(names = "--user-tokens", defaultValue = "20", description = "User turn length in tokens (default: ${DEFAULT-VALUE}).")
    int userTokens;

    @Option(names = "--streams", split = ",", defaultValue = "500,1000,2000",
            description = "Capacity scenario: open streams per step (default: ${DEFAULT-VALUE}).")
    java.util.List<Integer> streams;

    @Option(names = "--stream-rate", defaultValue = "10",
            description = "Capacity scenario: tokens/s per stream (default: ${DEFAULT-VALUE}).")
    double streamRate;

    @Option(names = "--tokens-per-chunk", defaultValue = "1",
            description = "Capacity scenario: tokens per chunk event (default: ${DEFAULT-VALUE}).")
    int tokensPerChunk;

    @Option(names = "--policies", split = ",", defaultValue = "round-robin,hash,cache-aware",
            description = "Routing scenario: the policies to compare, in order; 'cache-aware:1.5' sets its load factor "
                    + "(default: ${DEFAULT-VALUE}).")
    java.util.List<String> policies;

    @Option(names = "--cache-budget", defaultValue = "33m",
            description = "Routing scenario: each worker's NPUFLEET_CACHE_MAX_BYTES (default: ${DEFAULT-VALUE}, about 8 "
                    + "demo-model caches of 1,000 tokens).")
    String cacheBudget;

    @Option(names = "--batch-lines", defaultValue = "1000",
            description = "Tenancy scenario: lines of the batch run beside interactive load (default: ${DEFAULT-VALUE}).")
    int batchLines;

    @Option(names = "--direct", description = "Also run the same prompts straight through the native bridge (no HTTP, no Kafka).")
    boolean direct;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the prompt mix (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/bench", description = "Where reports and charts go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--http-port", defaultValue = "18080", description = "Port of the local fleet's gateway (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Port of the local fleet's Kafka (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = ".fleet/bench", description = "Local fleet's files (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        String command = "./fleet " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        Scenarios scenarios = new Scenarios(this, command);
        BenchReport report = switch (scenario) {
            case "custom" -> scenarios.custom();
            case "overhead" -> scenarios.overhead();
            case "cache" -> scenarios.cache();
            case "routing" -> scenarios.routing();
            case "scaling" -> scenarios.scaling();
            case "capacity" -> scenarios.capacity();
            case "tenancy" -> scenarios.tenancy();
            case "resume" -> scenarios.resume();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario
                    + "; use custom, overhead, cache, routing, scaling, capacity, tenancy or resume");
        };
        report.write(out);
        System.out.println();
        System.out.println(report.markdown());
        System.out.println("Wrote " + out.resolve(scenario) + ".{json,md} (and charts, where drawn)");
        return 0;
    }

    /** The board timing asked for, else an RK3588's. */
    String board() {
        return board("rk3588");
    }

    /** The board timing asked for, else the scenario's own. */
    String board(String scenarioDefault) {
        return board != null ? board : scenarioDefault;
    }

    PromptMix mix(String kind) {
        return new PromptMix(kind, caches, zipfS, systemTokens, userTokens, seed);
    }
}
