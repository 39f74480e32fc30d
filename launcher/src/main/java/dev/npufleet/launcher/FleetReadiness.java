package dev.npufleet.launcher;

import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Waits, from the launcher, until the gateway answers and the workers have announced themselves. */
final class FleetReadiness {
    private FleetReadiness() {
    }

    static void awaitGateway(int port, Duration timeout, BooleanSupplier childrenAlive) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        awaitCondition("the gateway on port " + port, timeout, childrenAlive, () -> {
            try {
                return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /**
     * Polls the gateway's {@code /v1/fleet} until it shows each of {@code boards} live and owning job partitions:
     * then the router can send jobs to every board (a status on the topic may not have reached the gateway yet).
     */
    static void awaitGatewaySees(int port, Set<String> boards, Duration timeout, BooleanSupplier childrenAlive) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest fleet = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/fleet"))
                .timeout(Duration.ofSeconds(2)).build();
        awaitCondition("the gateway to route to " + boards, timeout, childrenAlive, () -> {
            try {
                HttpResponse<String> r = http.send(fleet, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return false;
                }
                Set<String> ready = new HashSet<>();
                for (var model : JsonCodec.mapper().readTree(r.body()).path("models")) {
                    for (var board : model.path("boards")) {
                        if ("live".equals(board.path("status").asText()) && !board.path("partitions").isEmpty()) {
                            ready.add(board.path("worker_id").asText());
                        }
                    }
                }
                return ready.containsAll(boards);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /**
     * Reads the workers topic until each of {@code expected} has published a status that owns job partitions: a
     * worker that announced itself but is still joining the consumer group would get no job yet.
     */
    static Set<String> awaitWorkers(String bootstrap, Topics topics, Set<String> expected, Duration timeout,
            BooleanSupplier childrenAlive) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topics.workers(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            awaitCondition("workers " + expected + " owning job partitions of both lanes", timeout, childrenAlive, () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        seen.remove(r.key());
                        continue;
                    }
                    WorkerStatus status = JsonCodec.decode(r.value(), WorkerStatus.class);
                    if (status.partitions().isEmpty() || status.backgroundPartitions().isEmpty()) {
                        // its latest status counts: partitions (of either lane) may have moved away
                        seen.remove(status.workerId());
                    } else {
                        seen.add(status.workerId());
                    }
                }
                return seen.containsAll(expected);
            });
        }
        return seen;
    }

    private static void awaitCondition(String what, Duration timeout, BooleanSupplier childrenAlive,
            BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!childrenAlive.getAsBoolean()) {
                throw new IllegalStateException("a fleet process exited while waiting for " + what + " (see its log above)");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(200); // polling an external process; there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }
}
