package dev.npufleet.worker.job;

import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.worker.metrics.WorkerMetrics;
import dev.npufleet.worker.tracing.JobTrace;
import dev.npufleet.worker.tracing.WorkerTracing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NPU slot: receives job records from the consumer thread, dead-letters malformed ones at once
 * and runs the others, one at a time, on its own job thread. Owns that thread. A job whose reply topic
 * can never take its events (see {@link ReplyTopics}) is dead-lettered too, before it runs or when a send
 * is refused, so that its partition moves on instead of running it again forever.
 */
public final class JobExecutor implements RecordHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);

    private final JobServices s;
    private final JobDecoder decoder;
    private final JobProcessor processor;
    private final ExecutorService jobThread;
    private final ReplyTopics replies;
    private final WorkerTracing tracing;

    public JobExecutor(JobServices services) {
        this(services, ReplyTopics.UNCHECKED);
    }

    public JobExecutor(JobServices services, ReplyTopics replies) {
        this(services, replies, WorkerTracing.off());
    }

    public JobExecutor(JobServices services, ReplyTopics replies, WorkerTracing tracing) {
        this.s = services;
        this.tracing = tracing;
        this.replies = replies;
        this.decoder = new JobDecoder(services.identity().model());
        this.processor = new JobProcessor(services);
        this.jobThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "npu-slot-" + services.identity().workerId());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<RecordOutcome> handle(ConsumerRecord<String, byte[]> record, boolean mayHaveRun) {
        return handle(record, mayHaveRun, System.nanoTime());
    }

    @Override
    public CompletableFuture<RecordOutcome> handle(ConsumerRecord<String, byte[]> record, boolean mayHaveRun,
            long polledNanos) {
        JobDecoder.Decoded decoded = decoder.decode(record.value());
        JobTrace trace = decoded instanceof JobDecoder.Valid valid ? tracing.start(record, valid.job(), polledNanos)
                : JobTrace.NONE;
        RecordContext ctx = new RecordContext(record.topic(), record.partition(), record.offset(), record.key(),
                record.timestamp(), mayHaveRun, polledNanos, trace);
        if (decoded instanceof JobDecoder.Malformed bad) {
            LOG.atWarn().addKeyValue("board", s.identity().workerId()).addKeyValue("partition", ctx.partition())
                    .addKeyValue("offset", ctx.offset()).log("Dead-lettering a job record: {}", bad.reason());
            s.tracking().metrics().job(WorkerMetrics.Outcome.DEAD_LETTERED);
            return s.output().deadLetters().send(ctx, record.value(), bad.reason(), bad.jobId(), bad.replyTo(),
                    ErrorInfo.of(bad.code(), bad.reason()), 1).thenApply(v -> RecordOutcome.DONE);
        }
        Job job = ((JobDecoder.Valid) decoded).job();
        RunControl control = s.tracking().slot().admit(job.id());
        return CompletableFuture.supplyAsync(() -> checked(job, ctx, control, record.value()), jobThread)
                .thenCompose(f -> f)
                // on the job thread: a send from the producer's I/O thread could wait there for metadata
                .exceptionallyComposeAsync(error -> ReplyTopics.undeliverable(error)
                        .map(reason -> undeliverable(job, ctx, record.value(), reason, true))
                        .orElseGet(() -> CompletableFuture.failedFuture(error)), jobThread)
                .whenComplete((outcome, error) -> {
                    s.tracking().slot().release(control);
                    trace.end(outcome == null ? null : outcome.name(), error);
                });
    }

    private CompletableFuture<RecordOutcome> checked(Job job, RecordContext ctx, RunControl control, byte[] value) {
        return replies.undeliverable(job.replyTo()).map(reason -> undeliverable(job, ctx, value, reason, false))
                .orElseGet(() -> processor.process(job, ctx, control, value));
    }

    /**
     * Dead-letters a job whose events cannot reach its reply topic; committed once the DLQ record is acknowledged.
     * The job's client is told by an ERROR event where the topic exists ({@code tellClient}), as far as it goes.
     */
    private CompletableFuture<RecordOutcome> undeliverable(Job job, RecordContext ctx, byte[] value, String reason,
            boolean tellClient) {
        LOG.atWarn().addKeyValue("jobId", job.id()).addKeyValue("board", s.identity().workerId())
                .addKeyValue("partition", ctx.partition()).log("Dead-lettering a job whose reply cannot be delivered: {}",
                        reason);
        s.tracking().metrics().job(WorkerMetrics.Outcome.DEAD_LETTERED);
        if (tellClient) {
            s.output().sink().send(job.replyTo(), job.id(), Event.error(job.id(), s.identity().workerId(), 1,
                    ErrorInfo.of(ErrorCode.UNDELIVERABLE_REPLY, reason)), ctx.trace().context()); // best effort
        }
        return s.output().deadLetters().send(ctx, value, reason, job.id(), null, null, 1).thenApply(v -> RecordOutcome.DONE);
    }

    @Override
    public void abortRunning(AbortReason reason) {
        s.tracking().slot().abortCurrent(reason);
    }

    /** Stops the job thread, waiting up to {@code millis} for a running job to return. */
    public void close(long millis) {
        jobThread.shutdown();
        try {
            if (!jobThread.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                LOG.atWarn().addKeyValue("board", s.identity().workerId()).log("Job thread still busy at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
