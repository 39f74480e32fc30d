package dev.npufleet.launcher.bench;

import dev.npufleet.broker.EmbeddedKafka;
import dev.npufleet.launcher.ChildProcess;
import dev.npufleet.launcher.LocalFleet;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.kafka.TopicSetup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Issue 6, table 5: how many open streams one gateway holds and how many tokens per second it
 * relays. The gateway runs alone in its own JVM ({@code -Xmx512m}); a synthetic responder
 * answers its jobs on the real broker at a fixed token rate per stream, so the boards' speed is
 * not what is measured. Load generator, broker and responder share the machine with the gateway.
 */
final class CapacityBench {
    private static final String MODEL = "capacity-sim";

    private CapacityBench() {
    }

    static BenchReport run(String command, List<Integer> levels, double tokensPerSecond, int tokensPerChunk,
            int maxTokens, int httpPort, int kafkaPort) throws Exception {
        BenchReport report = new BenchReport("capacity", command);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.defaults().withPort(kafkaPort))) {
            Topics topics = Topics.defaults();
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                TopicSetup.defaults(topics).ensure(a, List.of(MODEL), Duration.ofSeconds(30));
            }
            ChildProcess gateway = ChildProcess.start("gateway", LocalFleet.withJit(List.of("-Xmx512m")),
                    List.of("gateway"), Map.of("NPUFLEET_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "NPUFLEET_HTTP_PORT",
                            Integer.toString(httpPort), "NPUFLEET_MODELS", MODEL), quiet);
            try (SyntheticResponder responder = new SyntheticResponder(kafka.bootstrapServers(), topics.jobs(MODEL),
                    tokensPerSecond, tokensPerChunk)) {
                responder.awaitAssignment(Duration.ofSeconds(60));
                awaitHealth(httpPort);
                double idle = ProcessMemory.rssMiB(gateway.pid());
                // warm the gateway's JIT and connection paths; not counted
                level(gateway, httpPort, 50, Math.min(maxTokens, 20), new BenchReport("warmup", command));
                for (int streams : levels) {
                    System.err.println("Opening " + streams + " streams of " + maxTokens + " tokens at "
                            + tokensPerSecond + " tokens/s each ...");
                    report.add(level(gateway, httpPort, streams, maxTokens, report));
                }
                report.note(String.format(Locale.ROOT, "Gateway RSS idle: %.0f MiB. Per stream %.0f tokens/s in chunks "
                        + "of %d token(s), %d tokens per stream. Gateway JVM: -Xmx512m, default GC, %s.", idle,
                        tokensPerSecond, tokensPerChunk, maxTokens, LocalFleet.JIT));
            } finally {
                gateway.stop(Duration.ofSeconds(10));
            }
        }
        return report;
    }

    private static BenchSummary level(ChildProcess gateway, int port, int streams, int maxTokens, BenchReport report)
            throws Exception {
        OpenAiClient client = new OpenAiClient("http://127.0.0.1:" + port, Duration.ofMinutes(5));
        AtomicReference<Double> peakRss = new AtomicReference<>(0.0);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(ProcessMemory.rssMiB(gateway.pid()), Math::max),
                0, 250, TimeUnit.MILLISECONDS);
        double gatewayCpu0 = ProcessMemory.cpuSeconds(gateway.pid());
        double gatewayJit0 = ProcessMemory.jitCpuSeconds(gateway.pid());
        double selfCpu0 = ProcessMemory.cpuSeconds(ProcessHandle.current().pid());
        long start = System.nanoTime();
        List<CompletableFuture<RequestResult>> calls = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            String body = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":" + maxTokens
                    + ",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"s"
                    + i + "\"}]}";
            calls.add(client.send(body, true));
        }
        List<RequestResult> results = calls.stream().map(CompletableFuture::join).toList();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        sampler.shutdownNow();
        BenchSummary s = BenchSummary.of(streams + " streams", results, wall);
        double seconds = wall.toNanos() / 1e9;
        double gatewayCpu = ProcessMemory.cpuSeconds(gateway.pid()) - gatewayCpu0;
        // NaN when a compiler thread ended during the level (the JVM starts and stops them as its queue changes).
        double gatewayJit = ProcessMemory.jitCpuSeconds(gateway.pid()) - gatewayJit0;
        gatewayJit = gatewayJit < 0 ? Double.NaN : gatewayJit;
        double loadCores = (ProcessMemory.cpuSeconds(ProcessHandle.current().pid()) - selfCpu0) / seconds;
        // The relay's unit cost: the gateway's CPU time over the tokens it relayed, whatever the machine left it.
        double tokens = s.aggregateTokensPerSecond() * seconds;
        report.note(String.format(Locale.ROOT, "%d streams: %.0f tokens/s relayed, gateway peak RSS %.0f MiB; CPU: "
                + "gateway %.2f cores, %.1f µs per relayed token (%.1f µs without its JIT compiler threads); load "
                + "generator + broker + responder %.2f cores (of 2).", streams, s.aggregateTokensPerSecond(),
                peakRss.get(), gatewayCpu / seconds, gatewayCpu * 1e6 / tokens,
                (gatewayCpu - gatewayJit) * 1e6 / tokens, loadCores));
        return s;
    }

    private static void awaitHealth(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"ok\"")) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200); // polling another process
        }
        throw new IllegalStateException("the gateway did not become healthy");
    }
}
