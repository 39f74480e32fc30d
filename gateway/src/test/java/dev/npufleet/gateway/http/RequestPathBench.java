package dev.npufleet.gateway.http;

import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.fleet.ModelCatalog;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.gateway.routing.FleetRouter;
import dev.npufleet.gateway.routing.RouteDecision;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.protocol.WorkerStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The gateway's request path up to the job handed to the producer, in one thread, without the network: a typical
 * streamed chat request's body parsed ({@link InferenceRequestParser}), made a job ({@link JobFactory}: input
 * limits, serving limits, id), keyed and routed (cache-aware policy over two fresh boards), the job's tracking
 * ended again so that the router's state stays the size a steady load gives it. Not a test: run by hand
 * (docs/BENCHMARKS.md, section 1): {@code java [-XX:TieredStopAtLevel=1] -cp <test classpath>
 * dev.npufleet.gateway.http.RequestPathBench [seconds]}; prints the thread's CPU µs per request for each of two rounds, without
 * and with a system prompt. With {@code <count> paced}, sends {@code count} requests 50 ms apart instead, as the
 * overhead scenario does, and prints the medians per request.
 */
public final class RequestPathBench {
    private static final String MODEL = "qwen3-0.6b-sim";
    private static final String USER = "Explain in two sentences why the sky looks blue on a clear day, please.";
    private static final String PLAIN = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"stream_options\":"
            + "{\"include_usage\":true},\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"" + USER
            + "\"}]}";
    private static final String SYSTEM = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":32,"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant. Answer briefly.\"},"
            + "{\"role\":\"user\",\"content\":\"" + USER + "\"}]}";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RequestPathBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("NPUFLEET_MODELS", MODEL, "NPUFLEET_GATEWAY_ID", "bench"));
        FleetView fleet = new FleetView(Duration.ofDays(1));
        long now = System.currentTimeMillis();
        for (int b = 0; b < 2; b++) {
            String id = "board-" + b;
            fleet.apply(id, JsonCodec.encode(new WorkerStatus(Protocol.VERSION, id, MODEL, "sim", "1.3.0",
                    WorkerStatus.State.IDLE, List.of(b), List.of(), 0, null, 400, 40, 1.0, 0, 1000, now, now,
                    new WorkerStatus.Serving(4096, 4096, 16, "chatml"))));
        }
        GatewayMetrics metrics = new GatewayMetrics();
        FleetRouter router = new FleetRouter(config.routing(), fleet, metrics, System::currentTimeMillis);
        CacheView caches = new CacheView();
        caches.markReady();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        FakeBus bus = new FakeBus();
        FakeStores stores = new FakeStores();
        GatewayServices services = new GatewayServices("bench", config.requests(), config.tenancy(),
                config.kafka().topics(), new ExchangeServices(new PendingJobs(), timers, bus, metrics,
                        config.requests().timeout(), config.http().sseKeepAlive(), router),
                bus, new ModelCatalog(config.fleet().models(), fleet), caches, fleet, router, new BrokerStatus(),
                () -> true, Runnable::run, new FakeJobLog(bus), stores.fileStore, stores.batchStore);
        InferenceRequestParser parser = new InferenceRequestParser(config.requests().defaultMaxTokens());
        JobFactory jobs = new JobFactory(services);
        byte[] plain = PLAIN.getBytes(StandardCharsets.UTF_8);
        byte[] system = SYSTEM.getBytes(StandardCharsets.UTF_8);
        try {
            if (args.length > 1 && args[1].equals("paced")) {
                int warm = args.length > 2 ? Integer.parseInt(args[2]) : 0;
                for (int i = 0; i < warm; i++) {
                    once(parser, jobs, router, services, plain); // back to back: the JIT's warm-up only
                }
                paced(() -> once(parser, jobs, router, services, plain), (int) seconds);
                pacedSteps(parser, jobs, router, services, plain, (int) seconds);
                return;
            }
            for (int round = 1; round <= 2; round++) {
                double a = nanosPerRequest(() -> once(parser, jobs, router, services, plain), seconds);
                double b = nanosPerRequest(() -> once(parser, jobs, router, services, system), seconds);
                System.out.printf(Locale.ROOT, "round %d: user turn only %.1f µs/request, with a system prompt %.1f "
                        + "µs/request (CPU time of this thread)%n", round, a / 1000, b / 1000);
            }
        } finally {
            timers.shutdownNow();
        }
    }

    private static int once(InferenceRequestParser parser, JobFactory jobs, FleetRouter router,
            GatewayServices services, byte[] body) {
        InferenceRequest request = parser.parse(body, JobKind.CHAT);
        Job job = jobs.job(request, services.requests().timeout());
        String key = RoutingKeys.forJob(job);
        RouteDecision route = router.route(job, key);
        router.ended(job.id(), null);
        return route.partition().orElse(-1) + key.length();
    }

    /**
     * As the overhead scenario sends them: one request, then 50 ms of nothing (caches and branch predictors go cold,
     * other processes run), {@code count} times after as many warm-up requests; prints the medians of each request's
     * CPU and wall time.
     */
    private static void paced(java.util.function.IntSupplier op, int count) throws InterruptedException {
        long[] cpu = new long[count];
        long[] wall = new long[count];
        for (int i = -count; i < count; i++) {
            Thread.sleep(50); // the scenario's think time: this is the load's shape, not a wait for a condition
            long c = THREADS.getCurrentThreadCpuTime();
            long w = System.nanoTime();
            op.getAsInt();
            if (i >= 0) {
                wall[i] = System.nanoTime() - w;
                cpu[i] = THREADS.getCurrentThreadCpuTime() - c;
            }
        }
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(wall);
        System.out.printf(Locale.ROOT, "paced (50 ms apart, %d after %d warm-up): median %.1f µs CPU, %.1f µs wall; "
                + "p90 %.1f µs CPU, %.1f µs wall%n", count, count, cpu[count / 2] / 1000.0, wall[count / 2] / 1000.0,
                cpu[count * 9 / 10] / 1000.0, wall[count * 9 / 10] / 1000.0);
    }

    /** As {@link #paced}, timing each step apart (wall time; medians). */
    private static void pacedSteps(InferenceRequestParser parser, JobFactory jobs, FleetRouter router,
            GatewayServices services, byte[] body, int count) throws InterruptedException {
        long[][] steps = new long[4][count];
        for (int i = 0; i < count; i++) {
            Thread.sleep(50);
            long t0 = System.nanoTime();
            InferenceRequest request = parser.parse(body, JobKind.CHAT);
            long t1 = System.nanoTime();
            Job job = jobs.job(request, services.requests().timeout());
            long t2 = System.nanoTime();
            String key = RoutingKeys.forJob(job);
            long t3 = System.nanoTime();
            router.route(job, key);
            long t4 = System.nanoTime();
            router.ended(job.id(), null);
            steps[0][i] = t1 - t0;
            steps[1][i] = t2 - t1;
            steps[2][i] = t3 - t2;
            steps[3][i] = t4 - t3;
        }
        String[] names = {"parse", "job", "key", "route"};
        StringBuilder line = new StringBuilder("paced steps, median wall µs:");
        for (int s = 0; s < 4; s++) {
            java.util.Arrays.sort(steps[s]);
            line.append(String.format(Locale.ROOT, " %s %.1f", names[s], steps[s][count / 2] / 1000.0));
        }
        System.out.println(line);
    }

    private static double nanosPerRequest(java.util.function.IntSupplier op, long seconds) {
        long sink = 0;
        long ops = 0;
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long now;
        do {
            for (int i = 0; i < 100; i++) {
                sink += op.getAsInt();
                ops++;
            }
            now = System.nanoTime();
        } while (now < end);
        if (sink == 42) {
            System.out.println(); // keeps the work observable
        }
        // CPU time of this thread, not wall time: the machine is shared, and a descheduled thread's wait is no cost
        return (THREADS.getCurrentThreadCpuTime() - cpuStart) / (double) ops;
    }
}
