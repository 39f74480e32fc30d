package dev.npufleet.launcher.bench;

import dev.npufleet.launcher.ChildProcess;
import dev.npufleet.launcher.LocalFleet;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark presets: each starts what it measures (a local fleet in the shape it needs),
 * drives it, and returns a report. Same run, same machine for everything compared in a table.
 */
final class Scenarios {
    private final BenchCommand o;
    private final String command;
    private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    Scenarios(BenchCommand options, String command) {
        this.o = options;
        this.command = command;
    }

    /** The load the options describe, against {@code --url} or a local fleet. */
    BenchReport custom() throws IOException, InterruptedException {
        BenchReport report = new BenchReport("custom", command);
        PromptMix mix = o.mix(o.mix);
        if (o.url != null) {
            createCaches(o.url, mix);
            report.add(load(o.url, mix, o.concurrency, "fleet at " + o.url));
            return report;
        }
        try (LocalFleet fleet = fleet(o.workers, o.board(), Map.of(), Map.of())) {
            memory(report, fleet, "idle");
            createCaches(fleet.baseUrl(), mix);
            report.add(load(fleet.baseUrl(), mix, o.concurrency, "fleet, " + o.workers + " workers, mix " + mix.kind()));
            memory(report, fleet, "after the run");
            if (o.direct) {
                report.add(DirectBaseline.run(fleet.modelFile(), o.board(), mix, o.requests, o.warmup, o.maxTokens));
            }
        }
        return report;
    }

    /**
     * Issue 11: interactive time to first token on an idle fleet and while a batch of {@code --batch-lines} runs on
     * the same board; then, on a fleet with admission control on, a burst of interactive requests at a model kept
     * busy by a batch: the statuses and the waits the 429s advised.
     */
    BenchReport tenancy() throws Exception {
        BenchReport report = new BenchReport("tenancy", command);
        PromptMix mix = o.mix("none");
        try (LocalFleet fleet = fleet(1, o.board(), Map.of(), Map.of())) {
            FairnessBench bench = new FairnessBench(fleet.baseUrl(), o.model);
            report.add(load(fleet.baseUrl(), mix, 1, "interactive, idle fleet (1 board)"));
            String batch = bench.submitBatch(o.batchLines, o.maxTokens);
            report.add(load(fleet.baseUrl(), mix, 1, "interactive, while a batch of " + o.batchLines + " lines runs"));
            report.note("batch " + batch + " after the interactive run: " + bench.progress(batch));
            bench.cancel(batch);
        }
        long bound = 2000;
        try (LocalFleet fleet = fleet(1, o.board(), Map.of(), Map.of("NPUFLEET_ADMIT_MAX_WAIT_MS", Long.toString(bound)))) {
            FairnessBench bench = new FairnessBench(fleet.baseUrl(), o.model);
            String batch = bench.submitBatch(o.batchLines, o.maxTokens);
            bench.awaitQueued(); // the router estimates from the queue the board's status reports
            report.note("admission bound " + bound + " ms, a batch of " + o.batchLines + " lines queued: "
                    + bench.burst(o.concurrency * 10, o.maxTokens));
            bench.cancel(batch);
        }
        return report;
    }

    /** Issue 6, table 1: what the fleet adds to time to first token and per token, fleet versus direct. */
    BenchReport overhead() throws Exception {
        BenchReport report = new BenchReport("overhead", command);
        PromptMix mix = o.mix("none");
        String board = o.board("none");
        int boardMetricsPort = freePort();
        try (LocalFleet fleet = fleet(1, board, Map.of("NPUFLEET_METRICS_PORT", Integer.toString(boardMetricsPort)),
                Map.of())) {
            memory(report, fleet, "idle");
            BenchSummary direct = DirectBaseline.run(fleet.modelFile(), board, mix, o.requests, o.warmup, o.maxTokens);
            URI gatewayMetrics = URI.create(fleet.baseUrl() + "/metrics");
            URI boardMetrics = URI.create("http://127.0.0.1:" + boardMetricsPort + "/metrics");
            GcPauses[] atCounted = new GcPauses[4];
            LoadRunner.Outcome fleetRun = run(fleet.baseUrl(), mix, 1, o.requests, () -> {
                atCounted[0] = GcPauses.scrape(gatewayMetrics);
                atCounted[1] = GcPauses.scrape(boardMetrics);
                atCounted[2] = GcPauses.ofThisJvm();
            });
            GcPauses gatewayEnd = GcPauses.scrape(gatewayMetrics);
            GcPauses boardEnd = GcPauses.scrape(boardMetrics);
            GcPauses brokerEnd = GcPauses.ofThisJvm();
            BenchSummary viaFleet = BenchSummary.of("fleet (HTTP+Kafka), 1 worker", fleetRun.results(), fleetRun.wall());
            BenchSummary floor = KafkaFloor.measure(fleet.bootstrapServers(), o.requests, o.warmup,
                    Duration.ofMillis(o.thinkMs), () -> atCounted[3] = GcPauses.ofThisJvm());
            String gc = String.format(Locale.ROOT, "Collections during the counted requests: gateway %s, board-1 %s; the "
                    + "benchmark's JVM (the broker, the load generator) %s during the fleet's and %s during the floor's.",
                    paused(atCounted[0], gatewayEnd), paused(atCounted[1], boardEnd), paused(atCounted[2], brokerEnd),
                    paused(atCounted[3], GcPauses.ofThisJvm()));
            report.add(direct);
            report.add(viaFleet);
            report.add(floor);
            double added = viaFleet.ttftMs().p50() - direct.ttftMs().p50();
            report.note(String.format(Locale.ROOT,
                    "Added time to first token (median fleet - median direct, same run): %.2f ms, of which the "
                            + "Kafka floor (two hops, median) is %.2f ms and npufleet's own code %.2f ms. "
                            + "Added per streamed token (1000/p50 tok/s): %.3f ms. Board timing of the simulator, "
                            + "direct and in the fleet: '%s'.",
                    added, floor.ttftMs().p50(), added - floor.ttftMs().p50(),
                    1000 / viaFleet.tokensPerSecondPerRequest().p50() - 1000 / direct.tokensPerSecondPerRequest().p50(),
                    board));
            report.note(gc);
            hops(report, fleetRun.results());
            memory(report, fleet, "after the runs");
        }
        return report;
    }

