package dev.npufleet.gateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ErrorMapping;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Maps Ollama's {@code options} onto the OpenAI body's sampling fields, which the OpenAI route then checks:
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code seed}, {@code stop}, {@code repeat_penalty},
 * {@code frequency_penalty}, {@code presence_penalty}, and {@code num_predict} as {@code max_tokens} (-1 and -2, "no
 * limit", leave the gateway's default). The options that tune a runtime Ollama loads ({@code num_ctx},
 * {@code num_gpu}, {@code num_thread}, mirostat, ...) do not apply to a board, whose runtime is loaded once with the
 * model's context; they are accepted, as Ollama accepts options a model ignores, and listed in the answer's
 * {@code x-npufleet-ignored-options} header. Stateless; any thread.
 */
final class OllamaOptions {
    /** Ollama option → the OpenAI field it becomes. */
    private static final Map<String, String> MAPPED = Map.of("temperature", "temperature", "top_p", "top_p",
            "top_k", "top_k", "seed", "seed", "repeat_penalty", "repeat_penalty",
            "frequency_penalty", "frequency_penalty", "presence_penalty", "presence_penalty");

    private OllamaOptions() {
    }

    /** @return the options not applied; @throws dev.npufleet.gateway.api.ApiException (400) for a bad value */
    static List<String> map(JsonNode options, ObjectNode openAi) {
        List<String> ignored = new ArrayList<>();
        if (options == null || options.isNull()) {
            return ignored;
        }
        if (!options.isObject()) {
            throw ErrorMapping.invalidField("options", "'options' must be an object.").toException();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> option = it.next();
            String name = option.getKey();
            JsonNode value = option.getValue();
            if (value.isNull()) {
                continue;
            }
            if (MAPPED.containsKey(name)) {
                openAi.set(MAPPED.get(name), number(name, value));
            } else if (name.equals("num_predict")) {
                numPredict(value, openAi);
            } else if (name.equals("stop")) {
                openAi.set("stop", stop(value));
            } else {
                ignored.add(name);
            }
        }
        return ignored;
    }

    private static JsonNode number(String name, JsonNode value) {
        if (!value.isNumber()) {
            throw ErrorMapping.invalidField("options." + name, "'options." + name + "' must be a number.")
                    .toException();
        }
        return value;
    }

    private static void numPredict(JsonNode value, ObjectNode openAi) {
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw ErrorMapping.invalidField("options.num_predict", "'options.num_predict' must be an integer.")
                    .toException();
        }
        int n = value.intValue();
        if (n > 0) {
            openAi.put("max_tokens", n);
        } else if (n != -1 && n != -2) {
            throw ErrorMapping.invalidField("options.num_predict",
                    "'options.num_predict' must be positive, or -1 / -2 for no limit, was " + n + ".").toException();
        }
    }

    private static JsonNode stop(JsonNode value) {
        if (value.isTextual() || value.isArray()) {
            return value; // the OpenAI route checks the strings and their number
        }
        throw ErrorMapping.invalidField("options.stop", "'options.stop' must be an array of strings.").toException();
    }
}
