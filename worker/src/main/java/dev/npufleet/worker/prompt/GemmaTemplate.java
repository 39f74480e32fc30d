package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;
import java.util.List;

/**
 * Gemma 2 / 3 instruction-tuned, from Google's published template: {@code <start_of_turn>user|model}, contents
 * trimmed, no system role (a leading system turn goes in front of the first user turn, followed by a blank
 * line, as Gemma 3's template does), no tool format. Immutable; any thread.
 */
final class GemmaTemplate implements ChatTemplate {

    @Override
    public String id() {
        return "gemma/1";
    }

    @Override
    public String render(Conversation c) {
        List<ChatMessage> ms = c.messages();
        StringBuilder sb = new StringBuilder(256).append("<bos>");
        String firstUserPrefix = c.startsWithSystem() ? ms.get(0).content() + "\n\n" : "";
        int from = c.startsWithSystem() ? 1 : 0;
        for (int i = from; i < ms.size(); i++) {
            ChatMessage m = ms.get(i);
            sb.append("<start_of_turn>").append(m.role().equals("assistant") ? "model" : m.role()).append('\n');
            if (i == from) {
                sb.append(firstUserPrefix);
            }
            sb.append(m.content().strip()).append("<end_of_turn>\n");
        }
        if (c.addGenerationPrompt()) {
            sb.append("<start_of_turn>model\n");
        }
        return sb.toString();
    }

    /** A single system turn: the start of the first user turn, which it opens. */
    @Override
    public String prefix(List<ChatMessage> leading) {
        if (leading.size() == 1 && leading.get(0).role().equals("system")) {
            return "<bos><start_of_turn>user\n" + leading.get(0).content() + "\n\n";
        }
        return render(leading, false);
    }
}
