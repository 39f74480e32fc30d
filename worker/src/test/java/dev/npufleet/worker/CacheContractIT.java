package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.worker.engine.CacheContract;
import dev.npufleet.worker.engine.Engines;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import dev.npufleet.worker.testing.TestWorkers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runtime's prompt-cache contract found at start, not assumed: the simulator made to reuse the matching
 * prefix (today's runtime), to append the input to the loaded cache, or to ignore the cache; the worker
 * finds which, sends what that contract needs, and answers as without a cache (real bridge and broker).
 */
@ExtendWith(KafkaTestBroker.class)
class CacheContractIT {
    private static final String SYSTEM = "You are the support assistant of the Acme 3000 coffee machine. "
            + "Answer from the manual: descale monthly, use filtered water, press B twice to reset.";

    @TempDir
    Path state;

    @ParameterizedTest
    @CsvSource({"prefix, PREFIX", "append, APPEND", "ignore, OFF"})
    void shouldFindTheRuntimesContract(String simContract, CacheContract expected) {
        WorkerConfig config = TestWorkers.config("localhost:1", "unused.", "probe-" + simContract, state,
                Map.of("NPUFLEET_SIM_OPTIONS", "cache_contract=" + simContract));
        try (InferenceEngine engine = Engines.open(config.runtime(), config.identity().stateDir())) {
            assertThat(engine.cacheContract()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({"append, true", "ignore, false"})
    void shouldAnswerAsWithoutTheCacheUnderTheContractFound(String simContract, boolean cacheUsed,
            KafkaTestBroker.Broker broker) {
        String prefix = KafkaTestBroker.uniqueName("contract-" + simContract) + ".";
        Topics topics = new Topics(prefix);
        WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), prefix, "board-" + simContract, state,
                Map.of("NPUFLEET_SIM_OPTIONS", "cache_contract=" + simContract));
        try (Worker worker = Worker.start(config); KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            CacheDefinition cache = Jobs.chatCache(config.identity().model(), "acme", "r1", SYSTEM);
            Event plain = run(probe, topics, config, chat(config, topics, null, List.of(ChatMessage.system(SYSTEM),
                    ChatMessage.user("How do I reset?"))));
            run(probe, topics, config, chat(config, topics, cache, List.of(ChatMessage.user("How do I reset?"))));
            Event cached = run(probe, topics, config, chat(config, topics, cache,
                    List.of(ChatMessage.user("How do I reset?"))));

            int prefixTokens = TestWorkers.simTokens("<|im_start|>system\n" + SYSTEM + "<|im_end|>\n");
            assertThat(text(probe, cached)).isEqualTo(text(probe, plain));
            assertThat(cached.usage().promptTokens()).isEqualTo(plain.usage().promptTokens());
            assertThat(cached.usage().cachedTokens()).isEqualTo(cacheUsed ? prefixTokens : 0);
            assertThat(cached.usage().cacheHit()).isEqualTo(cacheUsed);
        }
    }

    private static Job chat(WorkerConfig config, Topics topics, CacheDefinition cache, List<ChatMessage> messages) {
        return new Job(Protocol.VERSION, JobIds.newId(), config.identity().model(), JobKind.CHAT, messages, null,
                cache == null ? null : Job.CacheRef.of(cache), Jobs.greedy(16), topics.events(),
                System.currentTimeMillis(), 0);
    }

    private static Event run(KafkaProbe probe, Topics topics, WorkerConfig config, Job job) {
        probe.send(topics.jobs(config.identity().model()), job.id(), job);
        return probe.awaitLast(job.id());
    }

    private static String text(KafkaProbe probe, Event finish) {
        StringBuilder sb = new StringBuilder();
        probe.events(finish.jobId()).stream().filter(e -> e.type() == EventType.CHUNK).forEach(e -> sb.append(e.text()));
        return sb.toString();
    }
}
