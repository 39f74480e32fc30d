package dev.npufleet.worker.job;

import static dev.npufleet.worker.testing.LoopFixture.MODEL;
import static dev.npufleet.worker.testing.LoopFixture.REPLIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.worker.engine.EngineIdentity;
import dev.npufleet.worker.testing.FakeEngine;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.LoopFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job another worker may have started: looked up only then; skipped when already answered;
 * continued from the delivered text, or replayed, as the rerun mode and the runtime decide.
 */
class RerunTest {

    private static final String ANSWER = "Hello from the fake NPU.";

    @TempDir
    Path tmp;

    private LoopFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    private static GenerationParams sampled(int maxTokens) {
        return new GenerationParams(maxTokens, 0.8, 0.9, 40, null, List.of(), null, null, null);
    }

    @Test
    void shouldLookUpOnlyJobsThatWereInThePartitionBeforeItBecameThisWorkers() {
        f = new LoopFixture(tmp, new FakeEngine().answering(ANSWER), true).assignedWithBacklog(1);
        Job old = Jobs.completion(MODEL, REPLIES, "old", Jobs.greedy(50));
        Job fresh = Jobs.completion(MODEL, REPLIES, "fresh", Jobs.greedy(50));
        f.offerAt(0, old);
        f.offer(fresh);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        assertThat(f.history.lookedUp).containsExactly(old.id());
        assertThat(f.text(old.id())).isEqualTo(ANSWER);
        assertThat(f.text(fresh.id())).isEqualTo(ANSWER);
    }

    @Test
    void shouldSkipAJobWhoseAnswerAnEarlierAttemptFinished() {
        f = new LoopFixture(tmp, new FakeEngine().answering(ANSWER), true).assignedWithBacklog(1);
        Job done = Jobs.completion(MODEL, REPLIES, "done already", Jobs.greedy(50));
        f.history.priors.put(done.id(), new PriorAttempt(true, ANSWER, 24, 1));
        Job next = Jobs.completion(MODEL, REPLIES, "next", Jobs.greedy(50));
        f.offerAt(0, done);
        f.offer(next);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        assertThat(f.events(done.id())).isEmpty();
        assertThat(f.engine.prompts()).containsExactly("next");
    }

