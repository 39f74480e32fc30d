package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import java.io.IOException;
import java.util.Set;

/**
 * Splits a model's answer, as it streams in, into reasoning (a {@code <think>} block, or the text up to
 * {@code </think>} when the prompt opened the block), the answer's text, and tool calls: Qwen/Hermes
 * {@code <tool_call>{"name","arguments"}</tool_call>} blocks, or, when tools were offered, an answer that is
 * one JSON object naming an offered function (Llama 3's {@code {"name","parameters"}}). Text that could be
 * the start of a tag is held back until the next text shows what it is. A call that does not parse, or names
 * a function that was not offered, is returned as text, never as a broken call.
 *
 * <p>One per answer; not thread-safe (the events-consumer thread feeds it).
 */
public final class AnswerSplitter {
    private static final String THINK = "<think>";
    private static final String END_THINK = "</think>";
    private static final String CALL = "<tool_call>";
    private static final String END_CALL = "</tool_call>";

    /** Where the parts go. */
    public interface Sink {
        void reasoning(String text);

        void content(String text);

        void toolCall(int index, ToolCall call);
    }

    private enum Mode { START, THINK, CONTENT, CALL, JSON }

    private final Set<String> offered;
    private final boolean parallel;
    private final String idPrefix;
    private final StringBuilder pending = new StringBuilder();
    private Mode mode;
    private int calls;
    /** Whitespace right after a block (a thinking block, a call) belongs to the format, not the answer. */
    private boolean afterBlock;
    private boolean reasoningStarted;

    /**
     * @param opensThinking the prompt ended inside a thinking block
     * @param offered names of the functions offered (empty: no tools; then only tagged calls are parsed)
     * @param parallel false: calls after the first are dropped ({@code parallel_tool_calls: false})
     * @param idPrefix the calls' ids are this and their index (stable across a re-run)
     */
    public AnswerSplitter(boolean opensThinking, Set<String> offered, boolean parallel, String idPrefix) {
        this.offered = Set.copyOf(offered);
        this.parallel = parallel;
        this.idPrefix = idPrefix;
        this.mode = opensThinking ? Mode.THINK : Mode.START;
    }

    /** How many tool calls were returned. */
    public int toolCalls() {
        return calls;
    }

    public void accept(String text, Sink out) {
        if (pending.length() == 0 && text.indexOf('<') < 0) {
            // The common chunk: inside the answer or its reasoning, nothing held back, no tag in it (every tag
            // starts with '<'). It goes out whole, as the loop below would send it, without the copies.
            if (mode == Mode.CONTENT && !afterBlock) {
                emit(out, text, false);
                return;
            }
            if (mode == Mode.THINK && reasoningStarted) {
                emit(out, text, true);
                return;
            }
        }
        pending.append(text);
        boolean progress = true;
        while (progress && pending.length() > 0) {
            progress = switch (mode) {
                case START -> start();
                case THINK -> reasoningStarted || skipLeadingSpace() ? until(END_THINK, out, true) : false;
                case CONTENT -> !afterBlock || skipLeadingSpace() ? until(CALL, out, false) : false;
                case CALL -> call(out);
                case JSON -> false;
            };
        }
    }

    /** The answer ended: what was held back goes out as what it turned out to be. */
    public void finish(Sink out) {
        String rest = afterBlock && pending.toString().isBlank() ? "" : pending.toString();
        pending.setLength(0);
        switch (mode) {
            case THINK -> emit(out, rest, true);
            case START, CONTENT -> emit(out, rest, false);
            case CALL -> emit(out, CALL + rest, false);
            case JSON -> {
                if (!jsonCall(rest.strip(), out)) {
                    emit(out, rest, false);
                }
            }
        }
    }

