package dev.npufleet.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ToolCall;
import java.util.List;

/**
 * The ChatML templates ({@code <|im_start|>role\ncontent<|im_end|>\n}) of Qwen2.5, Qwen3, MiniCPM3/4,
 * InternLM2 and SmolLM2, written from their published {@code tokenizer_config.json} templates: a
 * beginning-of-text token for some, a default system turn for some, Qwen's tools in the system turn
 * and {@code <tool_call>}/{@code <tool_response>} turns, Qwen3's thinking switch and its dropping of
 * earlier turns' thinking. Immutable; any thread.
 */
final class ChatMlFamily implements ChatTemplate {
    private static final String START = "<|im_start|>";
    private static final String END = "<|im_end|>\n";
    private static final String TOOLS_HEAD = "# Tools\n\nYou may call one or more functions to assist with the user"
            + " query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>";
    private static final String TOOLS_TAIL = "\n</tools>\n\nFor each function call, return a json object with function"
            + " name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>,"
            + " \"arguments\": <args-json-object>}\n</tool_call>";

    /** How a family differs from plain ChatML. */
    enum Flavour { PLAIN, QWEN25, QWEN3 }

    private final String id;
    private final String bos;
    private final String defaultSystem;
    private final Flavour flavour;

    ChatMlFamily(String id, String bos, String defaultSystem, Flavour flavour) {
        this.id = id;
        this.bos = bos;
        this.defaultSystem = defaultSystem;
        this.flavour = flavour;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean takesTools() {
        return flavour != Flavour.PLAIN;
    }

    @Override
    public boolean switchesThinking() {
        return flavour == Flavour.QWEN3;
    }

    @Override
    public String render(Conversation c) {
        StringBuilder sb = new StringBuilder(256).append(bos);
        List<ChatMessage> ms = c.messages();
        boolean system = c.startsWithSystem();
        if (c.hasTools() && takesTools()) {
            sb.append(START).append("system\n");
            String text = system ? ms.get(0).content() : flavour == Flavour.QWEN25 ? defaultSystem : null;
            if (text != null) {
                sb.append(text).append("\n\n");
            }
            sb.append(TOOLS_HEAD);
            for (JsonNode tool : c.tools()) {
                sb.append('\n').append(PyJson.dumps(tool));
            }
            sb.append(TOOLS_TAIL).append(END);
        } else if (system) {
            sb.append(START).append("system\n").append(ms.get(0).content()).append(END);
        } else if (defaultSystem != null) {
            sb.append(START).append("system\n").append(defaultSystem).append(END);
        }
        int lastQuery = lastUserIndex(ms);
        for (int i = system ? 1 : 0; i < ms.size(); i++) {
            ChatMessage m = ms.get(i);
            switch (m.role()) {
                case "assistant" -> assistant(sb, m, i > lastQuery);
                case "tool" -> tool(sb, ms, i);
                default -> sb.append(START).append(m.role()).append('\n').append(m.content()).append(END);
            }
        }
        if (c.addGenerationPrompt()) {
            sb.append(START).append("assistant\n");
            if (flavour == Flavour.QWEN3 && Boolean.FALSE.equals(c.enableThinking())) {
                sb.append("<think>\n\n</think>\n\n");
            }
        }
        return sb.toString();
    }

    private void assistant(StringBuilder sb, ChatMessage m, boolean afterLastQuery) {
        String content = m.content();
        if (flavour == Flavour.QWEN3) {
            content = qwen3Content(content, afterLastQuery);
        }
        if (m.toolCalls().isEmpty() || flavour == Flavour.PLAIN) {
            sb.append(START).append("assistant\n").append(content).append(END);
            return;
        }
        sb.append(START).append("assistant");
        if (flavour == Flavour.QWEN3 || !content.isEmpty()) {
            sb.append('\n').append(content);
        }
        boolean first = true;
        for (ToolCall call : m.toolCalls()) {
            boolean newline = flavour == Flavour.QWEN25 || !first || !content.isEmpty();
            sb.append(newline ? "\n" : "").append("<tool_call>\n{\"name\": \"").append(call.function().name())
                    .append("\", \"arguments\": ").append(PyJson.arguments(call.function().arguments()))
                    .append("}\n</tool_call>");
            first = false;
        }
        sb.append(END);
    }

    /** Qwen3 keeps an assistant turn's thinking only after the last user turn; earlier, only the answer. */
    private static String qwen3Content(String content, boolean afterLastQuery) {
        int end = content.indexOf("</think>");
        if (end < 0) {
            return content;
        }
        String reasoning = strip(content.substring(0, end).replaceFirst("^\\s*<think>", ""));
        String answer = content.substring(end + "</think>".length()).replaceFirst("^\n+", "");
        return afterLastQuery && !reasoning.isEmpty() ? "<think>\n" + reasoning + "\n</think>\n\n" + answer : answer;
    }

    private static String strip(String s) {
        return s.replaceAll("^\n+", "").replaceAll("\n+$", "");
    }

    private void tool(StringBuilder sb, List<ChatMessage> ms, int i) {
        if (flavour == Flavour.PLAIN) {
            sb.append(START).append("tool\n").append(ms.get(i).content()).append(END);
            return;
        }
        if (i == 0 || !ms.get(i - 1).role().equals("tool")) {
            sb.append(START).append("user");
        }
        sb.append("\n<tool_response>\n").append(ms.get(i).content()).append("\n</tool_response>");
        if (i == ms.size() - 1 || !ms.get(i + 1).role().equals("tool")) {
            sb.append(END);
        }
    }

    private static int lastUserIndex(List<ChatMessage> ms) {
        for (int i = ms.size() - 1; i >= 0; i--) {
            if (ms.get(i).role().equals("user")) {
                return i;
            }
        }
        return -1;
    }
}
