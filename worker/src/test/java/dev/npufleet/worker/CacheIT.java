package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.cache.CacheManifest;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named prompt caches through the real bridge and simulator: same output as without a cache,
 * cached tokens measured, stale and corrupt files rebuilt, deleted caches' files removed.
 */
@ExtendWith(KafkaTestBroker.class)
class CacheIT {

    private static final String SYSTEM = "You are the support assistant of the Acme 3000 coffee machine. "
            + "Answer from the manual: descale monthly, use filtered water, press B twice to reset.";

    @TempDir
    static Path state;

    static String bootstrap;
    static Topics topics;
    static WorkerConfig config;
    static Worker worker;
    static KafkaProbe probe;

    @BeforeAll
    static void start(KafkaTestBroker.Broker broker) {
        bootstrap = broker.bootstrapServers();
        String prefix = KafkaTestBroker.uniqueName("cit") + ".";
        topics = new Topics(prefix);
        config = TestWorkers.config(bootstrap, prefix, "board-c", state, Map.of());
        worker = Worker.start(config);
        probe = new KafkaProbe(bootstrap, topics);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void shouldAnswerTheSameWithTheCacheAsWithoutAndCountThePrefixAsCached() {
        // Given a cache holding the system prompt
        CacheDefinition cache = Jobs.chatCache(config.identity().model(), "acme", "r1", SYSTEM);

        // When the same question runs without the cache, then twice with it
        Event plain = run(chat(null, List.of(ChatMessage.system(SYSTEM), ChatMessage.user("How do I reset?"))));
        Event first = run(chat(cache, List.of(ChatMessage.user("How do I reset?"))));
        Event second = run(chat(cache, List.of(ChatMessage.user("How do I reset?"))));

        // Then the text is identical, and the prefix's tokens were not prefilled again
        int prefixTokens = TestWorkers.simTokens("<|im_start|>system\n" + SYSTEM + "<|im_end|>\n");
        assertThat(text(first)).isEqualTo(text(plain));
        assertThat(text(second)).isEqualTo(text(plain));
        assertThat(plain.usage().cachedTokens()).isZero();
        assertThat(first.usage().promptTokens()).isEqualTo(plain.usage().promptTokens());
        assertThat(first.usage().cachedTokens()).isZero(); // it built the cache: the prefix was prefilled
        assertThat(first.timings().cacheBuildMs()).isPositive();
        assertThat(second.usage().cachedTokens()).isEqualTo(prefixTokens);
        assertThat(second.usage().cacheHit()).isTrue();
        assertThat(second.timings().cacheBuildMs()).isZero();
        assertThat(manifest("acme")).hasValueSatisfying(m -> assertThat(m.prefixTokens()).isEqualTo(prefixTokens));
    }

    @Test
    void shouldRebuildAFileTheRuntimeRefuses() throws IOException {
        // Given a built cache that is not the loaded one
        CacheDefinition broken = Jobs.chatCache(config.identity().model(), "broken", "r1", SYSTEM + " Broken edition.");
        CacheDefinition other = Jobs.chatCache(config.identity().model(), "other", "r1", "Another system prompt.");
        Event reference = run(chat(broken, List.of(ChatMessage.user("Hi"))));
        run(chat(other, List.of(ChatMessage.user("Hi"))));
        CacheManifest before = manifest("broken").orElseThrow();

        // When its file is damaged (same size) and a job uses it
        Path file = config.cache().dir().resolve(before.file());
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x5A;
        }
        Files.write(file, bytes);
        Event after = run(chat(broken, List.of(ChatMessage.user("Hi"))));

        // Then the file was rebuilt (for this job, which so saved nothing) and the answer is unchanged,
        // and the next job uses the new file
        assertThat(manifest("broken").orElseThrow().createdAt()).isGreaterThan(before.createdAt());
        assertThat(text(after)).isEqualTo(text(reference));
        assertThat(after.timings().cacheBuildMs()).isPositive();
        assertThat(after.usage().cacheHit()).isFalse();
        Event next = run(chat(broken, List.of(ChatMessage.user("Hi"))));
        assertThat(next.usage().cacheHit()).isTrue();
        assertThat(text(next)).isEqualTo(text(reference));
    }

