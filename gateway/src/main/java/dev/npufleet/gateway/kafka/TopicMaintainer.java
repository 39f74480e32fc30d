package dev.npufleet.gateway.kafka;

import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.protocol.kafka.TopicSetup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In the background, on its own thread: creates the fleet's missing topics (retrying until the
 * broker answers, so a gateway starts whether or not its broker is up), then checks every few
 * seconds that the broker answers, for {@code /health}.
 */
public final class TopicMaintainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicMaintainer.class);
    private static final Duration PERIOD = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Admin admin;
    private final TopicSetup setup;
    private final List<String> models;
    private final Duration timeout;
    private final BrokerStatus status;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-admin");
        t.setDaemon(true);
        return t;
    });

    public TopicMaintainer(GatewayKafka config, List<String> models, BrokerStatus status) {
        this.admin = Admin.create(KafkaProps.admin(config));
        TopicSetup defaults = TopicSetup.defaults(config.topics());
        this.setup = new TopicSetup(config.topics(), config.jobPartitions(), defaults.eventPartitions(),
                defaults.replicationFactor(), defaults.jobRetention(), defaults.eventRetention());
        this.models = List.copyOf(models);
        this.timeout = config.timeout();
        this.status = status;
    }

    public void start() {
        thread.execute(this::check);
    }

    private void check() {
        try {
            if (!status.topicsReady()) {
                setup.ensure(admin, models, timeout);
                status.topicsCreated();
                LOG.info("fleet topics are in place for models {}", models);
            }
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (status.state() != BrokerStatus.State.UP) {
                LOG.info("broker is up");
            }
            status.up();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // closing: TopicSetup turns the interrupt into an exception
            }
            if (status.state() != BrokerStatus.State.DOWN) {
                LOG.warn("broker unavailable, retrying: {}", e.toString());
            }
            status.down(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        schedule(status.topicsReady() && status.state() == BrokerStatus.State.UP ? PERIOD : RETRY);
    }

    private void schedule(Duration delay) {
        try {
            thread.schedule(this::check, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(1));
    }
}
