package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.kafka.KafkaClients;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The priority lanes on one board (a real broker, the real bridge and the simulator, slowed down): an interactive
 * job overtakes a queue of 100 background jobs, a burst of interactive jobs runs back to back (within the share),
 * and the background jobs still all complete and are committed.
 */
@ExtendWith(KafkaTestBroker.class)
class LanesIT {

    private static final int BACKGROUND_JOBS = 100;

    @TempDir
    Path state;

    private Worker worker;
    private KafkaProbe probe;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void anInteractiveJobOvertakesQueuedBackgroundJobsWhichStillAllComplete(KafkaTestBroker.Broker broker) {
        // Given one board with 100 background jobs queued, the first of them running
        String prefix = KafkaTestBroker.uniqueName("lanes") + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-a", state,
                Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=25", "NPUFLEET_BACKGROUND_SHARE", "8"));
        worker = Worker.start(config);
        probe = new KafkaProbe(broker.bootstrapServers(), topics);
        String model = config.identity().model();
        List<Job> background = new ArrayList<>();
        for (int i = 0; i < BACKGROUND_JOBS; i++) {
            Job job = Jobs.completion(model, topics.events(), "batch line " + i, Jobs.greedy(6));
            background.add(job);
            probe.send(topics.background(model), job.id(), job);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> started(background.get(0)));

        // When an interactive job arrives
        Job interactive = Jobs.completion(model, topics.events(), "a question", Jobs.greedy(6));
        probe.send(topics.jobs(model), interactive.id(), interactive);

        // Then it runs next, once the running background job ends: far ahead of the queue
        List<Event> events = probe.awaitEnd(interactive.id(), Duration.ofSeconds(60));
        assertThat(events.get(events.size() - 1).type()).isEqualTo(EventType.FINISH);
        long backgroundDone = background.stream().filter(this::finished).count();
        assertThat(backgroundDone).as("background jobs finished before the interactive one").isLessThan(15);

        // And a burst of interactive jobs (fewer than the share) runs back to back, the background waiting
        List<Job> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job job = Jobs.completion(model, topics.events(), "question " + i, Jobs.greedy(6));
            burst.add(job);
            probe.send(topics.jobs(model), job.id(), job);
        }
        burst.forEach(job -> probe.awaitEnd(job.id(), Duration.ofSeconds(60)));
        long from = burst.stream().mapToLong(job -> probe.events(job.id()).get(0).timestamp()).min().orElseThrow();
        long to = burst.stream().mapToLong(job -> last(job).timestamp()).max().orElseThrow();
        long backgroundBetween = background.stream().filter(this::started)
                .mapToLong(job -> probe.events(job.id()).get(0).timestamp()).filter(t -> t > from && t < to).count();
        assertThat(backgroundBetween).as("background jobs started within the interactive burst").isLessThanOrEqualTo(1);

        // And every background job still completes, and the background lane's offsets are committed
        await().atMost(Duration.ofSeconds(180)).until(() -> background.stream().allMatch(this::finished));
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.committed(
                KafkaClients.backgroundGroupId(config.kafka(), model), topics.background(model)) == BACKGROUND_JOBS);
        // and the board reports the background lane's partitions beside the interactive ones
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.status("board-a") != null
                && probe.status("board-a").backgroundPartitions().size() == 2
                && probe.status("board-a").partitions().size() == 2);
    }

    private Event last(Job job) {
        List<Event> events = probe.events(job.id());
        return events.get(events.size() - 1);
    }

    private boolean started(Job job) {
        return !probe.events(job.id()).isEmpty();
    }

    private boolean finished(Job job) {
        List<Event> events = probe.events(job.id());
        return !events.isEmpty() && events.get(events.size() - 1).type() == EventType.FINISH;
    }
}
