package dev.npufleet.broker;

import java.util.List;

/**
 * Keeps Kafka's own INFO logging (hundreds of lines per start) out of the console.
 *
 * <p>The broker logs through SLF4J; the binding is the application's choice. For slf4j-simple (the
 * project's binding) this sets {@code org.slf4j.simpleLogger.log.<name>=warn} for Kafka's logger
 * trees, unless that property is already set, so {@code -Dorg.slf4j.simpleLogger.log.kafka=info}
 * still turns the logs back on. NetworkClient is also the clients' logger: in the same JVM their
 * connection warnings are hidden too. slf4j-simple reads these properties when a logger is created, so
 * this must run before the first Kafka class logs: {@link EmbeddedKafka#start} calls it first.
 * Under another binding the properties are inert; configure that binding instead (Log4j 2 without a
 * configuration file already logs at ERROR only). Any thread; idempotent.
 */
public final class BrokerLogging {

    /** Logger trees of the broker (Scala {@code kafka.*}, Java {@code org.apache.kafka.*}, and named ones). */
    static final List<String> KAFKA_LOGGERS = List.of(
            "kafka", "org.apache.kafka", "state.change.logger");

    /**
     * Single loggers whose WARNs are expected on every run of a one-node broker: "controller
     * activation ... metadata log appears to be empty" on each first start, and "Attempting to
     * close NetworkClient that has already been closed" on each shutdown. Only ERROR passes.
     */
    static final List<String> HARMLESS_WARNINGS = List.of(
            "org.apache.kafka.controller.QuorumController", "org.apache.kafka.clients.NetworkClient");

    static final String SIMPLE_LOGGER_PREFIX = "org.slf4j.simpleLogger.log.";

    private BrokerLogging() {
    }

    /**
     * Sets Kafka's loggers to WARN (the known harmless warners to ERROR) under slf4j-simple,
     * leaving any level the user chose.
     */
    public static void quietUnlessConfigured() {
        for (String name : KAFKA_LOGGERS) {
            System.getProperties().putIfAbsent(SIMPLE_LOGGER_PREFIX + name, "warn");
        }
        for (String name : HARMLESS_WARNINGS) {
            System.getProperties().putIfAbsent(SIMPLE_LOGGER_PREFIX + name, "error");
        }
    }
}
