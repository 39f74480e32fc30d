package dev.npufleet.gateway.http;

import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.tenancy.Caller;
import dev.npufleet.gateway.batch.BatchJson;
import dev.npufleet.gateway.batch.BatchState;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.BatchRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads batches back: the record from the batch store, then its jobs' events from the job log (from
 * the batch's creation on), folded into a {@link View}. Shared by the batch and file endpoints (a
 * finished batch's output and error files are computed, not stored). Any thread; never blocks.
 */
final class BatchViews {
    private final GatewayServices services;

    BatchViews(GatewayServices services) {
        this.services = services;
    }

    /** A batch, its jobs as the log shows them now, and the progress they make. */
    record View(BatchRecord batch, Map<String, JobSnapshot> jobs, BatchState state) {
    }

    /**
     * The batch, or a failed future with a 404 {@code ApiException} when there is none that {@code caller} may see
     * (another key's batch is answered as if it did not exist).
     */
    CompletableFuture<View> view(String batchId, Caller caller) {
        if (!BatchIds.isBatchId(batchId)) {
            return CompletableFuture.failedFuture(ErrorMapping.notFound("batch", batchId).toException());
        }
        return services.batches().get(batchId).thenCompose(found -> {
            BatchRecord batch = found.filter(b -> caller.mayRead(b.owner()))
                    .orElseThrow(() -> ErrorMapping.notFound("batch", batchId).toException());
            return view(batch);
        });
    }

    CompletableFuture<View> view(BatchRecord batch) {
        List<String> ids = batch.requests().stream().map(BatchRecord.Request::jobId).toList();
        return services.jobLog().readAll(ids, batch.createdAt())
                .thenApply(jobs -> new View(batch, jobs, BatchState.of(batch, jobs, expiresAt(batch),
                        System.currentTimeMillis())));
    }

    /** The end of the batch's completion window (for a record from before it was stored: the configured one). */
    private long expiresAt(BatchRecord batch) {
        return batch.expiresAt() > 0 ? batch.expiresAt() : batch.createdAt() + services.requests().jobTtl().toMillis();
    }

    /** The batch object for a view. */
    com.fasterxml.jackson.databind.node.ObjectNode json(View view) {
        return BatchJson.batch(view.batch(), view.state());
    }
}
