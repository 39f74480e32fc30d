package dev.npufleet.launcher;

import dev.npufleet.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet broker}: a single-node KRaft Kafka broker in this JVM, for trials and small sites. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run an embedded single-node Kafka broker (KRaft). For production use a real Kafka cluster.")
final class BrokerCommand implements Runnable {
    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", description = "Keep the log here (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Override
    public void run() {
        EmbeddedKafka.Settings settings = EmbeddedKafka.Settings.defaults().withPort(port);
        if (dataDir != null) {
            settings = settings.withDataDir(dataDir);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(settings);
        System.out.println("Kafka broker ready at " + kafka.bootstrapServers() + " (Ctrl-C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        GatewayCommand.awaitQuietly(stopped);
    }
}
