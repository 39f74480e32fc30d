package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ToolCall;
import java.util.ArrayList;
import java.util.List;

/** Reads an assistant turn's {@code tool_calls} from a request's history. Stateless. */
final class ToolCalls {
    private ToolCalls() {
    }

    /** @throws ApiException 400 naming the field at fault */
    static List<ToolCall> parse(JsonNode calls, String param) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw ErrorMapping.invalidField(param + ".tool_calls", "'" + param + ".tool_calls' must be an array.")
                    .toException();
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode c = calls.get(i);
            String p = param + ".tool_calls[" + i + "]";
            if (!c.isObject() || !"function".equals(c.path("type").asText("function"))) {
                throw ErrorMapping.unsupported(p, "Only function tool calls are supported.").toException();
            }
            String id = JsonFields.requiredString(c, "id", p + ".id");
            JsonNode f = c.path("function");
            String name = JsonFields.requiredString(f, "name", p + ".function.name");
            JsonNode args = f.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.textValue() : args.toString();
            out.add(ToolCall.of(id, name, arguments));
        }
        return out;
    }
}
