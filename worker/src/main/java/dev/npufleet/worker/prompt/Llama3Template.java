package dev.npufleet.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ToolCall;
import java.util.List;

/**
 * Llama 3.1 / 3.2 / 3.3 Instruct, from Meta's published template: headers per turn, contents trimmed, a system
 * turn always (with the knowledge cut-off and the template's default date, fixed so that caches stay valid),
 * tools as JSON in the first user turn ({@code tools_in_user_message}, the default), a call as
 * {@code {"name": ..., "parameters": ...}}, results as {@code ipython} turns. Immutable; any thread.
 */
final class Llama3Template implements ChatTemplate {
    private static final String TOOL_PREAMBLE = "Given the following functions, please respond with a JSON for a"
            + " function call with its proper arguments that best answers the given prompt.\n\nRespond in the format"
            + " {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use"
            + " variables.\n\n";

    @Override
    public String id() {
        return "llama3/1";
    }

    @Override
    public boolean takesTools() {
        return true;
    }

    @Override
    public String render(Conversation c) {
        List<ChatMessage> ms = c.messages();
        StringBuilder sb = new StringBuilder(256).append("<|begin_of_text|>");
        header(sb, "system");
        if (c.hasTools()) {
            sb.append("Environment: ipython\n");
        }
        sb.append("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n");
        sb.append(c.startsWithSystem() ? ms.get(0).content().strip() : "").append("<|eot_id|>");
        boolean toolsPending = c.hasTools();
        for (int i = c.startsWithSystem() ? 1 : 0; i < ms.size(); i++) {
            ChatMessage m = ms.get(i);
            if (toolsPending && m.role().equals("user")) {
                header(sb, "user");
                sb.append(TOOL_PREAMBLE);
                for (JsonNode tool : c.tools()) {
                    sb.append(PyJson.dumps(tool, 4)).append("\n\n");
                }
                sb.append(m.content().strip()).append("<|eot_id|>");
                toolsPending = false;
            } else if (m.role().equals("tool")) {
                header(sb, "ipython");
                sb.append(m.content()).append("<|eot_id|>");
            } else if (!m.toolCalls().isEmpty()) {
                ToolCall call = m.toolCalls().get(0);
                header(sb, "assistant");
                sb.append("{\"name\": \"").append(call.function().name()).append("\", \"parameters\": ")
                        .append(PyJson.arguments(call.function().arguments())).append("}<|eot_id|>");
            } else {
                header(sb, m.role());
                sb.append(m.content().strip()).append("<|eot_id|>");
            }
        }
        if (c.addGenerationPrompt()) {
            header(sb, "assistant");
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, String role) {
        sb.append("<|start_header_id|>").append(role).append("<|end_header_id|>\n\n");
    }
}
