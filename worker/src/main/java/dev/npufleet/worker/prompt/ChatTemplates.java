package dev.npufleet.worker.prompt;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in chat templates by name ({@code NPUFLEET_CHAT_TEMPLATE}). Each is written from its family's
 * published Hugging Face template and tested against renderings of it. Stateless.
 */
public final class ChatTemplates {
    private static final Map<String, ChatTemplate> PRESETS = new TreeMap<>();

    static {
        PRESETS.put("chatml", ChatMlTemplate.INSTANCE);
        PRESETS.put("qwen2.5", new ChatMlFamily("qwen2.5/1", "",
                "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", ChatMlFamily.Flavour.QWEN25));
        PRESETS.put("qwen3", new ChatMlFamily("qwen3/1", "", null, ChatMlFamily.Flavour.QWEN3));
        PRESETS.put("minicpm", new ChatMlFamily("minicpm/1", "", "You are a helpful assistant.",
                ChatMlFamily.Flavour.PLAIN));
        PRESETS.put("internlm2", new ChatMlFamily("internlm2/1", "<s>", null, ChatMlFamily.Flavour.PLAIN));
        PRESETS.put("smollm", new ChatMlFamily("smollm/1", "",
                "You are a helpful AI assistant named SmolLM, trained by Hugging Face", ChatMlFamily.Flavour.PLAIN));
        PRESETS.put("llama3", new Llama3Template());
        PRESETS.put("gemma", new GemmaTemplate());
        PRESETS.put("phi3", new Phi3Template());
        PRESETS.put("deepseek-r1", new DeepSeekR1Template());
    }

    private ChatTemplates() {
    }

    /** @throws IllegalArgumentException for an unknown name */
    public static ChatTemplate named(String name) {
        ChatTemplate t = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("unknown chat template '" + name + "' (known: "
                    + String.join(", ", PRESETS.keySet()) + ")");
        }
        return t;
    }
}
