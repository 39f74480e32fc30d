package dev.npufleet.launcher.bench;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.worker.WorkerConfig;
import dev.npufleet.worker.engine.EngineRequest;
import dev.npufleet.worker.engine.EngineResult;
import dev.npufleet.worker.engine.Engines;
import dev.npufleet.worker.engine.InferenceEngine;
import dev.npufleet.worker.engine.Sampling;
import dev.npufleet.worker.prompt.ChatTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The same prompts straight through the worker's own engine (JNI bridge into the simulator) in
 * this process: no HTTP, no Kafka. What the fleet adds is the fleet's time minus this, measured
 * in the same run on the same machine.
 */
final class DirectBaseline {
    private DirectBaseline() {
    }

    static BenchSummary run(Path modelFile, String board, PromptMix mix, int requests, int warmup, int maxTokens) {
        System.err.println("Running " + requests + " requests directly through the native bridge ...");
        ChatTemplate template = ChatTemplate.named("chatml");
        List<RequestResult> results = new ArrayList<>();
        long wallStart = 0;
        WorkerConfig config = WorkerConfig.fromEnv(env(modelFile, board));
        try (InferenceEngine engine = Engines.open(config.runtime(), config.identity().stateDir())) {
            for (int n = 0; n < warmup + requests; n++) {
                if (n == warmup) {
                    wallStart = System.nanoTime();
                }
                List<ChatMessage> messages = mix.messages(n).stream().map(m -> new ChatMessage(m[0], m[1])).toList();
                RequestResult r = once(engine, template.render(messages, true), maxTokens);
                if (n >= warmup) {
                    results.add(r);
                }
            }
        }
        return BenchSummary.of("direct (native bridge, no HTTP/Kafka)", results,
                Duration.ofNanos(System.nanoTime() - wallStart));
    }

    private static RequestResult once(InferenceEngine engine, String prompt, int maxTokens) {
        long start = System.nanoTime();
        double[] first = {Double.NaN};
        EngineResult result = engine.run(new EngineRequest(prompt, maxTokens, Sampling.GREEDY, 0, null),
                (id, text) -> {
                    if (Double.isNaN(first[0]) && !text.isEmpty()) {
                        first[0] = OpenAiClient.millisSince(start);
                    }
                });
        double e2e = OpenAiClient.millisSince(start);
        return new RequestResult(null, first[0], e2e, result.promptTokens(), result.generateTokens(),
                result.promptTokens() - result.prefillTokens(), result.promptTokens() > result.prefillTokens(),
                "direct", null);
    }

    private static Map<String, String> env(Path modelFile, String board) {
        try {
            Map<String, String> env = new HashMap<>();
            env.put("NPUFLEET_MODEL_PATH", modelFile.toAbsolutePath().toString());
            env.put("NPUFLEET_STATE_DIR", Files.createTempDirectory("npufleet-direct").toString());
            env.put("NPUFLEET_CACHE_DIR", Files.createTempDirectory("npufleet-direct-cache").toString());
            env.put("NPUFLEET_SIM_OPTIONS", "board=" + board);
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
