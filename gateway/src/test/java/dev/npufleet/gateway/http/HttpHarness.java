package dev.npufleet.gateway.http;

import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.gateway.fleet.CacheView;
import dev.npufleet.gateway.fleet.FleetView;
import dev.npufleet.gateway.fleet.ModelCatalog;
import dev.npufleet.gateway.jobs.PendingJobs;
import dev.npufleet.gateway.kafka.BrokerStatus;
import dev.npufleet.gateway.metrics.GatewayMetrics;
import dev.npufleet.gateway.routing.FleetRouter;
import dev.npufleet.protocol.Event;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The gateway's real HTTP layer (Jetty, handler, exchanges) over a {@link FakeBus} instead of Kafka.
 * The test thread plays the events-consumer thread: {@link #emit} hands events over as it would.
 */
final class HttpHarness implements AutoCloseable {
    static final String MODEL = "test-model";

    final FakeBus bus = new FakeBus();
    final FakeJobLog jobLog = new FakeJobLog(bus);
    final FakeStores stores = new FakeStores();
    final PendingJobs pending = new PendingJobs();
    final CacheView caches = new CacheView();
    final FleetView fleet = new FleetView(Duration.ofSeconds(15));
    final GatewayMetrics metrics = new GatewayMetrics();
    final AtomicBoolean eventsReady = new AtomicBoolean(true);
    final BrokerStatus broker = new BrokerStatus();
    final GatewayConfig config;
    final FleetRouter router;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Server server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    HttpHarness(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("NPUFLEET_HTTP_PORT", "0", "NPUFLEET_HTTP_HOST", "127.0.0.1",
                "NPUFLEET_MODELS", MODEL, "NPUFLEET_GATEWAY_ID", "test-gw"));
        all.putAll(env);
        config = GatewayConfig.fromEnv(all);
        caches.markReady();
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        router = new FleetRouter(config.routing(), fleet, metrics, System::currentTimeMillis);
        GatewayServices services = new GatewayServices(config.kafka().gatewayId(), config.requests(), config.tenancy(),
                config.kafka().topics(),
                new ExchangeServices(pending, timers, bus, metrics, config.requests().timeout(), config.http().sseKeepAlive(),
                        router),
                bus, new ModelCatalog(config.fleet().models(), fleet), caches, fleet, router, broker, eventsReady::get, pool, jobLog,
                stores.fileStore, stores.batchStore);
        server = HttpServerFactory.create(config.http(), pool, new GatewayHandler(services));
        server.start();
    }

    HttpHarness() throws Exception {
        this(Map.of());
    }

    int port() {
        return HttpServerFactory.localPort(server);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return client.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return b.build();
    }

    HttpClient client() {
        return client;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** Sends without waiting for the answer, so the test can play the worker meanwhile. */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A worker's event: appended to the events log (for lookups) and handed over as the events consumer would. */
    void publish(Event event) {
        jobLog.append(event);
        pending.dispatch(event);
    }

    /** Hands an event to the gateway as the events-consumer thread would. */
    void emit(Event event) {
        pending.dispatch(event);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop Jetty", e);
        } finally {
            timers.shutdownNow();
        }
    }
}
