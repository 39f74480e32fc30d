package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs through the real bridge into the simulator, for both ABI generations. */
class RkllmSessionIT {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldStreamTokensAndReportTheRuntimesPerfStats(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            Collected out = new Collected();

            RunResult result = session.run(RunRequest.prompt("Hello, who are you?"), out);

            assertThat(result.outcome()).isEqualTo(RunOutcome.FINISHED);
            assertThat(out.tokens).isPositive().isLessThanOrEqualTo(SimFixture.NEW_TOKENS);
            assertThat(result.perf().generateTokens()).isEqualTo(out.tokens);
            assertThat(result.promptTokens()).isGreaterThan("Hello, who are you?".length());
            assertThat(result.perf().prefillTokens()).isEqualTo(result.promptTokens());
            assertThat(result.perf().prefillTimeMs()).isPositive();
            assertThat(result.perf().memoryUsageMb()).isPositive();
            assertThat(out.text()).isEqualTo(out.decodedRawBytes()).isNotEmpty();
            assertThat(session.abi()).isEqualTo(abi);
            assertThat(session.isRunning()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldGiveTheSameTokensForTheSameSeedAndOthersForOtherSeeds(AbiVersion abi) {
        SessionConfig config = SimFixture.config(abi, SimFixture.tinyModel(dir)).withSampling(SamplingParams.defaults());
        try (RkllmSession session = RkllmSession.open(config)) {
            RunRequest request = RunRequest.prompt("Tell me a story").withSeed(42L);

            Collected first = new Collected();
            session.run(request, first);
            Collected again = new Collected();
            session.run(RunRequest.prompt("unrelated run in between").withSeed(7L), new Collected());
            session.run(request, again);
            Set<String> others = new HashSet<>();
            for (long seed = 1; seed <= 4; seed++) {
                Collected other = new Collected();
                session.run(request.withSeed(seed), other);
                others.add(other.text());
            }

            assertThat(again.tokenIds()).isEqualTo(first.tokenIds()).isNotEmpty();
            assertThat(others).as("four other seeds").hasSizeGreaterThan(1);
        }
    }

    /**
     * A worker continues a half-answered seeded job from the delivered text: prompt + text, prefilled, with the tokens
     * left. The simulator's draw at a position depends on the seed and the position only, so that writes the rest of
     * the uninterrupted run.
     */
    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldContinueASeededRunFromItsOwnTextAsTheUninterruptedRunGoesOn(AbiVersion abi) {
        SessionConfig config = SimFixture.config(abi, SimFixture.tinyModel(dir))
                .withSampling(new SamplingParams(40, 0.95f, 1.2f, 1.1f, 0f, 0f));
        String prompt = "Write a short story about the river. ";
        Collected whole = new Collected();
        try (RkllmSession session = SimFixture.rawSession(config)) {
            session.run(RunRequest.prompt(prompt).withSeed(42L), whole);
        }
        String text = whole.text();
        assertThat(text).hasSizeGreaterThan(4);

        for (int cut : new int[] {1, text.length() / 3, text.length() / 2, text.length() - 1}) {
            String delivered = text.substring(0, Character.isLowSurrogate(text.charAt(cut)) ? cut + 1 : cut);
            int used = delivered.getBytes(StandardCharsets.UTF_8).length; // one token per byte
            Collected rest = new Collected();
            try (RkllmSession session = SimFixture.rawSession(config.withMaxNewTokens(SimFixture.NEW_TOKENS - used))) {
                session.run(RunRequest.prompt(prompt + delivered).withSeed(42L), rest);
            }

            assertThat(delivered + rest.text()).as("continued after %d characters", delivered.length())
                    .isEqualTo(text);
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldRunTokenIdsLikeTheTextTheyEncode(AbiVersion abi) {
        try (RkllmSession session = SimFixture.rawSession(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            String prompt = "The quick brown fox";
            int[] ids = prompt.chars().toArray(); // byte-level tokenizer: ASCII bytes are token ids

            Collected fromText = new Collected();
            RunResult textResult = session.run(RunRequest.prompt(prompt), fromText);
            Collected fromIds = new Collected();
            RunResult idsResult = session.run(RunRequest.tokens(ids), fromIds);

            assertThat(idsResult.promptTokens()).isEqualTo(ids.length).isEqualTo(textResult.promptTokens());
            assertThat(fromIds.tokenIds()).isEqualTo(fromText.tokenIds());
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldKeepTheKvCacheOnlyWhenHistoryIsKept(AbiVersion abi) {
        try (RkllmSession session = SimFixture.rawSession(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            RunResult kept = session.run(RunRequest.prompt("remember me").withKeepHistory(true), new Collected());
            int afterKept = session.kvCacheSize();
            session.clearKvCache(false);
            int afterClear = session.kvCacheSize();
            session.run(RunRequest.prompt("forget me"), new Collected());

            int held = kept.promptTokens() + kept.perf().generateTokens();
            assertThat(afterKept).as("prompt, output and maybe the end token").isBetween(held, held + 1);
            assertThat(afterClear).isZero();
            assertThat(session.kvCacheSize()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldCapGeneratedTokensPerRunWhereTheAbiAllows(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            RunRequest request = RunRequest.prompt("Count: one two three").withMaxNewTokens(3);
            if (abi == AbiVersion.V1_3_0) {
                Collected out = new Collected();
                assertThat(session.run(request, out).perf().generateTokens()).isEqualTo(3);
                assertThat(out.tokens).isEqualTo(3);
            } else {
                assertThatThrownBy(() -> session.run(request, new Collected()))
                        .isInstanceOf(RkllmException.class)
                        .hasMessageContaining("1.2.x fixes maxNewTokens")
                        .extracting(e -> ((RkllmException) e).status()).isEqualTo(NativeStatus.UNSUPPORTED);
                assertThatThrownBy(() -> session.run(RunRequest.prompt("x").withSampling(SamplingParams.defaults()),
                        new Collected())).isInstanceOf(RkllmException.class).hasMessageContaining("fixes sampling");
                // What the session was opened with is always fine.
                Collected out = new Collected();
                session.run(RunRequest.prompt("x").withSampling(SamplingParams.GREEDY)
                        .withMaxNewTokens(SimFixture.NEW_TOKENS), out);
                assertThat(out.tokens).isPositive();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AbiVersion.class, names = "V1_3_0") // 1.2.x has no per-run sampling
    void shouldApplyPerRunSamplingOn130(AbiVersion abi) {
        SessionConfig config = SimFixture.config(abi, SimFixture.tinyModel(dir)).withSampling(SamplingParams.defaults());
        try (RkllmSession session = RkllmSession.open(config)) {
            Collected greedyA = new Collected();
            Collected greedyB = new Collected();
            session.run(RunRequest.prompt("Once upon").withSampling(SamplingParams.GREEDY).withSeed(1L), greedyA);
            session.run(RunRequest.prompt("Once upon").withSampling(SamplingParams.GREEDY).withSeed(2L), greedyB);

            assertThat(greedyB.tokenIds()).as("greedy ignores the seed").isEqualTo(greedyA.tokenIds());
        }
    }

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldTakeSimulatorOptionsAndRefuseUnknownOnes(AbiVersion abi) {
        try (RkllmSession session = RkllmSession.open(SimFixture.config(abi, SimFixture.tinyModel(dir)))) {
            assertThat(session.setSimulatorOption("slow_ms_per_token", "0")).isTrue();
            assertThatThrownBy(() -> session.setSimulatorOption("no_such_option", "1"))
                    .isInstanceOf(RkllmException.class)
                    .hasMessageContaining("no_such_option")
                    .extracting(e -> ((RkllmException) e).status()).isEqualTo(NativeStatus.INVALID_ARGUMENT);
        }
    }
}
