package dev.npufleet.nativebridge.bench;

import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.RkllmSession;
import dev.npufleet.nativebridge.RunRequest;
import dev.npufleet.nativebridge.RunResult;
import dev.npufleet.nativebridge.SamplingParams;
import dev.npufleet.nativebridge.SessionConfig;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the native layer on the simulator's {@code demo} model through the real bridge: prefill and
 * decode speed, and time to first token for a 1,000-token prefix plus a 20-token suffix, cold and with
 * the prefix's prompt cache loaded. Prints medians over {@code bench.runs} runs (default 10) for the ABI
 * generation {@code bench.abi} (default 1.3.0).
 *
 * <p>Run: {@code mvn -B -ntp -q -pl native test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.npufleet.nativebridge.bench.PrefillBench -Dnpufleet.native.dir=native/target/classes/native
 * [-Dbench.runs=10] [-Dbench.abi=1.3.0]} (not {@code exec.args}: that would reach the native build's make too).
 */
public final class PrefillBench {
    private static final int PREFIX_TOKENS = 1000;
    private static final int SUFFIX_TOKENS = 20;
    private static final int DECODE_TOKENS = 64;

    private PrefillBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = Integer.getInteger("bench.runs", 10);
        AbiVersion abi = AbiVersion.parse(System.getProperty("bench.abi", "1.3.0"));
        Path dir = Files.createTempDirectory("prefill-bench");
        Path model = dir.resolve("demo.npfsim");
        SimModels.write(model, SimModelSpec.demo());
        // Byte-level tokenizer and the template off: one ASCII character is one token.
        String prefix = text(PREFIX_TOKENS, "The fleet routes each job to the board that holds its cache. ");
        String suffix = text(SUFFIX_TOKENS, "Which board is it? ");
        SessionConfig config = SessionConfig.of(NativeLibrary.simulatorLibrary(abi), abi, model)
                .withMaxContextLen(2048).withMaxNewTokens(DECODE_TOKENS).withSampling(SamplingParams.GREEDY);

        System.out.printf("PrefillBench %s: %s, %d cores, %s %s, Java %s, RKLLM ABI %s, model %s, %d runs%n",
                LocalDate.now(), System.getProperty("os.name"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), NativeLibrary.platform(), System.getProperty("java.version"), abi,
                SimModelSpec.demo(), runs);
        try (RkllmSession session = RkllmSession.open(config)) {
            session.setChatTemplate("", "", "");
            session.run(RunRequest.prompt(prefix + suffix), (id, t) -> { }); // warm-up

            double[] prefillTps = new double[runs];
            double[] decodeTps = new double[runs];
            for (int i = 0; i < runs; i++) {
                RunResult r = session.run(RunRequest.prompt(prefix + suffix), (id, t) -> { });
                prefillTps[i] = r.perf().prefillTokensPerSecond();
                decodeTps[i] = r.perf().generateTokensPerSecond();
            }
            Ttft cold = ttft(session, prefix + suffix, runs);

            Path cache = dir.resolve("prefix.kvc");
            session.run(RunRequest.prompt(prefix).withSavePromptCache(cache), (id, t) -> { });
            session.loadPromptCache(cache);
            Ttft warm = ttft(session, prefix + suffix, runs);

            System.out.printf("prefill: median %.0f tokens/s (%d-token prompt)%n", median(prefillTps),
                    PREFIX_TOKENS + SUFFIX_TOKENS);
            System.out.printf("decode:  median %.1f tokens/s (up to %d tokens)%n", median(decodeTps), DECODE_TOKENS);
            System.out.printf("TTFT cold:         median %.1f ms (prefilled %d tokens)%n", cold.medianMs(),
                    cold.prefillTokens());
            System.out.printf("TTFT prefix cache: median %.1f ms (prefilled %d tokens, cache file %d KiB)%n",
                    warm.medianMs(), warm.prefillTokens(), Files.size(cache) / 1024);
            System.out.printf("ratio cold / cached: %.1fx%n", cold.medianMs() / warm.medianMs());
        }
    }

    private record Ttft(double medianMs, int prefillTokens) {
    }

    /** Wall time from calling run to the first token reaching the sink; the sink then aborts the run. */
    private static Ttft ttft(RkllmSession session, String prompt, int runs) {
        double[] ms = new double[runs];
        List<Integer> prefilled = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long[] first = {0};
            long start = System.nanoTime();
            RunResult r = session.run(RunRequest.prompt(prompt), (id, t) -> {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                    session.abort();
                }
            });
            ms[i] = (first[0] - start) / 1e6;
            prefilled.add(r.perf().prefillTokens());
        }
        if (prefilled.stream().distinct().count() != 1) {
            throw new IllegalStateException("prefill token counts differ between runs: " + prefilled);
        }
        return new Ttft(median(ms), prefilled.get(0));
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String text(int length, String sentence) {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            b.append(sentence);
        }
        return b.substring(0, length);
    }
}
