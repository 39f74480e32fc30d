package dev.npufleet.worker.job;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import dev.npufleet.worker.engine.EmbeddingResult;
import dev.npufleet.worker.metrics.WorkerMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedding job on the NPU: each input (one per message) through the engine's last-hidden-layer mode, in order,
 * then one FINISH carrying the vectors (base64 of little-endian float32, as OpenAI's {@code encoding_format: base64}),
 * the prompt tokens as usage and the summed prefill time. A cancel between inputs ends it as cancelled. Job thread.
 */
final class EmbeddingRun {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingRun.class);

    private final JobServices s;
    private final Job job;
    private final RunControl control;
    private final ChunkPublisher chunks;
    private final long startNanos = System.nanoTime();

    EmbeddingRun(JobServices services, Job job, RunControl control, ChunkPublisher chunks) {
        this.s = services;
        this.job = job;
        this.control = control;
        this.chunks = chunks;
    }

    CompletableFuture<RecordOutcome> run(long queueMs) {
        s.prompting().caches().useNone(); // every input's states are computed, none taken from a loaded cache
        List<String> vectors = new ArrayList<>(job.messages().size());
        int tokens = 0;
        double prefillMs = 0;
        for (ChatMessage input : job.messages()) {
            if (control.aborted()) {
                break;
            }
            EmbeddingResult r = s.prompting().engine().embed(input.content());
            vectors.add(encode(r.vector()));
            tokens += r.tokens();
            prefillMs += r.prefillMs();
        }
        AbortReason reason = control.reason();
        if (reason != null && reason.abandonsJob()) {
            return CompletableFuture.completedFuture(RecordOutcome.ABANDONED);
        }
        String board = s.identity().workerId();
        if (vectors.size() < job.messages().size()) {
            s.tracking().metrics().job(WorkerMetrics.Outcome.CANCELLED);
            return chunks.finish(Event.finish(job.id(), board, chunks.attempt(), 0, "cancelled", Usage.of(tokens, 0, 0),
                    null, null)).thenApply(v -> RecordOutcome.DONE);
        }
        long totalMs = (System.nanoTime() - startNanos) / 1_000_000;
        double rate = prefillMs > 0 ? tokens * 1000.0 / prefillMs : 0;
        s.tracking().metrics().job(WorkerMetrics.Outcome.FINISHED);
        LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("board", board).addKeyValue("model", s.identity().model())
                .log("Embedded {} inputs, {} tokens in {} ms ({} tokens/s prefill)", vectors.size(), tokens, totalMs,
                        Math.round(rate));
        return chunks.finish(Event.embedded(job.id(), board, chunks.attempt(), vectors, Usage.of(tokens, 0, 0),
                new Timings(queueMs, 0, prefillMs, 0, 0, rate, totalMs))).thenApply(v -> RecordOutcome.DONE);
    }

    /** Little-endian float32, base64: the wire form of a vector (OpenAI's base64 encoding, 4/3 of the raw size). */
    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
