package dev.npufleet.worker.prompt;

import dev.npufleet.protocol.ChatMessage;

/**
 * Phi-3 / Phi-3.5 Instruct, from Microsoft's published template: {@code <|system|>}, {@code <|user|>},
 * {@code <|assistant|>} turns each closed by {@code <|end|>}; no tool format. Immutable; any thread.
 */
final class Phi3Template implements ChatTemplate {

    @Override
    public String id() {
        return "phi3/1";
    }

    @Override
    public String render(Conversation c) {
        StringBuilder sb = new StringBuilder(256);
        for (ChatMessage m : c.messages()) {
            sb.append("<|").append(m.role()).append("|>\n").append(m.content()).append("<|end|>\n");
        }
        if (c.addGenerationPrompt()) {
            sb.append("<|assistant|>\n");
        }
        return sb.toString();
    }
}
