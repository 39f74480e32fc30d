package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.jobs.JobSnapshot;
import dev.npufleet.gateway.jobs.JobStatus;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JobAccepted;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code job} object of the asynchronous jobs API:
 * {@code {"id","object":"job","endpoint","model","status","created_at","metadata", ...}}, with
 * {@code response} (exactly the body the synchronous endpoint would have answered) once the job
 * completed or was cancelled, and an OpenAI-shaped {@code error} once it failed. Times are epoch
 * seconds, as in OpenAI's objects. Stateless; any thread.
 */
public final class JobJson {
    private JobJson() {
    }

    /** The object for a known job ({@link JobSnapshot#known()}). */
    public static ObjectNode job(JobSnapshot job) {
        return job(job, job.status().wire());
    }

    /**
     * The answer to a cancel of a job still queued or running: status {@code cancelling}. The log shows the job
     * {@code cancelled} once its worker confirms (its FINISH with {@code finish_reason} {@code cancelled}).
     */
    public static ObjectNode cancelling(JobSnapshot job) {
        return job(job, "cancelling");
    }

    private static ObjectNode job(JobSnapshot job, String status) {
        JobAccepted accepted = job.accepted();
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("id", job.jobId());
        o.put("object", "job");
        o.put("endpoint", accepted.endpoint());
        o.put("model", accepted.model());
        o.put("status", status);
        o.put("created_at", accepted.createdAt() / 1000);
        o.put("expires_at", accepted.deadline() > 0 ? accepted.deadline() / 1000 : null);
        if (job.started() != null) {
            o.put("started_at", job.started().timestamp() / 1000);
        }
        if (job.worker() != null) {
            o.put("worker", job.worker());
        }
        o.set("metadata", JsonCodec.mapper().valueToTree(accepted.metadata()));
        Event end = job.terminal();
        if (end == null) {
            o.put("output_chars", job.text().codePointCount(0, job.text().length()));
            return o;
        }
        o.put(job.status().wire() + "_at", end.timestamp() / 1000);
        if (job.status() == JobStatus.FAILED) {
            o.set("error", error(job).toJson().get("error"));
        } else {
            o.set("response", response(job));
        }
        return o;
    }

    /** The body the synchronous endpoint answers for the job's FINISH. */
    public static JsonNode response(JobSnapshot job) {
        JobAccepted accepted = job.accepted();
        JobKind kind = AsyncJobRequest.kind(accepted.endpoint(), "endpoint");
        Event finish = job.terminal();
        if (kind == JobKind.EMBEDDING) { // a cancelled embedding job has no vectors: no response body
            return finish.embeddings() == null ? JsonCodec.mapper().nullNode()
                    : EmbeddingsJson.openAi(accepted.model(), finish, false);
        }
        CompletionFormat format = CompletionFormat.of(kind, job.jobId(), accepted.model(), accepted.createdAt(),
                accepted.cache());
        try {
            if (!format.kind().equals(dev.npufleet.protocol.JobKind.CHAT)) {
                return JsonCodec.mapper().readTree(format.completion(job.text(), finish.finishReason(), finish.usage()));
            }
            // the request's tools are not kept with the job: tagged calls and thinking are split, as they stream
            CompletionFormat.Answer answer = AnswerParts.of(new AnswerSplitter(job.started() != null
                    && job.started().thinkingOpen(), java.util.Set.of(), true, "call_" + job.jobId().replace("-", "")
                    .substring(0, 20) + "_"), job.text());
            String reason = answer.toolCalls().isEmpty() ? finish.finishReason() : "tool_calls";
            return JsonCodec.mapper().readTree(format.completion(answer, reason, finish.usage()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON we wrote cannot fail", e);
        }
    }

    /** The error the synchronous endpoint answers for the job's ERROR. */
    public static ApiError error(JobSnapshot job) {
        Event end = job.terminal();
        ErrorInfo info = end.error() != null ? end.error()
                : ErrorInfo.of(ErrorCode.INTERNAL, "the worker reported an error without details");
        return ErrorMapping.fromWorker(info);
    }
}
