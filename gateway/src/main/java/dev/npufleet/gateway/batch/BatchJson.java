package dev.npufleet.gateway.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.JobJson;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.protocol.BatchRecord;
import dev.npufleet.protocol.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI objects of the batch API: {@code batch}, {@code file}, lists, and the JSONL lines of a
 * batch's output and error files. Times are epoch seconds. Stateless; any thread.
 */
public final class BatchJson {
    private BatchJson() {
    }

    public static ObjectNode batch(BatchRecord batch, BatchState state) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("id", batch.id());
        o.put("object", "batch");
        o.put("endpoint", batch.endpoint());
        o.putNull("errors");
        o.put("input_file_id", batch.inputFileId());
        o.put("completion_window", batch.completionWindow());
        o.put("status", state.status().wire());
        boolean ended = state.status().isTerminal();
        o.put("output_file_id", ended && state.completed() > 0 ? BatchIds.outputFileId(batch.id()) : null);
        o.put("error_file_id", ended && state.failed() > 0 ? BatchIds.errorFileId(batch.id()) : null);
        o.put("created_at", batch.createdAt() / 1000);
        o.put("in_progress_at", batch.createdAt() / 1000);
        o.put("expires_at", state.expiresAt() / 1000);
        o.putNull("finalizing_at");
        o.put("completed_at", state.status() == BatchState.Status.COMPLETED ? state.endedAt() / 1000 : null);
        o.putNull("failed_at");
        o.put("expired_at", state.status() == BatchState.Status.EXPIRED ? state.expiresAt() / 1000 : null);
        o.put("cancelling_at", batch.cancelledAt() > 0 ? batch.cancelledAt() / 1000 : null);
        o.put("cancelled_at", state.status() == BatchState.Status.CANCELLED ? state.endedAt() / 1000 : null);
        ObjectNode counts = o.putObject("request_counts");
        counts.put("total", state.total());
        counts.put("completed", state.completed());
        counts.put("failed", state.failed());
        o.set("metadata", JsonCodec.mapper().valueToTree(batch.metadata()));
        return o;
    }

    public static ObjectNode list(List<ObjectNode> data, boolean hasMore) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("object", "list");
        ArrayNode array = o.putArray("data");
        data.forEach(array::add);
        o.put("first_id", data.isEmpty() ? null : data.get(0).path("id").asText());
        o.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText());
        o.put("has_more", hasMore);
        return o;
    }

    /** OpenAI's {@code file} object. */
    public static ObjectNode file(String id, long bytes, long createdAtMillis, String filename, String purpose) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("id", id);
        o.put("object", "file");
        o.put("bytes", bytes);
        o.put("created_at", createdAtMillis / 1000);
        o.put("filename", filename);
        o.put("purpose", purpose);
        o.put("status", "processed");
        return o;
    }

    public static ObjectNode fileDeleted(String id) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("id", id);
        o.put("object", "file");
        o.put("deleted", true);
        return o;
    }

    /**
     * The JSONL of a finished batch's output file (its completed requests) or error file (its failed, cancelled
     * and expired ones), in input order.
     */
    public static byte[] lines(BatchRecord batch, Map<String, JobSnapshot> jobs, BatchState state, BatchIds.Kind kind) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BatchRecord.Request r : batch.requests()) {
            JobSnapshot job = jobs.get(r.jobId());
            BatchState.Outcome outcome = state.outcome(job);
            if (outcome == BatchState.Outcome.OPEN
                    || (outcome == BatchState.Outcome.COMPLETED) != (kind == BatchIds.Kind.OUTPUT)) {
                continue;
            }
            ObjectNode line = switch (outcome) {
                case COMPLETED -> outputLine(r, job);
                case CANCELLED -> errorLine(r, "batch_cancelled", "The request was cancelled with its batch.");
                case EXPIRED -> errorLine(r, "batch_expired",
                        "The request was not done before the batch's completion window ended.");
                default -> {
                    ApiError e = JobJson.error(job);
                    yield errorLine(r, e.code(), e.message());
                }
            };
            out.writeBytes(JsonCodec.encode(line));
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static ObjectNode outputLine(BatchRecord.Request r, JobSnapshot job) {
        ObjectNode line = lineStart(r);
        ObjectNode response = line.putObject("response");
        response.put("status_code", 200);
        response.put("request_id", r.jobId());
        response.set("body", JobJson.response(job));
        line.putNull("error");
        return line;
    }

    private static ObjectNode errorLine(BatchRecord.Request r, String code, String message) {
        ObjectNode line = lineStart(r);
        line.putNull("response");
        ObjectNode error = line.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return line;
    }

    private static ObjectNode lineStart(BatchRecord.Request r) {
        ObjectNode line = JsonCodec.mapper().createObjectNode();
        line.put("id", "batch_req_" + r.jobId());
        line.put("custom_id", r.customId());
        return line;
    }
}
