package dev.npufleet.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.interpret.RenderResult;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import dev.npufleet.worker.engine.InferenceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's own chat template, as its Hugging Face {@code tokenizer_config.json} or {@code chat_template.jinja}
 * gives it, rendered by Jinjava the way transformers renders it: {@code trim_blocks} and {@code lstrip_blocks},
 * {@code messages}, {@code tools}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token},
 * {@code enable_thinking} when the request sets it, {@code raise_exception}, and a {@code tojson} that writes
 * Python's {@code json.dumps} bytes. A call's arguments are passed parsed, as vLLM passes them. Templates that
 * call Python string methods Jinjava lacks fail to render, with the template's error. Immutable; any thread.
 */
final class JinjaTemplate implements ChatTemplate {
    private final String id;
    private final String source;
    private final String bos;
    private final String eos;
    private final Jinjava jinjava;

    JinjaTemplate(String source, String bos, String eos) {
        this.source = source;
        this.bos = bos == null ? "" : bos;
        this.eos = eos == null ? "" : eos;
        this.id = "jinja/" + sha256(source + "\u0000" + this.bos + "\u0000" + this.eos).substring(0, 16);
        // Jinja's own semantics, as transformers' Jinja2 has them: {{- -}} trims, natural operator precedence
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true)
                .withParseWhitespaceControlStrictly(true).withUseNaturalOperatorPrecedence(true)
                .withKeepNullableLoopValues(true).build();
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withFailOnUnknownTokens(false).withLegacyOverrides(jinja2).build());
        jinjava.getGlobalContext().registerFilter(new PyJsonFilter());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", JinjaTemplate.class,
                "raise", String.class));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean takesTools() {
        return source.contains("tools");
    }

    @Override
    public boolean switchesThinking() {
        return source.contains("enable_thinking");
    }

    @Override
    public boolean opensThinking(Conversation c) {
        return c.addGenerationPrompt() && render(c).stripTrailing().endsWith("<think>");
    }

    @Override
    public String render(Conversation c) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages(c.messages()));
        if (c.hasTools()) {
            context.put("tools", plain(c.tools()));
        }
        context.put("add_generation_prompt", c.addGenerationPrompt());
        context.put("bos_token", bos);
        context.put("eos_token", eos);
        if (c.enableThinking() != null) {
            context.put("enable_thinking", c.enableThinking());
        }
        RenderResult result = jinjava.renderForResult(source, context);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                Throwable cause = e.getException();
                while (cause != null && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                throw InferenceException.invalid("messages", "invalid_value", "The model's chat template refused the"
                        + " messages: " + (cause != null ? cause.getMessage() : e.getMessage()), null);
            }
        }
        return result.getOutput();
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The template's {@code raise_exception(message)}. */
    public static String raise(String message) {
        throw new IllegalArgumentException(message);
    }

    private static List<Map<String, Object>> messages(List<ChatMessage> ms) {
        List<Map<String, Object>> out = new ArrayList<>(ms.size());
        for (ChatMessage m : ms) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            if (!m.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall call : m.toolCalls()) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", call.function().name());
                    function.put("arguments", arguments(call.function().arguments()));
                    calls.add(Map.of("id", call.id() == null ? "" : call.id(), "type", "function", "function", function));
                }
                map.put("tool_calls", calls);
            }
            if (m.toolCallId() != null) {
                map.put("tool_call_id", m.toolCallId());
            }
            out.add(map);
        }
        return out;
    }

    private static Object arguments(String json) {
        try {
            return JsonCodec.mapper().readValue(json, LinkedHashMap.class);
        } catch (java.io.IOException | RuntimeException e) {
            return json;
        }
    }

    private static Object plain(List<JsonNode> nodes) {
        return JsonCodec.mapper().convertValue(nodes, List.class);
    }

    /** {@code tojson} as transformers' templates get it: Python's {@code json.dumps}, with {@code indent}. */
    private static final class PyJsonFilter implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            JsonNode node = JsonCodec.mapper().valueToTree(var);
            if (args.length > 0 && args[0] != null) {
                String indent = args[0].replace("indent=", "").strip();
                return PyJson.dumps(node, Integer.parseInt(indent));
            }
            return PyJson.dumps(node);
        }
    }
}
