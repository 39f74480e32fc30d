package dev.npufleet.worker.doctor;

import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.WorkerConfig;
import dev.npufleet.worker.kafka.KafkaClients;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka connection the worker will use (its own client settings, {@code NPUFLEET_KAFKA_*} included) and
 * the topics it reads and writes. Stateless; opens and closes one admin client.
 */
final class KafkaCheck {
    static final String NAME = "kafka";
    private static final int TIMEOUT_MS = 8000;

    private KafkaCheck() {
    }

    static Check run(WorkerConfig config) {
        Map<String, Object> props = new java.util.HashMap<>(new KafkaClients(config.kafka(),
                config.identity().workerId(), config.identity().model(), config.loop()).admin());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        Topics topics = config.kafka().topics();
        String model = config.identity().model();
        String servers = config.kafka().bootstrapServers();
        try (Admin admin = Admin.create(props)) {
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            Set<String> names = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<String> missing = List.of(topics.jobs(model), topics.background(model), topics.events(),
                    topics.workers(), topics.caches(), topics.control()).stream().filter(t -> !names.contains(t)).toList();
            String seen = servers + ": " + brokers + " broker(s)";
            if (!missing.isEmpty()) {
                return Check.warn(NAME, seen + "; topics not there yet: " + String.join(", ", missing),
                        "start a gateway (it creates the shared topics) and this worker (it creates "
                                + topics.jobs(model) + "), or create them with your cluster's tools");
            }
            return Check.pass(NAME, seen + "; the worker's topics exist");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable why = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return Check.fail(NAME, "cannot reach Kafka at " + servers + " within " + TIMEOUT_MS
                    + " ms: " + why.getClass().getSimpleName() + (why.getMessage() == null ? "" : ": " + why.getMessage()),
                    "check NPUFLEET_BOOTSTRAP_SERVERS, that the broker is up, that the board reaches its port (nc -z"
                            + " host 9092) and its advertised listeners name an address the board can reach");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail(NAME, "interrupted", "run the doctor again");
        }
    }
}
