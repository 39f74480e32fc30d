package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;

/**
 * The DeepSeek-R1 distills (Qwen and Llama based), from DeepSeek's published template: the system turns joined
 * right after the beginning-of-sentence token, {@code <｜User｜>} and {@code <｜Assistant｜>} turns, earlier answers
 * without their thinking, and the answer opened inside {@code <think>} (the model always thinks). No tool format.
 * Immutable; any thread.
 */
final class DeepSeekR1Template implements ChatTemplate {
    private static final String BOS = "<\uff5cbegin\u2581of\u2581sentence\uff5c>";
    private static final String EOS = "<\uff5cend\u2581of\u2581sentence\uff5c>";
    private static final String USER = "<\uff5cUser\uff5c>";
    private static final String ASSISTANT = "<\uff5cAssistant\uff5c>";

    @Override
    public String id() {
        return "deepseek-r1/1";
    }

    @Override
    public boolean opensThinking(Conversation conversation) {
        return conversation.addGenerationPrompt();
    }

    @Override
    public String render(Conversation c) {
        StringBuilder sb = new StringBuilder(256).append(BOS);
        boolean firstSystem = true;
        for (ChatMessage m : c.messages()) {
            if (m.role().equals("system")) {
                sb.append(firstSystem ? "" : "\n\n").append(m.content());
                firstSystem = false;
            }
        }
        for (ChatMessage m : c.messages()) {
            if (m.role().equals("user")) {
                sb.append(USER).append(m.content());
            } else if (m.role().equals("assistant")) {
                String content = m.content();
                int end = content.lastIndexOf("</think>");
                sb.append(ASSISTANT).append(end < 0 ? content : content.substring(end + "</think>".length())).append(EOS);
            }
        }
        if (c.addGenerationPrompt()) {
            sb.append(ASSISTANT).append("<think>\n");
        }
        return sb.toString();
    }
}
