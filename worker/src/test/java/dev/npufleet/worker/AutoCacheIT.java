package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic caches for repeated system prompts through the real bridge and simulator: built on the
 * second sighting, same text as without, cached tokens measured, listed in the status under the
 * routing key's hash; off with {@code NPUFLEET_AUTO_CACHE_AFTER=0}. Both workers publish their
 * heartbeat only once a minute, so every status change seen here came from a state change.
 */
@ExtendWith(KafkaTestBroker.class)
class AutoCacheIT {

    private static final String SYSTEM = "You are the support assistant of the Acme 3000 coffee machine. "
            + "Answer from the manual: descale monthly, use filtered water, press B twice to reset.";
    private static final Map<String, String> SLOW_HEARTBEAT = Map.of(
            "NPUFLEET_HEARTBEAT_MS", "60000",
            // paced prefill, so that building a cache takes measurable time
            "NPUFLEET_SIM_OPTIONS", "prefill_tps=2000");

    @TempDir
    static Path stateOn;
    @TempDir
    static Path stateOff;

    static Fleet on;
    static Fleet off;

    /** One worker on its own topic prefix, with a probe. */
    record Fleet(WorkerConfig config, Topics topics, Worker worker, KafkaProbe probe) {
        static Fleet start(String bootstrap, String name, Path state, Map<String, String> extra) {
            String prefix = KafkaTestBroker.uniqueName(name) + ".";
            Topics topics = new Topics(prefix);
            WorkerConfig config = TestWorkers.config(bootstrap, prefix, name, state, extra);
            return new Fleet(config, topics, Worker.start(config), new KafkaProbe(bootstrap, topics));
        }

        Event run(Job job) {
            // keyed like a gateway keys it
            probe.send(topics.jobs(config.identity().model()), RoutingKeys.forJob(job), job);
            return probe.awaitLast(job.id());
        }

        Job chat(String system, String user) {
            return new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.CHAT,
                    List.of(ChatMessage.system(system), ChatMessage.user(user)), null, null, Jobs.greedy(16),
                    topics.events(), System.currentTimeMillis(), 0);
        }

        String text(Event finish) {
            StringBuilder sb = new StringBuilder();
            probe.events(finish.jobId()).stream().filter(e -> e.type() == EventType.CHUNK)
                    .forEach(e -> sb.append(e.text()));
            return sb.toString();
        }

        WorkerStatus status() {
            return probe.status(config.identity().workerId());
        }

        List<String> cacheFiles() {
            try (Stream<Path> files = Files.list(config.cache().dir())) {
                return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".kvcache")).toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void close() {
            worker.close();
            probe.close();
        }
    }

    @BeforeAll
    static void start(KafkaTestBroker.Broker broker) {
        on = Fleet.start(broker.bootstrapServers(), "board-auto", stateOn, SLOW_HEARTBEAT);
        Map<String, String> disabled = new java.util.HashMap<>(SLOW_HEARTBEAT);
        disabled.put("NPUFLEET_AUTO_CACHE_AFTER", "0");
        off = Fleet.start(broker.bootstrapServers(), "board-noauto", stateOff, disabled);
    }

    @AfterAll
    static void stop() {
        for (Fleet f : new Fleet[] {on, off}) {
            if (f != null) {
                f.close();
            }
        }
    }

    @Test
    void shouldCacheASystemPromptSeenTwiceAndAnswerAsWithout() {
        // Given the same system prompt three times (the second job asks something else)
        Job firstJob = on.chat(SYSTEM, "How do I reset?");

        // When the jobs run one after the other
        Event first = on.run(firstJob);
        Event second = on.run(on.chat(SYSTEM, "How often do I descale?"));
        Event third = on.run(on.chat(SYSTEM, "How do I reset?"));

        // Then the first ran in full, the second built the cache, the third loaded it: same text, prefix not prefilled
        int prefixTokens = TestWorkers.simTokens("<|im_start|>system\n" + SYSTEM + "<|im_end|>\n");
        assertThat(first.usage().cachedTokens()).isZero();
        assertThat(first.timings().cacheBuildMs()).isZero();
        assertThat(second.usage().cachedTokens()).isZero(); // its own build prefilled the prefix
        assertThat(second.usage().cacheHit()).isFalse();
        assertThat(second.timings().cacheBuildMs()).isPositive();
        assertThat(third.usage().cachedTokens()).isEqualTo(prefixTokens);
        assertThat(third.usage().cacheHit()).isTrue();
        assertThat(third.timings().cacheBuildMs()).isZero();
        assertThat(third.usage().promptTokens()).isEqualTo(first.usage().promptTokens());
        assertThat(third.timings().prefillMs()).isLessThan(first.timings().prefillMs());
        assertThat(on.text(third)).isNotEmpty().isEqualTo(on.text(first));

        // And the status lists the cache under the hash of the jobs' routing key
        String hash = RoutingKeys.forJob(firstJob).substring((on.config().identity().model() + "/sys:").length());
        assertThat(hash).matches("[0-9a-f]{16}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(on.status().caches())
                .anySatisfy(h -> {
                    assertThat(h.name()).isEqualTo("auto-" + hash);
                    assertThat(h.hits()).isEqualTo(2);
                }));
    }

    @Test
    void shouldNotCacheASystemPromptSeenOnce() {
        Job job = on.chat("You are a pirate. Answer every question in pirate speech, briefly.", "Hello?");

        Event once = on.run(job);

        assertThat(once.usage().cachedTokens()).isZero();
        String name = "auto-" + RoutingKeys.forJob(job).substring((on.config().identity().model() + "/sys:").length());
        await().atMost(Duration.ofSeconds(10)).until(() -> on.status().jobsDone() >= 1);
        assertThat(on.status().caches()).noneMatch(h -> h.name().equals(name));
        assertThat(on.cacheFiles()).noneMatch(f -> f.startsWith(name + "@"));
    }

    @Test
    void shouldNeverCacheWhenSwitchedOffAndStillPublishStateChangesPromptly() {
        // Given a worker with NPUFLEET_AUTO_CACHE_AFTER=0
        String system = "You are a careful assistant of the Acme support desk. Answer briefly and politely.";

        // When the same system prompt comes three times
        Event a = off.run(off.chat(system, "Hi"));
        Event b = off.run(off.chat(system, "Hi"));
        Event c = off.run(off.chat(system, "Hi"));

        // Then nothing was cached, the answers agree
        assertThat(List.of(a, b, c)).allSatisfy(e -> assertThat(e.usage().cachedTokens()).isZero());
        assertThat(off.text(c)).isEqualTo(off.text(a));
        assertThat(off.cacheFiles()).isEmpty();

        // And the status shows the three jobs long before the next heartbeat (a minute away)
        await().atMost(Duration.ofSeconds(5)).until(() -> off.status() != null && off.status().jobsDone() == 3
                && off.status().currentJob() == null);
        assertThat(off.status().caches()).isEmpty();
    }
}