    @Test
    void shouldRebuildWhenTheDefinitionChangedUnderTheSameRevision() {
        // Given a file built for one prefix
        run(chat(Jobs.chatCache(config.identity().model(), "drift", "r1", "Version one."), List.of(ChatMessage.user("Hi"))));
        String firstHash = manifest("drift").orElseThrow().fingerprint().prefixHash();

        // When a job carries another prefix under the same name and revision
        CacheDefinition changed = Jobs.chatCache(config.identity().model(), "drift", "r1", "Version two, longer.");
        Event cached = run(chat(changed, List.of(ChatMessage.user("Hi"))));
        Event plain = run(chat(null, List.of(ChatMessage.system("Version two, longer."), ChatMessage.user("Hi"))));

        // Then the stale file was not used: a new one was built for the new prefix
        assertThat(manifest("drift").orElseThrow().fingerprint().prefixHash()).isNotEqualTo(firstHash);
        assertThat(text(cached)).isEqualTo(text(plain));
    }

    @Test
    void shouldResolveANamedCacheFromTheCachesTopicAndRemoveItsFileWhenDeleted() {
        // Given a definition published to the caches topic, and a Kafka-native build job naming only it
        CacheDefinition def = Jobs.chatCache(config.identity().model(), "kn", "r1", SYSTEM);
        probe.send(topics.caches(), def.key(), def);
        Event built = run(byName(JobKind.CACHE_BUILD, "kn"));
        assertThat(built.cacheBuild().built()).isTrue();
        assertThat(built.cacheBuild().revision()).isEqualTo("r1");
        assertThat(manifest("kn")).isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.status("board-c").caches().stream()
                .anyMatch(h -> h.name().equals("kn")));

        // When the cache is deleted (tombstone)
        probe.send(topics.caches(), def.key(), null);

        // Then the board's file goes, and the status no longer lists it
        await().atMost(Duration.ofSeconds(10)).until(() -> manifest("kn").isEmpty() && dataFiles("kn").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.status("board-c").caches().stream()
                .noneMatch(h -> h.name().equals("kn")));

        // And recreating the name builds the new revision, never serving the old file
        CacheDefinition recreated = new CacheDefinition(config.identity().model(), "kn", "r2", null,
                List.of(ChatMessage.system("A new prompt.")), false, 0, System.currentTimeMillis());
        probe.send(topics.caches(), recreated.key(), recreated);
        Event rebuilt = run(byName(JobKind.CACHE_BUILD, "kn"));
        assertThat(rebuilt.cacheBuild().built()).isTrue();
        assertThat(rebuilt.cacheBuild().revision()).isEqualTo("r2");
        assertThat(manifest("kn").orElseThrow().revision()).isEqualTo("r2");
    }

    @Test
    void shouldFailAJobNamingAnUnknownCache() {
        Event last = run(byName(JobKind.CHAT, "never-defined"));
        assertThat(last.type()).isEqualTo(EventType.ERROR);
        assertThat(last.error().code()).isEqualTo(ErrorCode.CACHE_NOT_FOUND.wire());
    }

    private static Job chat(CacheDefinition cache, List<ChatMessage> messages) {
        return new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.CHAT, messages, null,
                cache == null ? null : Job.CacheRef.of(cache), Jobs.greedy(16), topics.events(),
                System.currentTimeMillis(), 0);
    }

    private static Job byName(JobKind kind, String name) {
        return new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), kind, List.of(ChatMessage.user("Hi")), null,
                new Job.CacheRef(name, null), Jobs.greedy(16), topics.events(), System.currentTimeMillis(), 0);
    }

    private static Event run(Job job) {
        probe.send(topics.jobs(config.identity().model()), job.id(), job);
        return probe.awaitLast(job.id());
    }

    private static String text(Event finish) {
        StringBuilder sb = new StringBuilder();
        probe.events(finish.jobId()).stream().filter(e -> e.type() == EventType.CHUNK).forEach(e -> sb.append(e.text()));
        return sb.toString();
    }

    private static Optional<CacheManifest> manifest(String name) {
        List<CacheManifest> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(config.cache().dir())) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(name + "@")
                    && p.toString().endsWith(".json")).toList()) {
                found.add(JsonCodec.decode(Files.readAllBytes(p), CacheManifest.class));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found.stream().findFirst();
    }

    private static List<Path> dataFiles(String name) {
        try (Stream<Path> files = Files.list(config.cache().dir())) {
            return files.filter(p -> p.getFileName().toString().startsWith(name + "@")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
