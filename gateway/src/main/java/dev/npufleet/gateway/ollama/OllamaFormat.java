package dev.npufleet.gateway.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.CompletionFormat;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.ToolCall;
import dev.npufleet.protocol.Usage;
import java.time.Instant;
import java.util.List;

/**
 * Writes the response objects of one Ollama {@code /api/chat} or {@code /api/generate} request: the {@code done:false}
 * objects of a stream, the final {@code done:true} object with its statistics, and Ollama's error object.
 *
 * <p>The statistics come from the board's own measurements (nanoseconds): {@code prompt_eval_duration} is the
 * runtime's prefill time, {@code eval_duration} its generation time ({@code eval_count} over its decode rate),
 * {@code load_duration} the time the board spent building the named cache first (a board's model is always loaded),
 * {@code total_duration} the gateway's time from the request's arrival to the job's end (Kafka and the queue
 * included). {@code prompt_eval_cached_count} is the prompt tokens a cache saved. Immutable; any thread.
 *
 * @param chat true for {@code /api/chat} ({@code message}), false for {@code /api/generate} ({@code response})
 * @param model the model name as the client wrote it, echoed back as Ollama does
 */
public record OllamaFormat(boolean chat, String model) {

    /** A {@code done:false} object carrying {@code text}. */
    public byte[] chunk(String text) {
        ObjectNode o = head(text);
        o.put("done", false);
        return JsonCodec.encode(o);
    }

    /** A {@code done:false} object carrying reasoning ({@code thinking}, as Ollama's {@code think} streams it). */
    public byte[] thinking(String text) {
        ObjectNode o = head("");
        (chat ? (ObjectNode) o.get("message") : o).put("thinking", text);
        o.put("done", false);
        return JsonCodec.encode(o);
    }

    /** A {@code done:false} object carrying one tool call ({@code message.tool_calls}, arguments as an object). */
    public byte[] toolCall(ToolCall call) {
        ObjectNode o = head("");
        toolCalls(o, List.of(call));
        o.put("done", false);
        return JsonCodec.encode(o);
    }

    /**
     * The final object: {@code done:true}, {@code done_reason} and the statistics.
     *
     * @param text the whole answer when not streamed; empty at the end of a stream
     */
    public byte[] last(String text, Event finish, long elapsedNanos) {
        return last(new CompletionFormat.Answer(text, "", List.of()), finish.finishReason(), finish, elapsedNanos);
    }

    /** The final object of a request that did not stream: the whole answer, its thinking and tool calls. */
    public byte[] last(CompletionFormat.Answer answer, String finishReason, Event finish, long elapsedNanos) {
        ObjectNode o = head(answer.content());
        if (!answer.reasoning().isEmpty()) {
            (chat ? (ObjectNode) o.get("message") : o).put("thinking", answer.reasoning());
        }
        toolCalls(o, answer.toolCalls());
        o.put("done", true);
        o.put("done_reason", "length".equals(finishReason) ? "length" : "stop");
        Usage u = finish.usage() == null ? Usage.of(0, 0, 0) : finish.usage();
        Timings t = finish.timings();
        o.put("total_duration", Math.max(0, elapsedNanos));
        o.put("load_duration", t == null ? 0 : t.cacheBuildMs() * 1_000_000);
        o.put("prompt_eval_count", u.promptTokens());
        o.put("prompt_eval_cached_count", u.cachedTokens());
        o.put("prompt_eval_duration", t == null ? 0 : Math.round(t.prefillMs() * 1e6));
        o.put("eval_count", u.completionTokens());
        o.put("eval_duration", evalNanos(u.completionTokens(), t));
        return JsonCodec.encode(o);
    }

    /**
     * The answer to a request with nothing to generate (Ollama's way to load or unload a model): {@code done:true}
     * with {@code done_reason} {@code load} or {@code unload}, no statistics.
     */
    public byte[] loaded(String reason) {
        ObjectNode o = head("");
        o.put("done", true);
        o.put("done_reason", reason);
        return JsonCodec.encode(o);
    }

    /** Ollama's error object, {@code {"error":"..."}}, as a body or as a stream's last line. */
    public static byte[] error(String message) {
        return JsonCodec.encode(JsonCodec.mapper().createObjectNode().put("error", message));
    }

    /** Ollama's tool calls: {@code {"function":{"name","arguments":{...}}}}, arguments an object, not OpenAI's text. */
    private void toolCalls(ObjectNode o, List<ToolCall> calls) {
        if (calls.isEmpty() || !chat) {
            return;
        }
        ArrayNode array = ((ObjectNode) o.get("message")).putArray("tool_calls");
        for (ToolCall call : calls) {
            ObjectNode function = array.addObject().putObject("function").put("name", call.function().name());
            try {
                function.set("arguments", JsonCodec.mapper().readTree(call.function().arguments()));
            } catch (java.io.IOException | RuntimeException e) {
                function.put("arguments", call.function().arguments()); // not JSON: passed on as the model wrote it
            }
        }
    }

    /** Generation time from the runtime's decode rate; from the board's wall clock where it reported none. */
    static long evalNanos(int evalCount, Timings t) {
        if (t == null || evalCount == 0) {
            return 0;
        }
        if (t.decodeTokensPerSecond() > 0) {
            return Math.round(evalCount / t.decodeTokensPerSecond() * 1e9);
        }
        return Math.max(0, Math.round((t.totalMs() - t.ttftMs()) * 1e6));
    }

    private ObjectNode head(String text) {
        ObjectNode o = JsonCodec.mapper().createObjectNode();
        o.put("model", model);
        o.put("created_at", Instant.now().toString());
        if (chat) {
            o.putObject("message").put("role", "assistant").put("content", text);
        } else {
            o.put("response", text);
        }
        return o;
    }
}
