package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.EmbeddedKafka;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of generated requests ({@link FuzzRequests}) against a real gateway on a real broker, with a worker
 * that answers every job: no answer may be a 5xx or anything but an OpenAI-shaped error for a 4xx, no ERROR line
 * may be logged, and {@code /ready} stays 200. Bounded by its number of tries (well under a minute on 2 cores).
 * The broker is the one in {@code KAFKA_BOOTSTRAP_SERVERS}, else an embedded one (jqwik runs this class, and
 * JUnit's broker extension does not reach it).
 */
class GatewayFuzzIT {
    private static final String MODEL = GatewayUnderTest.MODEL;
    private static final AtomicInteger ERROR_LINES = new AtomicInteger();
    private static final Map<Integer, Integer> STATUSES = new ConcurrentHashMap<>();

    private static EmbeddedKafka kafka;
    private static GatewayUnderTest gateway;
    /** The same fleet behind a gateway with API keys on, fuzzed with good, wrong and missing keys. */
    private static GatewayUnderTest keyed;
    private static AnsweringWorker worker;
    private static PrintStream stderr;

    @BeforeContainer
    static void start() {
        stderr = System.err;
        System.setErr(new PrintStream(new ErrorLineCounter(stderr), true, StandardCharsets.UTF_8));
        String bootstrap = System.getenv().getOrDefault(KafkaTestBroker.BOOTSTRAP_ENV, "").strip();
        if (bootstrap.isEmpty()) {
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        String prefix = KafkaTestBroker.uniqueName("fuzz") + ".";
        gateway = GatewayUnderTest.start(bootstrap, prefix, Map.of("NPUFLEET_JOB_TTL", "1h",
                "NPUFLEET_MAX_BODY_BYTES", "1048576", "NPUFLEET_MAX_FILE_BYTES", "65536")).awaitReady();
        keyed = GatewayUnderTest.start(bootstrap, prefix, Map.of("NPUFLEET_JOB_TTL", "1h",
                "NPUFLEET_API_KEYS", "sk-fuzz-a:a,sk-fuzz-b:b,sk-fuzz-root:admin", "NPUFLEET_RATE_RPM", "100000"))
                .awaitReady();
        worker = AnsweringWorker.start(bootstrap, gateway.topics(), MODEL);
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            stderr.println("fuzz statuses " + new java.util.TreeMap<>(STATUSES) + ", jobs answered " + worker.answered());
            worker.close();
            keyed.close();
            gateway.close();
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            System.setErr(stderr);
        }
    }

    @Provide
    Arbitrary<RawHttp.Request> requests() {
        return FuzzRequests.requests();
    }

    @Provide
    Arbitrary<RawHttp.Request> keyedRequests() {
        return net.jqwik.api.Combinators.combine(FuzzRequests.requests(),
                net.jqwik.api.Arbitraries.of("Bearer sk-fuzz-a", "Bearer sk-fuzz-b", "Bearer sk-fuzz-root", "")).as(
                (request, auth) -> {
                    Map<String, String> headers = new java.util.LinkedHashMap<>(request.headers());
                    if (!auth.isEmpty()) {
                        headers.put("Authorization", auth);
                    }
                    return new RawHttp.Request(request.method(), request.target(), headers, request.body());
                });
    }

    /** Tries: {@code jqwik.tries.default} (1000 in junit-platform.properties; {@code -Djqwik.tries.default=N} for more). */
    @Property(shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void shouldAnswerEveryRequestWithoutA5xx(@ForAll("requests") RawHttp.Request request) throws Exception {
        check(gateway, request);
    }

    @Property(tries = 500, shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void shouldAnswerEveryRequestWithoutA5xxWithKeysOn(@ForAll("keyedRequests") RawHttp.Request request)
            throws Exception {
        check(keyed, request);
    }

    private static void check(GatewayUnderTest target, RawHttp.Request request) throws Exception {
        RawHttp.Response response = RawHttp.send(target.port(), request);
        STATUSES.merge(response.status(), 1, Integer::sum);
        remember(response);

        assertThat(response.status()).as("%s%n→ %s", request, response.text()).isBetween(200, 499);
        if (response.status() >= 400 && !request.method().equals("HEAD")) {
            JsonNode error = JsonCodec.mapper().readTree(response.body()).path("error");
            assertThat(error.path("message").isTextual()).as("%s%n→ %s", request, response.text()).isTrue();
            assertThat(error.path("type").isTextual()).as("%s%n→ %s", request, response.text()).isTrue();
        }
        assertThat(ERROR_LINES.get()).as("ERROR lines logged, after %s", request).isZero();
        if (STATUSES.values().stream().mapToInt(Integer::intValue).sum() % 200 == 0) {
            assertThat(target.get("/ready").statusCode()).isEqualTo(200);
        }
    }

    /** The id of what a 2xx answer created (job, file, batch), for later requests to look up. */
    private static void remember(RawHttp.Response response) throws IOException {
        if (response.status() < 300 && response.body().startsWith("{")) {
            String id = JsonCodec.mapper().readTree(response.body()).path("id").asText("");
            if (!id.isEmpty() && FuzzRequests.KNOWN.size() < 500 && !FuzzRequests.KNOWN.contains(id)) {
                FuzzRequests.KNOWN.add(id);
            }
        }
    }

    /** Passes stderr through, counting lines logged at ERROR (slf4j-simple writes "[thread] ERROR logger - ..."). */
    private static final class ErrorLineCounter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        ErrorLineCounter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            target.write(b);
            if (b == '\n') {
                if (line.toString(StandardCharsets.UTF_8).contains("] ERROR ")) {
                    ERROR_LINES.incrementAndGet();
                }
                line.reset();
            } else if (line.size() < 4096) {
                line.write(b);
            }
        }
    }
}
