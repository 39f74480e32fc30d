package dev.npufleet.gateway.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the OpenAI response objects of one request: {@code chat.completion.chunk} /
 * {@code text_completion} chunks when streaming, {@code chat.completion} / {@code text_completion}
 * objects when not. Streaming generators, not trees: this runs once per relayed chunk.
 * Immutable; any thread.
 *
 * @param id the response id: {@code chatcmpl-<job id>} or {@code cmpl-<job id>}
 * @param created epoch seconds of the request
 * @param cacheName the named cache the request used, reported in {@code usage.cached_prompts}; or null
 */
public record CompletionFormat(JobKind kind, String id, String model, long created, String cacheName) {
    private static final JsonFactory FACTORY = JsonCodec.mapper().getFactory();

    public static CompletionFormat of(JobKind kind, String jobId, String model, long createdMillis, String cacheName) {
        String prefix = kind == JobKind.CHAT ? "chatcmpl-" : "cmpl-";
        return new CompletionFormat(kind, prefix + jobId, model, createdMillis / 1000, cacheName);
    }

    private boolean chat() {
        return kind == JobKind.CHAT;
    }

    /** The first chunk of a chat stream: the assistant role, no text. Completions have none. */
    public byte[] roleChunk() {
        return write(g -> {
            header(g, true);
            choiceStart(g);
            g.writeObjectFieldStart("delta");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
            g.writeEndObject();
            choiceEnd(g, null);
            g.writeEndObject();
        });
    }

    public byte[] textChunk(String text) {
        return write(g -> {
            header(g, true);
            choiceStart(g);
            if (chat()) {
                g.writeObjectFieldStart("delta");
                g.writeStringField("content", text);
                g.writeEndObject();
            } else {
                g.writeStringField("text", text);
            }
            choiceEnd(g, null);
            g.writeEndObject();
        });
    }

    public byte[] finishChunk(String finishReason) {
        return write(g -> {
            header(g, true);
            choiceStart(g);
            if (chat()) {
                g.writeObjectFieldStart("delta");
                g.writeEndObject();
            } else {
                g.writeStringField("text", "");
            }
            choiceEnd(g, finishReason == null ? "stop" : finishReason);
            g.writeEndObject();
        });
    }

    /** The extra chunk {@code stream_options.include_usage} asks for: no choices, the usage. */
    public byte[] usageChunk(Usage usage) {
        return write(g -> {
            header(g, true);
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            writeUsage(g, usage);
            g.writeEndObject();
        });
    }

    /** The wire's {@code finish_reason} of a job a cancel stopped; not one of OpenAI's, so never shown as one. */
    public static final String CANCELLED = "cancelled";

    /**
     * The whole answer of a request that did not stream. A cancelled job's partial answer (the jobs API shows it)
     * has {@code finish_reason} null: it did not finish, and OpenAI has no reason for that.
     */
    public byte[] completion(String text, String finishReason, Usage usage) {
        return write(g -> {
            header(g, false);
            choiceStart(g);
            if (chat()) {
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                g.writeStringField("content", text);
                g.writeEndObject();
            } else {
                g.writeStringField("text", text);
            }
            choiceEnd(g, CANCELLED.equals(finishReason) ? null : finishReason == null ? "stop" : finishReason);
            writeUsage(g, usage);
            g.writeEndObject();
        });
    }

    private void header(JsonGenerator g, boolean chunk) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", chat() ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeNullField("system_fingerprint");
    }

    private static void choiceStart(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
    }

    private static void choiceEnd(JsonGenerator g, String finishReason) throws IOException {
        g.writeNullField("logprobs");
        if (finishReason == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finishReason);
        }
        g.writeEndObject();
        g.writeEndArray();
    }

    /** The chunk object is closed by the caller (so a chunk's {@code choices} and {@code usage} sit side by side). */
    private void writeUsage(JsonGenerator g, Usage usage) throws IOException {
        Usage u = usage == null ? Usage.of(0, 0, 0) : usage;
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedTokens());
        g.writeEndObject();
        // RockchipLlama's fields: whether a cache saved prefill, and which named caches were used.
        g.writeBooleanField("cache_hit", u.cacheHit());
        if (cacheName == null) {
            g.writeNullField("cached_prompts");
        } else {
            g.writeArrayFieldStart("cached_prompts");
            g.writeString(cacheName);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }
}
