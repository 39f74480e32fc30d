package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.Job;
import dev.npufleet.worker.engine.InferenceException;
import java.util.List;

/**
 * Refuses tools, tool calls in the history and tool results that the model's template has no way to
 * render, naming the field, instead of dropping them from the prompt. Plain ChatML keeps rendering a
 * {@code tool} turn as such, as it always did. Stateless.
 */
final class ToolSupport {
    private ToolSupport() {
    }

    static void check(Job job, ChatTemplate template) {
        if (template.takesTools()) {
            return;
        }
        if (job.chatOptions().offersTools()) {
            throw unsupported("tools", "The chat template " + template.id() + " of this model has no tool format.");
        }
        List<ChatMessage> ms = job.messages();
        for (int i = 0; i < ms.size(); i++) {
            ChatMessage m = ms.get(i);
            if (!m.toolCalls().isEmpty()) {
                throw unsupported("messages[" + i + "].tool_calls", "The chat template " + template.id()
                        + " of this model cannot render tool calls.");
            }
            if (m.role().equals("tool") && template != ChatMlTemplate.INSTANCE) {
                throw unsupported("messages[" + i + "].role", "The chat template " + template.id()
                        + " of this model has no tool turn.");
            }
        }
    }

    private static InferenceException unsupported(String param, String message) {
        return InferenceException.invalid(param, "unsupported_value", message, null);
    }
}
