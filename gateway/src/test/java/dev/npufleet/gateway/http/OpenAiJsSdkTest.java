package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.Usage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI JS SDK against the gateway's HTTP layer (a responder thread plays the worker): chat and
 * completions, streamed and not, models, errors, and a batch (files upload, create, poll, output download).
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
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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
}
