package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;
import java.util.List;

/**
 * ChatML, as used by Qwen: {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then
 * {@code <|im_start|>assistant\n} to open the answer.
 */
public final class ChatMlTemplate implements ChatTemplate {

    public static final ChatMlTemplate INSTANCE = new ChatMlTemplate();

    private static final String START = "<|im_start|>";
    private static final String END = "<|im_end|>\n";

    private ChatMlTemplate() {
    }

    @Override
    public String id() {
        return "chatml/1";
    }

    @Override
    public String render(Conversation c) {
        return render(c.messages(), c.addGenerationPrompt());
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        int size = 32;
        for (ChatMessage m : messages) {
            size += m.role().length() + m.content().length() + 24;
        }
        StringBuilder sb = new StringBuilder(size);
        for (ChatMessage m : messages) {
            sb.append(START).append(m.role()).append('\n').append(m.content()).append(END);
        }
        if (addGenerationPrompt) {
            sb.append(START).append("assistant\n");
        }
        return sb.toString();
    }
}
