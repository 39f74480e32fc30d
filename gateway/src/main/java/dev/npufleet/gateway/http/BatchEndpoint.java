package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ApiException;
import dev.npufleet.gateway.api.AsyncJobRequest;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.gateway.api.JsonFields;
import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.gateway.batch.BatchInput;
import dev.npufleet.gateway.batch.BatchJson;
import dev.npufleet.gateway.batch.BatchState;
import dev.npufleet.gateway.batch.StoredFile;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.tracing.GatewayTracing;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.Protocol;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's batch API: {@code POST /v1/batches} checks every line of the input file first, then
 * publishes one asynchronous job per line (each with its ACCEPTED), then the batch record; any
 * failure on the way cancels the jobs already published and answers an error (nothing half-made is
 * shown to the client, who retries). {@code GET /v1/batches/{id}} and {@code GET /v1/batches} compute
 * progress from the jobs' events; {@code POST /v1/batches/{id}/cancel} records the cancel and cancels
 * every job not ended. Request threads only start work; the rest runs on the stores' threads.
 */
final class BatchEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(BatchEndpoint.class);
    private static final String WINDOW = "24h";

    private final GatewayServices services;
    private final BatchViews views;
    private final InferenceRequestParser parser;
    private final JobFactory jobs;
    private final AsyncJobSubmitter submitter;

    BatchEndpoint(GatewayServices services, BatchViews views) {
        this.services = services;
        this.views = views;
        this.parser = new InferenceRequestParser(services.requests().defaultMaxTokens());
        this.jobs = new JobFactory(services);
        this.submitter = new AsyncJobSubmitter(services);
    }

    /** A checked {@code POST /v1/batches} body. */
    private record Create(String inputFileId, String endpoint, Map<String, String> metadata) {
    }

    void create(HttpCall call) {
        // publishing a large file's jobs may outlast Jetty's idle timeout; Kafka's own timeouts bound it
        call.request().addIdleTimeoutListener(timeout -> false);
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            Create request = parse(body);
            String owner = AccessGuard.caller(call).owner();
            answer(call, services.files().get(request.inputFileId())
                    .thenCompose(file -> submit(request, file.filter(f -> Ownership.readable(call, f.owner()))
                            .orElseThrow(() -> ErrorMapping.notFound("file", request.inputFileId()).toException()),
                            owner, GatewayTracing.of(call.request()).context())));
        });
    }

    private static Create parse(byte[] body) {
        ObjectNode root = JsonFields.parseObject(body);
        String file = JsonFields.requiredString(root, "input_file_id", "input_file_id");
        String endpoint = JsonFields.requiredString(root, "endpoint", "endpoint");
        AsyncJobRequest.kind(endpoint, "endpoint");
        String window = JsonFields.requiredString(root, "completion_window", "completion_window");
        if (!window.equals(WINDOW)) {
            throw ErrorMapping.invalidField("completion_window", "'completion_window' must be '24h'.").toException();
        }
        if (!BatchIds.isFileId(file)) {
            throw ErrorMapping.notFound("file", file).toException();
        }
        return new Create(file, endpoint, AsyncJobRequest.metadata(root.get("metadata")));
    }

    /** A job per line; an unknown model or cache on a line is that line's fault (400 naming it). */
    private List<Job> build(List<BatchInput.Line> lines) {
        List<Job> built = new ArrayList<>(lines.size());
        for (BatchInput.Line line : lines) {
            try {
                built.add(jobs.job(line.request(), services.requests().jobTtl()));
            } catch (ApiException e) {
                throw BatchInput.invalid(line.number(), e.error().param(), e.error().message());
            }
        }
        return built;
    }

    private CompletableFuture<ObjectNode> submit(Create request, StoredFile file, String owner, Context trace) {
        List<BatchInput.Line> lines = BatchInput.parse(file.content(), request.endpoint(), parser);
        long createdAt = System.currentTimeMillis();
        // the completion window: each job's deadline (its time to live from its creation) is at or after it
        long expiresAt = createdAt + services.requests().jobTtl().toMillis();
        String batchId = BatchIds.newBatchId();
        List<Job> built = build(lines);
        // every line checked: only now is anything published
        List<BatchRecord.Request> requests = new ArrayList<>(lines.size());
        List<CompletableFuture<Void>> accepted = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Job job = built.get(i);
            BatchInput.Line line = lines.get(i);
            requests.add(new BatchRecord.Request(line.customId(), job.id()));
            accepted.add(submitter.submit(job, new JobAccepted(request.endpoint(), job.model(),
                    line.request().cacheName(), Map.of("batch_id", batchId, "custom_id", line.customId()),
                    job.createdAt(), job.deadline(), owner), trace).accepted());
        }
        BatchRecord batch = new BatchRecord(Protocol.VERSION, batchId, request.endpoint(), request.inputFileId(),
                WINDOW, createdAt, request.metadata(), requests, 0, expiresAt, owner);
        return CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new))
                // the last ack completes on the producer's I/O thread: leave it before sending again (a send
                // that must wait for a topic's metadata would wait on that very thread)
                .thenComposeAsync(ok -> services.batches().put(batch), services.executor())
                .handle((ok, failure) -> {
                    if (failure != null) {
                        LOG.atWarn().log("batch {} not created ({} jobs cancelled): {}", batchId, requests.size(),
                                failure.toString());
                        requests.forEach(r -> services.bus().cancel(r.jobId(), "batch not created"));
                        throw failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
                    }
                    LOG.atInfo().log("batch {} created: {} requests from {}", batchId, requests.size(),
                            request.inputFileId());
                    return BatchJson.batch(batch, BatchState.of(batch, Map.<String, JobSnapshot>of(), expiresAt,
                            System.currentTimeMillis()));
                });
    }

    void get(HttpCall call) {
        answer(call, views.view(call.param(0), AccessGuard.caller(call)).thenApply(views::json));
    }

    void list(HttpCall call) {
        Fields query = QueryParams.of(call.request());
        int limit = limit(query.getValue("limit"));
        String after = query.getValue("after");
        answer(call, services.batches().list().thenCompose(all -> {
            List<BatchRecord> sorted = new ArrayList<>(all.stream()
                    .filter(b -> Ownership.readable(call, b.owner())).toList());
            sorted.sort(Comparator.comparingLong(BatchRecord::createdAt).thenComparing(BatchRecord::id).reversed());
            int from = 0;
            if (after != null && !after.isBlank()) {
                from = indexOf(sorted, after) + 1;
                if (from == 0) {
                    throw ErrorMapping.invalidField("after", "No batch with id '" + after + "'.").toException();
                }
            }
            List<BatchRecord> page = sorted.subList(from, Math.min(sorted.size(), from + limit));
            boolean more = from + limit < sorted.size();
            List<CompletableFuture<ObjectNode>> objects = page.stream().map(b -> views.view(b).thenApply(views::json))
                    .toList();
            return CompletableFuture.allOf(objects.toArray(CompletableFuture[]::new))
                    .thenApply(ok -> BatchJson.list(objects.stream().map(CompletableFuture::join).toList(), more));
        }));
    }

    private static int indexOf(List<BatchRecord> batches, String id) {
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= 100) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ErrorMapping.invalidField("limit", "'limit' must be 1-100, was '" + value + "'.").toException();
    }

    void cancel(HttpCall call) {
        answer(call, views.view(call.param(0), AccessGuard.caller(call)).thenCompose(view -> {
            BatchRecord batch = view.batch();
            if (batch.cancelledAt() > 0) {
                return CompletableFuture.completedFuture(views.json(view));
            }
            if (view.state().status().isTerminal()) {
                throw ErrorMapping.conflict("batch_not_cancellable",
                        "The batch " + batch.id() + " is already " + view.state().status().wire() + ".").toException();
            }
            BatchRecord cancelled = batch.cancelled(System.currentTimeMillis());
            List<String> open = batch.requests().stream().map(BatchRecord.Request::jobId)
                    .filter(id -> view.jobs().get(id) == null || view.jobs().get(id).terminal() == null).toList();
            return services.batches().put(cancelled).thenComposeAsync(ok -> CompletableFuture.allOf(open.stream()
                            .map(id -> services.bus().publishCancel(id, "batch cancelled"))
                            .toArray(CompletableFuture[]::new)), services.executor())
                    .thenApply(ok -> {
                        LOG.atInfo().log("batch {} cancelled: {} jobs not ended were cancelled", batch.id(), open.size());
                        return views.json(new BatchViews.View(cancelled, view.jobs(),
                                BatchState.of(cancelled, view.jobs(), view.state().expiresAt(),
                                        System.currentTimeMillis())));
                    });
        }));
    }

    private static void answer(HttpCall call, CompletableFuture<ObjectNode> body) {
        body.whenComplete((json, failure) -> {
            if (failure != null) {
                call.error(ErrorMapping.fromFailure(failure));
            } else {
                HttpResponses.json(call.response(), call.callback(), 200, json);
            }
        });
    }
}
