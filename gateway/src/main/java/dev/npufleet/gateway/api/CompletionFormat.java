package dev.npufleet.gateway.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import dev.npufleet.protocol.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

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

    /** A chat stream's thinking text: {@code delta.reasoning_content}, as DeepSeek and vLLM stream it. */
    public byte[] reasoningChunk(String text) {
        return write(g -> {
            header(g, true);
            choiceStart(g);
            g.writeObjectFieldStart("delta");
            g.writeStringField("reasoning_content", text);
            g.writeEndObject();
            choiceEnd(g, null);
            g.writeEndObject();
        });
    }

    /** A whole tool call in one delta (id, name and arguments), as OpenAI's stream accumulates them by index. */
    public byte[] toolCallChunk(int index, ToolCall call) {
        return write(g -> {
            header(g, true);
            choiceStart(g);
            g.writeObjectFieldStart("delta");
            g.writeArrayFieldStart("tool_calls");
            writeCall(g, index, call);
            g.writeEndArray();
            g.writeEndObject();
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
        return completion(new Answer(text, "", List.of()), finishReason, usage);
    }

    /**
     * The whole answer, split: {@code content} (null when the answer is only tool calls), {@code reasoning_content}
     * when the model thought, {@code tool_calls} when it called.
     */
    public byte[] completion(Answer answer, String finishReason, Usage usage) {
        return write(g -> {
            header(g, false);
            choiceStart(g);
            if (chat()) {
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                if (answer.content().isEmpty() && !answer.toolCalls().isEmpty()) {
                    g.writeNullField("content");
                } else {
                    g.writeStringField("content", answer.content());
                }
                if (!answer.reasoning().isEmpty()) {
                    g.writeStringField("reasoning_content", answer.reasoning());
                }
                if (!answer.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ToolCall call : answer.toolCalls()) {
                        writeCall(g, -1, call);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            } else {
                String text = answer.content();
                g.writeStringField("text", text);
            }
            choiceEnd(g, CANCELLED.equals(finishReason) ? null : finishReason == null ? "stop" : finishReason);
            writeUsage(g, usage);
            g.writeEndObject();
        });
    }

    /** A chat answer in its parts. */
    public record Answer(String content, String reasoning, List<ToolCall> toolCalls) {
        public Answer {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** @param index the call's index in a stream delta, or -1 in a whole message */
    private static void writeCall(JsonGenerator g, int index, ToolCall call) throws IOException {
        g.writeStartObject();
        if (index >= 0) {
            g.writeNumberField("index", index);
        }
        g.writeStringField("id", call.id());
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", call.function().name());
        g.writeStringField("arguments", call.function().arguments());
        g.writeEndObject();
        g.writeEndObject();
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