    /**
     * The collections between two reads (the usual cause of a tail), or "not known" when one is missing: a
     * {@code /metrics} that could not be read, or a run that ended before its first counted request.
     */
    private static String paused(GcPauses start, GcPauses end) {
        if (start == null || end == null) {
            return "not known";
        }
        GcPauses p = end.since(start);
        return String.format(Locale.ROOT, "%d (%.1f ms paused)", p.count(), p.seconds() * 1000);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the board's metrics", e);
        }
    }

    /** The fleet's per-hop timing of the requests (what the gateway returned to the benchmark), as a table. */
    private static void hops(BenchReport report, List<RequestResult> results) {
        String table = HopTimes.table(results);
        report.note(table.isEmpty() ? "Per-hop timing: the gateway returned none (a gateway before it?)."
                : "Per-hop timing of the fleet run, as the gateway returned it (README, \"Per-hop timing\"):\n\n"
                        + table);
    }

    /** Issue 4: a long system prompt sent in full versus the same prefix as a named cache. */
    BenchReport cache() throws IOException, InterruptedException {
        BenchReport report = new BenchReport("cache", command);
        // Automatic caches off: "sent in full" must really prefill the prefix every time.
        try (LocalFleet fleet = fleet(1, o.board(), Map.of("NPUFLEET_AUTO_CACHE_AFTER", "0"), Map.of())) {
            memory(report, fleet, "idle");
            PromptMix full = o.mix("system");
            PromptMix cached = o.mix("one-cache");
            createCaches(fleet.baseUrl(), cached);
            BenchSummary without = load(fleet.baseUrl(), full, 1, "system prompt sent in full");
            BenchSummary with = load(fleet.baseUrl(), cached, 1, "use_cache (named cache)");
            report.add(without);
            report.add(with);
            report.note(String.format(Locale.ROOT, "Median TTFT ratio, without / with the cache: %.1fx (%d-token prefix, "
                    + "%d-token user turn, board timing '%s').", without.ttftMs().p50() / with.ttftMs().p50(),
                    o.systemTokens, o.userTokens, o.board()));
            memory(report, fleet, "after the runs");
        }
        return report;
    }

    /** Issue 5: the same Zipf load under three routing policies. */
    BenchReport routing() throws IOException, InterruptedException {
        BenchReport report = new BenchReport("routing", command);
        Map<String, double[]> ttfts = new LinkedHashMap<>();
        PromptMix mix = o.mix("zipf");
        for (String run : o.policies) {
            // "cache-aware:1.5" = the policy with that load factor
            String policy = run.contains(":") ? run.substring(0, run.indexOf(':')) : run;
            Map<String, String> gatewayEnv = new java.util.HashMap<>(Map.of("NPUFLEET_ROUTING", policy));
            if (run.contains(":")) {
                gatewayEnv.put("NPUFLEET_ROUTING_LOAD_FACTOR", run.substring(run.indexOf(':') + 1));
            }
            // Each board may keep about 8 of the 20 prefixes on disk (see docs/BENCHMARKS.md).
            try (LocalFleet fleet = fleet(o.workers, o.board(), Map.of("NPUFLEET_CACHE_MAX_BYTES", o.cacheBudget),
                    gatewayEnv)) {
                createCaches(fleet.baseUrl(), mix);
                LoadRunner.Outcome outcome = run(fleet.baseUrl(), mix, o.concurrency);
                report.add(BenchSummary.of(run, outcome.results(), outcome.wall()));
                memory(report, fleet, "after " + run);
                ttfts.put(run, outcome.results().stream().filter(RequestResult::ok)
                        .mapToDouble(RequestResult::ttftMs).toArray());
            }
        }
        Charts.cdf(o.out.resolve("routing-ttft.png"), "Time to first token by routing policy", "TTFT (ms)", ttfts);
        return report;
    }

    /**
     * Issue 6, table 4: throughput against the number of workers, in board timing mode; at each
     * step {@code --requests} per worker at two requests in flight per worker.
     */
    BenchReport scaling() throws IOException, InterruptedException {
        BenchReport report = new BenchReport("scaling", command);
        List<double[]> points = new ArrayList<>();
        double one = Double.NaN;
        for (int n = 1; n <= o.workers; n *= 2) {
            try (LocalFleet fleet = fleet(n, o.board(), Map.of(), Map.of())) {
                LoadRunner.Outcome outcome = run(fleet.baseUrl(), o.mix("none"), 2 * n, o.requests * n);
                BenchSummary s = BenchSummary.of(n + " workers", outcome.results(), outcome.wall());
                report.add(s);
                one = n == 1 ? s.aggregateTokensPerSecond() : one;
                points.add(new double[] {n, s.aggregateTokensPerSecond()});
                report.note(String.format(Locale.ROOT, "%d workers: %.1f tokens/s = %.0f%% of linear.", n,
                        s.aggregateTokensPerSecond(), 100 * s.aggregateTokensPerSecond() / (n * one)));
            }
        }
        double[][] linear = points.stream().map(p -> new double[] {p[0], p[0] * points.get(0)[1]}).toArray(double[][]::new);
        Charts.line(o.out.resolve("scaling.png"), "Throughput against workers", "workers", "output tokens/s",
                Map.of("measured", points.toArray(double[][]::new), "linear", linear));
        return report;
    }

    /** Issue 15 item 4: how far a resumed stream ({@code /v1/jobs/{id}/events}) lags the live stream of its job. */
    BenchReport resume() throws Exception {
        BenchReport report = new BenchReport("resume", command);
        try (LocalFleet fleet = fleet(1, o.board(), Map.of(), Map.of())) {
            System.err.println("Streaming " + o.requests + " jobs live and resumed ...");
            new ResumeLagBench(fleet.baseUrl()).run(report, o.warmup, o.requests,
                    n -> ResumeLagBench.completionBody(o.model, n, o.maxTokens));
        }
        return report;
    }

    /** Issue 6, table 5: open streams and relayed tokens/s one gateway holds. */
    BenchReport capacity() throws Exception {
        return CapacityBench.run(command, o.streams, o.streamRate, o.tokensPerChunk, o.maxTokens, o.httpPort,
                o.kafkaPort);
    }

    private void createCaches(String url, PromptMix mix) throws IOException, InterruptedException {
        if (mix.usesCaches()) {
            System.err.println("Creating " + mix.cacheCount() + " named cache(s) ...");
            CacheSetup.create(new OpenAiClient(url, Duration.ofMinutes(5)).http(), url, o.model, mix);
        }
    }

    private LocalFleet fleet(int workers, String board, Map<String, String> workerEnv, Map<String, String> gatewayEnv) {
        System.err.println("Starting a local fleet: " + workers + " workers, board timing '" + board + "', model preset '"
                + o.preset + "' ...");
        return LocalFleet.start(new LocalFleet.Options(o.httpPort, o.kafkaPort, workers, o.preset, board, o.dataDir,
                workerEnv, gatewayEnv, quiet));
    }

    private BenchSummary load(String url, PromptMix mix, int concurrency, String label) {
        LoadRunner.Outcome outcome = run(url, mix, concurrency);
        return BenchSummary.of(label, outcome.results(), outcome.wall());
    }

    private LoadRunner.Outcome run(String url, PromptMix mix, int concurrency) {
        return run(url, mix, concurrency, o.requests);
    }

    private LoadRunner.Outcome run(String url, PromptMix mix, int concurrency, int requests) {
        return run(url, mix, concurrency, requests, () -> { });
    }

    private LoadRunner.Outcome run(String url, PromptMix mix, int concurrency, int requests, Runnable onCounted) {
        System.err.println("Running " + (o.duration == null ? requests + " requests" : o.duration) + " at concurrency "
                + concurrency + ", mix " + mix.kind() + " ...");
        try (BenchClient client = o.client.equals("jdk") ? new OpenAiClient(url, Duration.ofMinutes(5))
                : new SocketClient(url, concurrency)) {
            return new LoadRunner(client, System.err, Duration.ofMillis(o.thinkMs)).onCounted(onCounted).run(
                    concurrency, requests, o.duration, o.warmup, o.stream,
                    n -> mix.chatBody(o.model, n, o.stream, o.maxTokens));
        }
    }

    private void memory(BenchReport report, LocalFleet fleet, String when) {
        StringBuilder sb = new StringBuilder("RSS " + when + ":");
        for (ChildProcess c : fleet.children()) {
            sb.append(String.format(Locale.ROOT, " %s %.0f MiB;", c.name(), ProcessMemory.rssMiB(c.pid())));
        }
        report.note(sb.toString());
    }
}
