package dev.npufleet.worker.job;

import static dev.npufleet.worker.testing.LoopFixture.MODEL;
import static dev.npufleet.worker.testing.LoopFixture.REPLIES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.worker.engine.InferenceException;
import dev.npufleet.worker.testing.FakeEngine;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.LoopFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a job publishes: events, seq, usage, finish reasons, skips, cancels, poison, caches. */
class JobProcessingTest {

    @TempDir
    Path tmp;

    private LoopFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void shouldPublishStartedThenChunksThenFinishWithConsistentSeqAndUsage() {
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello, \uD83D\uDE00 world"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Say hi", Jobs.greedy(50));
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        List<Event> events = f.events(job.id());
        assertThat(events.get(0).type()).isEqualTo(EventType.STARTED);
        assertThat(events.get(0).timings().queueMs()).isGreaterThanOrEqualTo(0);
        long expected = 0;
        for (Event e : events.subList(1, events.size() - 1)) {
            assertThat(e.type()).isEqualTo(EventType.CHUNK);
            assertThat(e.seq()).isEqualTo(expected);
            expected += e.length();
        }
        Event finish = f.last(job.id());
        assertThat(f.text(job.id())).isEqualTo("Hello, \uD83D\uDE00 world");
        assertThat(finish.seq()).isEqualTo(expected).isEqualTo(14);
        assertThat(finish.finishReason()).isEqualTo("stop");
        assertThat(finish.usage().promptTokens()).isEqualTo("Say hi".length());
        assertThat(finish.usage().completionTokens()).isEqualTo(14);
        assertThat(finish.usage().cacheHit()).isFalse();
        assertThat(finish.timings().ttftMs()).isGreaterThanOrEqualTo(0);
        assertThat(f.counter("npufleet.worker.jobs", "finished")).isEqualTo(1);
    }

    @Test
    void shouldStopAtAStopStringWithoutPublishingIt() {
        f = new LoopFixture(tmp, new FakeEngine().answering("Answer.\nUser: more"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q", Jobs.withStop(50, "\nUser:"));
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.text(job.id())).isEqualTo("Answer.");
        assertThat(f.last(job.id()).finishReason()).isEqualTo("stop");
        assertThat(f.last(job.id()).seq()).isEqualTo(7);
        assertThat(f.engine.aborts()).isPositive();
    }

    @Test
    void shouldFinishWithLengthAtMaxTokens() {
        f = new LoopFixture(tmp, new FakeEngine().answering("abcdefgh"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q", Jobs.greedy(3));
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.text(job.id())).isEqualTo("abc");
        assertThat(f.last(job.id()).finishReason()).isEqualTo("length");
    }

    @Test
    void shouldSkipAJobWhoseDeadlinePassed() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        Job job = Jobs.withDeadline(Jobs.completion(MODEL, REPLIES, "Q"), System.currentTimeMillis() - 1000);
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.last(job.id()).error().code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.wire());
        assertThat(f.engine.prompts()).isEmpty();
    }

    @Test
    void shouldSkipAJobCancelledBeforeItWasReached() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        f.slot.cancel(job.id());
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.events(job.id())).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.FINISH);
            assertThat(e.finishReason()).isEqualTo("cancelled");
        });
        assertThat(f.engine.prompts()).isEmpty();
    }

    @Test
    void shouldAbortARunningJobOnCancelAndFinishCancelled() {
        f = new LoopFixture(tmp, new FakeEngine().answering("Hello").holdAfter(2), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        f.offer(job);
        f.spinUntil(f.engine::isHeld);

        f.slot.cancel(job.id());

        f.spinUntil(() -> f.committed(f.p0) == 1);
        assertThat(f.text(job.id())).isEqualTo("He");
        assertThat(f.last(job.id()).finishReason()).isEqualTo("cancelled");
        assertThat(f.last(job.id()).seq()).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterAJobWhoseAttemptsWereLostOnTwoBoardsMaxAttemptsTimes() {
        // Given a job that was running when the worker died, and whose history shows 3 attempts lost on 2 boards
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        PoisonMarker marker = new PoisonMarker(tmp);
        marker.begin(job.id(), f.jobsTopic, 0, 0);
        f.history.priors.put(job.id(), new PriorAttempt(false, "", 0, 3, List.of("board-a", "board-b", "w1")));

        // When the restarted worker meets it again
        f.offer(job);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        // Then it is dead-lettered instead of run, and the marker is gone once the dead letter is acknowledged
        assertThat(f.deadLetters()).singleElement().satisfies(d ->
                assertThat(d.reason()).isEqualTo("crashed 3 attempts on 3 boards"));
        assertThat(f.last(job.id()).error().code()).isEqualTo(ErrorCode.POISON_JOB.wire());
        assertThat(f.engine.prompts()).isEmpty();
        assertThat(marker.read()).isNull();
    }

    @Test
    void shouldNotHoldDeathsOnOneBoardAgainstAJob() {
        // Given a board killed from outside three times while it ran the same job (a kill loop), nowhere else
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        PoisonMarker marker = new PoisonMarker(tmp);
        for (int i = 0; i < 3; i++) {
            marker.begin(job.id(), f.jobsTopic, 0, 0);
        }
        f.history.priors.put(job.id(), new PriorAttempt(false, "", 0, 3, List.of("w1", "w1", "w1")));

        // When it meets the job again
        f.offer(job);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        // Then the job runs and is answered
        assertThat(f.deadLetters()).isEmpty();
        assertThat(f.last(job.id()).finishReason()).isIn("stop", "length");
        assertThat(f.last(job.id()).attempt()).isEqualTo(4);
    }

    @Test
    void shouldDeadLetterAJobThatKilledAOneBoardFleetTwiceMaxAttemptsTimesInARow() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        PoisonMarker marker = new PoisonMarker(tmp);
        for (int i = 0; i < 6; i++) {
            marker.begin(job.id(), f.jobsTopic, 0, 0);
        }

        f.offer(job);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.deadLetters()).singleElement().satisfies(d ->
                assertThat(d.reason()).isEqualTo("crashed this board 6 times in a row"));
        assertThat(f.engine.prompts()).isEmpty();
    }

    @Test
    void shouldCountTheAttemptOfAJobMetAgainAfterACrash() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        new PoisonMarker(tmp).begin(job.id(), f.jobsTopic, 0, 0);

        f.offer(job);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.last(job.id()).attempt()).isEqualTo(2);
        assertThat(new PoisonMarker(tmp).read()).isNull();
    }

    @Test
    void shouldReportARuntimeFailureAsAnErrorEventAndCarryOn() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok")
                .failNextRun(new InferenceException(ErrorCode.INVALID_REQUEST, "prompt has 9000 tokens")), true)
                .assigned();
        Job bad = Jobs.completion(MODEL, REPLIES, "long");
        Job next = Jobs.completion(MODEL, REPLIES, "short");
        f.offer(bad);
        f.offer(next);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        assertThat(f.last(bad.id()).error().code()).isEqualTo("invalid_request");
        assertThat(f.last(next.id()).finishReason()).isEqualTo("stop");
    }

    @Test
    void shouldRunAChatJobWithItsCacheAndReportCachedTokens() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        CacheDefinition docs = Jobs.chatCache(MODEL, "docs", "r1", "You answer from the manual.");
        Job first = Jobs.chat(MODEL, REPLIES, docs, "Q1");
        Job second = Jobs.chat(MODEL, REPLIES, docs, "Q2");
        f.offer(first);
        f.offer(second);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        String prefix = "<|im_start|>system\nYou answer from the manual.<|im_end|>\n";
        Event a = f.last(first.id());
        Event b = f.last(second.id());
        assertThat(a.timings().cacheBuildMs()).isGreaterThanOrEqualTo(0);
        // the first built the cache for itself (its prefix was prefilled by the build): nothing saved
        assertThat(a.usage().cachedTokens()).isZero();
        assertThat(a.usage().cacheHit()).isFalse();
        assertThat(b.usage().cachedTokens()).isEqualTo(prefix.length());
        assertThat(b.usage().cacheHit()).isTrue();
        assertThat(f.engine.prompts()).hasSize(3); // one build, two jobs
        assertThat(f.engine.prompts().get(1)).startsWith(prefix).endsWith("<|im_start|>assistant\n");
    }

    @Test
    void shouldRunAJobWithoutACacheWithNoCacheLoaded() {
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        CacheDefinition docs = Jobs.chatCache(MODEL, "docs", "r1", "S");
        f.offer(Jobs.chat(MODEL, REPLIES, docs, "Q1"));
        Job plain = Jobs.chat(MODEL, REPLIES, null, "Q2");
        f.offer(plain);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        assertThat(f.engine.loadedPrefix()).isNull();
        assertThat(f.last(plain.id()).usage().cachedTokens()).isZero();
    }

    @Test
    void shouldFailAJobNamingAnUnknownCache() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        Job job = Jobs.withCache(Jobs.chat(MODEL, REPLIES, null, "Q"), new Job.CacheRef("nope", null), JobKind.CHAT);
        f.offer(job);

        f.spinUntil(() -> f.committed(f.p0) == 1);

        assertThat(f.last(job.id()).error().code()).isEqualTo(ErrorCode.CACHE_NOT_FOUND.wire());
    }

    @Test
    void shouldBuildACacheForACacheBuildJobAndReportIt() {
        f = new LoopFixture(tmp, new FakeEngine(), true).assigned();
        CacheDefinition docs = Jobs.chatCache(MODEL, "docs", "r1", "S");
        Job build = Jobs.withCache(Jobs.chat(MODEL, REPLIES, null, "x"), Job.CacheRef.of(docs), JobKind.CACHE_BUILD);
        Job again = Jobs.withCache(Jobs.chat(MODEL, REPLIES, null, "x"), Job.CacheRef.of(docs), JobKind.CACHE_BUILD);
        f.offer(build);
        f.offer(again);

        f.spinUntil(() -> f.committed(f.p0) == 2);

        assertThat(f.last(build.id()).cacheBuild().built()).isTrue();
        assertThat(f.last(build.id()).cacheBuild().tokens()).isEqualTo("<|im_start|>system\nS<|im_end|>\n".length());
        assertThat(f.last(again.id()).cacheBuild().built()).isFalse();
        assertThat(f.last(again.id()).cacheBuild().sizeBytes()).isPositive();
    }

    @Test
    void shouldRunAFirstAttemptWithoutWaitingForItsStartedToBeAcknowledged() {
        // Given a broker that acknowledges nothing yet, and a job no worker can have run before
        f = new LoopFixture(tmp, new FakeEngine().answering("Hi"), false).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        f.offer(job);

        // When the worker takes it: the runtime runs it while STARTED is in flight, the first chunk follows at once
        f.spinUntil(() -> f.engine.prompts().size() == 1 && f.events(job.id()).size() == 2);
        assertThat(f.events(job.id())).extracting(Event::type).containsExactly(EventType.STARTED, EventType.CHUNK);

        // Then with the acks, the answer follows in order and the job is committed
        f.spinUntil(() -> {
            while (f.producer.completeNext()) {
                // acknowledge everything sent so far
            }
            return f.committed(f.p0) == 1;
        });
        assertThat(f.events(job.id()).get(0).type()).isEqualTo(EventType.STARTED);
        assertThat(f.last(job.id()).type()).isEqualTo(EventType.FINISH);
        assertThat(f.text(job.id())).isEqualTo("Hi");
    }

    @Test
    void shouldWaitForTheStartedOfAJobThatMayHaveCrashedABoardBeforeRunningIt() {
        // Given a job this board's marker says it died running, and a broker that acknowledges nothing yet
        f = new LoopFixture(tmp, new FakeEngine().answering("Hi"), false).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        new PoisonMarker(tmp).begin(job.id(), f.jobsTopic, 0, 0, 1, 1);
        f.history.priors.put(job.id(), new PriorAttempt(false, "", 0, 1, List.of("w1")));
        f.offer(job);

        // When the worker takes it: STARTED goes out, and the runtime waits for its acknowledgement
        f.spinUntil(() -> f.events(job.id()).size() == 1);
        assertThat(f.engine.prompts()).isEmpty();
        assertThat(f.producer.completeNext()).isTrue();

        // Then the runtime runs it
        f.spinUntil(() -> f.engine.prompts().size() == 1);
        assertThat(f.events(job.id()).get(0).attempt()).isEqualTo(2);
    }

    @Test
    void shouldRecordAnAttemptWhoseStartedDiedWithTheProcess() {
        // Given a worker that died running a job's attempt 1, whose STARTED never reached the log
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        Job job = Jobs.completion(MODEL, REPLIES, "Q");
        new PoisonMarker(tmp).begin(job.id(), f.jobsTopic, 0, 0, 1, 1);

        // When the restarted worker meets the job again
        f.offer(job);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        // Then the lost attempt's STARTED is written first, and the job runs as attempt 2
        List<Event> events = f.events(job.id());
        assertThat(events.get(0)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.STARTED);
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.worker()).isEqualTo("w1");
        });
        assertThat(events.get(1).type()).isEqualTo(EventType.STARTED);
        assertThat(f.last(job.id()).attempt()).isEqualTo(2);
        assertThat(f.text(job.id())).isEqualTo("ok");
    }

    @Test
    void shouldRecordALostStartedEvenWhenOtherJobsRanOnTheBoardBeforeTheJobCameBack() {
        // Given a worker that died running a job's attempt 1 (its STARTED never reached the log), restarted, that
        // runs another job first: that job's marker overwrites the one the dead process left
        f = new LoopFixture(tmp, new FakeEngine().answering("ok"), true).assigned();
        Job crashed = Jobs.completion(MODEL, REPLIES, "crashes the board");
        new PoisonMarker(tmp).begin(crashed.id(), f.jobsTopic, 0, 1, 1, 1);
        Job other = Jobs.completion(MODEL, REPLIES, "another");
        f.offer(other);
        f.spinUntil(() -> f.committed(f.p0) == 1);

        // When the job comes back to this board
        f.offer(crashed);
        f.spinUntil(() -> f.committed(f.p0) == 2);

        // Then its lost attempt is in its history before its new one, and the board forgot it
        List<Event> events = f.events(crashed.id());
        assertThat(events.get(0)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.STARTED);
            assertThat(e.attempt()).isEqualTo(1);
        });
        assertThat(f.last(crashed.id()).attempt()).isEqualTo(2);
        assertThat(new PoisonMarker(tmp).lostFor(crashed.id(), f.jobsTopic, 0, 1)).isNull();
    }
}