    /** Decides what the answer opens with, once enough of it is there. */
    private boolean start() {
        String s = stripLeading(pending);
        if (s.isEmpty()) {
            return false;
        }
        if (s.startsWith(THINK)) {
            pending.replace(0, pending.length(), s.substring(THINK.length()));
            mode = Mode.THINK;
            return true;
        }
        if (THINK.startsWith(s)) {
            return false; // maybe "<think>", not there yet
        }
        // the answer's own leading whitespace stays in it
        mode = !offered.isEmpty() && s.startsWith("{") ? Mode.JSON : Mode.CONTENT;
        return mode != Mode.JSON;
    }

    /** Drops leading whitespace; false while there is nothing else yet (more may follow). */
    private boolean skipLeadingSpace() {
        String s = stripLeading(pending);
        pending.replace(0, pending.length(), s);
        if (s.isEmpty()) {
            return false;
        }
        afterBlock = false;
        reasoningStarted = true;
        return true;
    }

    /** Emits text up to {@code tag}, holding back a possible start of it; past the tag, switches mode. */
    private boolean until(String tag, Sink out, boolean reasoning) {
        if (pending.indexOf("<") < 0) {
            // Every tag starts with '<': no tag here and nothing to hold back (the common chunk, kept cheap).
            emit(out, pending.toString(), reasoning);
            pending.setLength(0);
            return false;
        }
        int at = pending.indexOf(tag);
        if (at >= 0) {
            emit(out, pending.substring(0, at), reasoning);
            pending.delete(0, at + tag.length());
            if (reasoning) {
                afterBlock = true;
                mode = Mode.CONTENT;
            } else {
                mode = Mode.CALL;
            }
            return true;
        }
        int keep = partialAtEnd(tag);
        emit(out, pending.substring(0, pending.length() - keep), reasoning);
        pending.delete(0, pending.length() - keep);
        return false;
    }

    private boolean call(Sink out) {
        int at = pending.indexOf(END_CALL);
        if (at < 0) {
            return false;
        }
        String inner = pending.substring(0, at).strip();
        pending.delete(0, at + END_CALL.length());
        if (!jsonCall(inner, out)) {
            emit(out, CALL + inner + END_CALL, false);
        }
        afterBlock = true;
        mode = Mode.CONTENT;
        return true;
    }

    /** A call as JSON: {@code {"name": ..., "arguments"|"parameters": {...}}}; false when it is not one. */
    private boolean jsonCall(String json, Sink out) {
        JsonNode node;
        try {
            node = JsonCodec.mapper().readTree(json);
        } catch (IOException e) {
            return false;
        }
        if (node == null || !node.isObject() || !node.path("name").isTextual()) {
            return false;
        }
        String name = node.get("name").textValue();
        JsonNode args = node.has("arguments") ? node.get("arguments") : node.path("parameters");
        if (args.isTextual()) {
            args = parse(args.textValue());
        }
        if (args == null || !args.isObject() || (!offered.isEmpty() && !offered.contains(name))) {
            return false;
        }
        if (parallel || calls == 0) {
            String arguments = new String(JsonCodec.encode(args), java.nio.charset.StandardCharsets.UTF_8);
            out.toolCall(calls, ToolCall.of(idPrefix + calls, name, arguments));
            calls++;
        }
        return true;
    }

    private static JsonNode parse(String json) {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    private int partialAtEnd(String tag) {
        int n = pending.length();
        for (int len = Math.min(tag.length() - 1, n); len > 0; len--) {
            if (endsWithStartOf(tag, len)) {
                return len;
            }
        }
        return 0;
    }

    /** Whether {@code pending} ends with the first {@code len} characters of {@code tag} (no copies: per chunk). */
    private boolean endsWithStartOf(String tag, int len) {
        int from = pending.length() - len;
        for (int i = 0; i < len; i++) {
            if (pending.charAt(from + i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void emit(Sink out, String text, boolean reasoning) {
        if (text.isEmpty()) {
            return;
        }
        if (reasoning) {
            out.reasoning(text);
        } else {
            out.content(text);
        }
    }

    private static String stripLeading(CharSequence s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.subSequence(i, s.length()).toString();
    }
}
