package dev.npufleet.worker.job;

import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Job;
import dev.npufleet.worker.metrics.WorkerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NPU slot: receives job records from the consumer thread, dead-letters malformed ones at once
 * and runs the others, one at a time, on its own job thread. Owns that thread.
 */
public final class JobExecutor implements RecordHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);

    private final JobServices s;
    private final JobDecoder decoder;
    private final JobProcessor processor;
    private final ExecutorService jobThread;

    public JobExecutor(JobServices services) {
        this.s = services;
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
        RecordContext ctx = new RecordContext(record.topic(), record.partition(), record.offset(), record.key(),
                record.timestamp(), mayHaveRun);
        JobDecoder.Decoded decoded = decoder.decode(record.value());
        if (decoded instanceof JobDecoder.Malformed bad) {
            LOG.atWarn().addKeyValue("board", s.identity().workerId()).addKeyValue("partition", ctx.partition())
                    .addKeyValue("offset", ctx.offset()).log("Dead-lettering a job record: {}", bad.reason());
            s.tracking().metrics().job(WorkerMetrics.Outcome.DEAD_LETTERED);
            return s.output().deadLetters().send(ctx, record.value(), bad.reason(), bad.jobId(), bad.replyTo(),
                    ErrorInfo.of(bad.code(), bad.reason()), 1).thenApply(v -> RecordOutcome.DONE);
        }
        Job job = ((JobDecoder.Valid) decoded).job();
        RunControl control = s.tracking().slot().admit(job.id());
        return CompletableFuture.supplyAsync(() -> processor.process(job, ctx, control, record.value()), jobThread)
                .thenCompose(f -> f)
                .whenComplete((outcome, error) -> s.tracking().slot().release(control));
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
