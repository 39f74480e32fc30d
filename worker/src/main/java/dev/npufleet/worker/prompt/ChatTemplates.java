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

    /**
     * A preset by name, or {@code jinja:<file>}: the model's own template from its Hugging Face
     * {@code tokenizer_config.json} ({@code chat_template}, {@code bos_token}, {@code eos_token}) or a
     * {@code .jinja} file.
     *
     * @throws IllegalArgumentException for an unknown name or a file without a template
     */
    public static ChatTemplate named(String name) {
        if (name.startsWith("jinja:")) {
            return jinja(java.nio.file.Path.of(name.substring("jinja:".length())));
        }
        ChatTemplate t = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("unknown chat template '" + name + "' (known: "
                    + String.join(", ", PRESETS.keySet()) + ", or jinja:<tokenizer_config.json or .jinja file>)");
        }
        return t;
    }

    static ChatTemplate jinja(java.nio.file.Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the chat template file " + file + ": " + e.getMessage(), e);
        }
        if (!file.getFileName().toString().endsWith(".json")) {
            return new JinjaTemplate(text, "", "");
        }
        com.fasterxml.jackson.databind.JsonNode config;
        try {
            config = dev.npufleet.protocol.JsonCodec.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getMessage(), e);
        }
        com.fasterxml.jackson.databind.JsonNode template = config.path("chat_template");
        if (template.isArray()) {
            // several named templates: the default one
            for (com.fasterxml.jackson.databind.JsonNode t : template) {
                if ("default".equals(t.path("name").asText())) {
                    template = t.path("template");
                }
            }
        }
        if (!template.isTextual()) {
            throw new IllegalArgumentException(file + " has no chat_template");
        }
        return new JinjaTemplate(template.textValue(), token(config.get("bos_token")), token(config.get("eos_token")));
    }

    /** A special token as tokenizer_config.json writes it: a string, or an object with its {@code content}. */
    private static String token(com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.textValue() : node.path("content").asText("");
    }
}
