package dev.npufleet.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that gives tests a Kafka broker: one per test JVM, started on first use, kept in
 * the root extension store and closed when the test run ends.
 *
 * <p>The broker is, in order: the one named by env {@code KAFKA_BOOTSTRAP_SERVERS} (kind
 * "external"); Testcontainers' Kafka if Testcontainers is on the classpath and Docker answers (kind
 * "testcontainers"); else an {@link EmbeddedKafka} in this JVM (kind "embedded"). The broker is
 * shared, so tests must use {@link #uniqueName} topic and group names; {@link TopicAdmin} creates
 * topics. Usage: {@code @ExtendWith(KafkaTestBroker.class)} and a {@link Broker} parameter.
 * Safe under parallel test execution (the store computes the broker once).
 */
public final class KafkaTestBroker implements BeforeAllCallback, ParameterResolver {

    /** The env variable that points the tests at an already running broker. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestBroker.class);
    private static final Namespace NAMESPACE = Namespace.create(KafkaTestBroker.class);
    private static final Pattern LEGAL_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * The broker a test gets.
     *
     * @param bootstrapServers for clients' {@code bootstrap.servers}
     * @param kind             "external", "testcontainers" or "embedded"
     */
    public record Broker(String bootstrapServers, String kind) {
        public Broker {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank");
            }
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Starts (or finds) the JVM's broker before the class's tests, so its start time is not a test's. */
    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Broker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    /** The JVM's broker, started on first call. */
    public static Broker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, key -> Running.start(System.getenv()), Running.class)
                .broker();
    }

    /** {@code prefix-<uuid>}: a topic or group name no other test on a shared broker uses. */
    public static String uniqueName(String prefix) {
        if (prefix == null || !LEGAL_NAME.matcher(prefix).matches() || prefix.length() > 200) {
            throw new IllegalArgumentException("prefix must be 1..200 of [A-Za-z0-9._-]: " + prefix);
        }
        return prefix + "-" + UUID.randomUUID();
    }

    /** The chosen broker and what stops it; the root store closes it at the end of the run. */
    record Running(Broker broker, AutoCloseable resource) implements AutoCloseable {

        static Running start(Map<String, String> env) {
            String external = env.getOrDefault(BOOTSTRAP_ENV, "").strip();
            if (!external.isEmpty()) {
                LOG.atInfo().addKeyValue("bootstrapServers", external).log("Tests use an external Kafka");
                return new Running(new Broker(external, "external"), () -> { });
            }
            if (Containers.dockerHinted(env, Path.of(System.getProperty("user.home", "/")))) {
                Running container = Containers.tryStart();
                if (container != null) {
                    return container;
                }
            }
            EmbeddedKafka kafka = EmbeddedKafka.start();
            return new Running(new Broker(kafka.bootstrapServers(), "embedded"), kafka);
        }

        @Override
        public void close() {
            try {
                resource.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("Cannot stop the " + broker.kind() + " Kafka for tests", e);
            }
        }
    }

    /**
     * The only code that touches Testcontainers, so a missing Testcontainers jar surfaces here as a
     * caught {@link NoClassDefFoundError} and the choice falls through to the embedded broker.
     */
    static final class Containers {

        /** The image matches the Kafka version of the embedded broker; override with KAFKA_TEST_IMAGE. */
        static final String IMAGE = "apache/kafka-native:4.4.0";

        private Containers() {
        }

        /**
         * A cheap check before asking Testcontainers, which takes 0.3-0.5 s and logs an ERROR block
         * when there is no Docker: only ask it when a Docker endpoint is plausibly configured.
         */
        static boolean dockerHinted(Map<String, String> env, Path home) {
            if (env.containsKey("DOCKER_HOST") || System.getProperty("os.name", "").startsWith("Windows")) {
                return true;
            }
            String runtimeDir = env.get("XDG_RUNTIME_DIR");
            return Files.exists(Path.of("/var/run/docker.sock"))
                    || Files.exists(home.resolve(".testcontainers.properties"))
                    || Files.exists(home.resolve(".docker/run/docker.sock"))
                    || Files.exists(home.resolve(".docker/desktop/docker.sock"))
                    || Files.exists(home.resolve(".colima/default/docker.sock"))
                    || Files.exists(home.resolve(".rd/docker.sock"))
                    || (runtimeDir != null && (Files.exists(Path.of(runtimeDir, "docker.sock"))
                            || Files.exists(Path.of(runtimeDir, "podman/podman.sock"))));
        }

        /** A started container, or null when Testcontainers is absent, finds no Docker, or fails. */
        static Running tryStart() {
            try {
                if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                    return null;
                }
            } catch (Throwable t) { // NoClassDefFoundError without the optional jar
                LOG.atDebug().setCause(t).log("Testcontainers unavailable; using the embedded broker");
                return null;
            }
            String image = System.getenv().getOrDefault("KAFKA_TEST_IMAGE", IMAGE);
            var container = new org.testcontainers.kafka.KafkaContainer(image);
            try {
                // Same client-visible behaviour as the embedded broker (apache/kafka maps KAFKA_A_B to a.b).
                BrokerConfig.behaviour(true).forEach((name, value) ->
                        container.withEnv("KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_'), value));
                container.start();
            } catch (Throwable t) { // e.g. the image cannot be pulled offline
                LOG.atWarn().setCause(t).addKeyValue("image", image)
                        .log("Docker is there but the Kafka container did not start; using the embedded broker");
                container.stop();
                return null;
            }
            LOG.atInfo().addKeyValue("image", image).addKeyValue("bootstrapServers", container.getBootstrapServers())
                    .log("Tests use a Testcontainers Kafka");
            return new Running(new Broker(container.getBootstrapServers(), "testcontainers"), container::stop);
        }
    }
}