    @Test
    void shouldContinueTheDeliveredTextWhereTheRuntimeTakesNoSeedAndSamplingIsOn() {
        f = new LoopFixture(tmp, new FakeEngine().answering(" and the rest."), true).assignedWithBacklog(1);
        Job job = Jobs.completion(MODEL, REPLIES, "Tell me", sampled(20));
        f.history.priors.put(job.id(), new PriorAttempt(false, "Half an answer", 14, 1));
        f.offerAt(0, job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell meHalf an answer");
        List<Event> events = f.events(job.id());
        assertThat(events.get(0).type()).isEqualTo(EventType.STARTED);
        assertThat(events.get(0).attempt()).isEqualTo(2);
        Event first = events.get(1);
        assertThat(first.type()).isEqualTo(EventType.CHUNK);
        assertThat(first.seq()).isEqualTo(14);
        // 20 max tokens, 14 spent by the first attempt: 6 left
        assertThat(f.text(job.id())).isEqualTo(" and t");
        Event finish = f.last(job.id());
        assertThat(finish.seq()).isEqualTo(20);
        assertThat(finish.finishReason()).isEqualTo("length");
        assertThat(finish.usage().completionTokens()).isEqualTo(20);
        assertThat(finish.usage().promptTokens()).isEqualTo("Tell me".length());
        assertThat(events.stream().filter(e -> e.type() == EventType.CHUNK).map(Event::tokens))
                .allSatisfy(t -> assertThat(t).isBetween(15, 20));
    }

    @Test
    void shouldReplayWhenTheRunReproducesTheTextWithinTheReplayBound() {
        // greedy: any runtime writes the same text again; the consumers drop what they already have
        f = new LoopFixture(tmp, new FakeEngine().answering(ANSWER), true).assignedWithBacklog(1);
        f.jobStats.jobDone(0, 30); // 10 tokens again at 30 tokens/s: 334 ms, within the bound
        Job greedy = Jobs.completion(MODEL, REPLIES, "Tell me", Jobs.greedy(50));
        f.history.priors.put(greedy.id(), new PriorAttempt(false, "Hello from", 10, 1));
        f.offerAt(0, greedy);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell me");
        assertThat(f.events(greedy.id()).get(0).attempt()).isEqualTo(2);
        assertThat(f.events(greedy.id()).get(1).seq()).isZero();
        assertThat(f.text(greedy.id())).isEqualTo(ANSWER);
    }

    @Test
    void shouldContinueAGreedyJobOnTheSimulatorWhoseTokenizerGivesTheTextBack() {
        // the simulator's byte-level tokenizer: prefilling the delivered text is the same as having generated it
        FakeEngine simulator = new FakeEngine(new EngineIdentity(EngineIdentity.SIMULATOR, "1.3.0", "r", "m"))
                .answering(" the fake");
        f = new LoopFixture(tmp, simulator, true).assignedWithBacklog(1);
        Job greedy = Jobs.completion(MODEL, REPLIES, "Tell me", Jobs.greedy(50));
        f.history.priors.put(greedy.id(), new PriorAttempt(false, "Hello from", 10, 1));
        f.offerAt(0, greedy);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell meHello from");
        assertThat(f.events(greedy.id()).get(1).seq()).isEqualTo(10);
    }

    @Test
    void shouldContinueASeededJobOnTheSimulatorWhoseDrawsDependOnThePosition() {
        FakeEngine simulator = new FakeEngine(new EngineIdentity(EngineIdentity.SIMULATOR, "1.3.0", "r", "m"))
                .answering(" the fake");
        f = new LoopFixture(tmp, simulator, true).assignedWithBacklog(1);
        f.jobStats.jobDone(0, 1000); // a replay would be quick: continuing is chosen for being exact, not for time
        Job job = Jobs.completion(MODEL, REPLIES, "Tell me", sampled(50));
        f.history.priors.put(job.id(), new PriorAttempt(false, "Hello from", 10, 1));
        f.offerAt(0, job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell meHello from");
        assertThat(f.events(job.id()).get(1).seq()).isEqualTo(10);
    }

    @Test
    void shouldContinueAGreedyJobOnTheVendorRuntimeWhenAReplayWouldTakeLongerThanTheBound() {
        f = new LoopFixture(tmp, new FakeEngine().answering(" NPU."), true).assignedWithBacklog(1);
        f.jobStats.jobDone(0, 10); // 19 tokens again at 10 tokens/s: 1,900 ms, past the bound of 1,000
        Job greedy = Jobs.completion(MODEL, REPLIES, "Tell me", Jobs.greedy(50));
        f.history.priors.put(greedy.id(), new PriorAttempt(false, "Hello from the fake", 19, 1));
        f.offerAt(0, greedy);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell meHello from the fake");
        assertThat(f.events(greedy.id()).get(1).seq()).isEqualTo(19);
        assertThat(f.text(greedy.id())).isEqualTo(" NPU.");
        assertThat(f.last(greedy.id()).usage().completionTokens()).isEqualTo(24);
    }

    @Test
    void shouldContinueWhenToldToEvenIfTheRunWouldReproduceIt() {
        f = new LoopFixture(tmp, new FakeEngine().answering(" NPU."), true, 0, RerunMode.CONTINUE)
                .assignedWithBacklog(1);
        Job job = Jobs.completion(MODEL, REPLIES, "Tell me", Jobs.greedy(50));
        f.history.priors.put(job.id(), new PriorAttempt(false, "Hello from the fake", 19, 1));
        f.offerAt(0, job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell meHello from the fake");
        assertThat(f.last(job.id()).seq()).isEqualTo(24);
        assertThat(f.last(job.id()).usage().completionTokens()).isEqualTo(24);
    }

    @Test
    void shouldReplayWhenTheEarlierChunksDidNotCountTheirTokens() {
        f = new LoopFixture(tmp, new FakeEngine().answering(ANSWER), true, 0, RerunMode.CONTINUE)
                .assignedWithBacklog(1);
        Job job = Jobs.completion(MODEL, REPLIES, "Tell me", sampled(50));
        f.history.priors.put(job.id(), new PriorAttempt(false, "Hello from", -1, 1));
        f.offerAt(0, job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.engine.prompts()).containsExactly("Tell me");
    }
}
