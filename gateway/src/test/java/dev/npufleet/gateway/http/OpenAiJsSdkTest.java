package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Usage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI JS SDK against the gateway's HTTP layer (a responder thread plays the worker): chat and
 * completions, streamed and not, models, embeddings, errors, a batch (files upload, create, poll, output download), the
 * tool-calling round trip (call, run the tool, send the result, get the answer; streamed and not) and thinking
 * returned as {@code reasoning_content}.
 * Runs where {@code NPUFLEET_OPENAI_JS_DIR} names a folder with {@code node_modules/openai}
 * ({@code npm install openai} there) and {@code node} is on the path; skipped otherwise.
 */
class OpenAiJsSdkTest {
    private static final Path SCRIPT = Path.of("src/test/sdk/openai-js-check.cjs");

    @Test
    void shouldServeTheOfficialJsSdkStreamedAndNot() throws Exception {
        String dir = System.getenv("NPUFLEET_OPENAI_JS_DIR");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "node_modules", "openai")),
                "NPUFLEET_OPENAI_JS_DIR does not hold node_modules/openai");
        try (HttpHarness harness = new HttpHarness()) {
            Thread worker = new Thread(() -> respond(harness), "scripted-worker");
            worker.setDaemon(true);
            worker.start();
            ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toAbsolutePath().toString(),
                    "http://127.0.0.1:" + harness.port() + "/v1").redirectErrorStream(true);
            node.environment().put("NODE_PATH", Path.of(dir, "node_modules").toString());
            Process process = node.start();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ended).as("node finished: " + output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("OPENAI-JS-SDK-OK");
            worker.interrupt();
        }
    }

    /**
     * Answers every job "Hello, SDK" in two chunks, or fails it after one chunk when the user said "fail"; into the
     * events log too, where batches are read from.
     */
    private static void respond(HttpHarness harness) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Job job = harness.bus.jobs.take().job();
                harness.publish(Events.started(job.id()));
                if (job.kind() == JobKind.EMBEDDING) { // one vector per input: (0.6, 0.8), then (1, 0)
                    List<String> vectors = new ArrayList<>();
                    for (int i = 0; i < job.messages().size(); i++) {
                        vectors.add(i == 0 ? EmbeddingsHttpTest.base64(0.6f, 0.8f) : EmbeddingsHttpTest.base64(1f, 0f));
                    }
                    harness.publish(Event.embedded(job.id(), Events.BOARD, 1, vectors, Usage.of(7, 0, 0), null));
                    continue;
                }
                String scripted = scripted(job);
                if (scripted != null) {
                    answerInPieces(harness, job, scripted);
                    continue;
                }
                harness.publish(Events.chunk(job.id(), 0, "Hello"));
                boolean fail = !job.messages().isEmpty()
                        && job.messages().get(job.messages().size() - 1).content().equals("fail");
                if (fail) {
                    harness.publish(Events.error(job.id(), ErrorCode.RUNTIME_ERROR, "NPU fault"));
                    continue;
                }
                harness.publish(Events.chunk(job.id(), 5, ", SDK"));
                harness.publish(Events.finish(job.id(), 10, new Usage(9, 3, 12, 4, true)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a Qwen-style model writes for the tool-calling and thinking checks: a call when offered the tool, the
     * answer once the history holds the call and its result (checked to be rendered faithfully), thinking when
     * switched on; null for the other checks.
     */
    private static String scripted(Job job) {
        List<ChatMessage> ms = job.messages();
        if (ms.isEmpty()) {
            return null; // a completion
        }
        ChatMessage last = ms.get(ms.size() - 1);
        if (last.role().equals("tool")) {
            ChatMessage call = ms.get(ms.size() - 2);
            boolean faithful = call.role().equals("assistant") && call.toolCalls().size() == 1
                    && call.toolCalls().get(0).id().equals(last.toolCallId())
                    && call.toolCalls().get(0).function().name().equals("get_weather")
                    && last.content().equals("{\"temp\":3}");
            return faithful ? "It is 3 degrees in Oslo." : "the history lost the call";
        }
        if (job.chatOptions().offersTools() && last.content().contains("weather")) {
            return "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
        }
        if (Boolean.TRUE.equals(job.chatOptions().enableThinking())) {
            return "<think>\nThe user greets me.\n</think>\n\nHello, SDK";
        }
        return null;
    }

    /** The text in chunks of 4 code points, so that tags arrive split as a real stream splits them. */
    private static void answerInPieces(HttpHarness harness, Job job, String text) {
        int n = text.codePointCount(0, text.length());
        for (int at = 0; at < n; at += 4) {
            int from = text.offsetByCodePoints(0, at);
            int to = text.offsetByCodePoints(0, Math.min(n, at + 4));
            harness.publish(Events.chunk(job.id(), at, text.substring(from, to)));
        }
        harness.publish(Events.finish(job.id(), n, new Usage(20, n, 20 + n, 0, false)));
    }
}
