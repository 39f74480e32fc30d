package dev.npufleet.protocol;

import java.util.Objects;

/**
 * A function call an assistant made, as OpenAI writes it: {@code {"id","type":"function","function":{"name","arguments"}}}.

 */
public record ToolCall(String id, String type, Function function) {
    public ToolCall {
        type = type == null ? "function" : type;
        Objects.requireNonNull(function, "function");
    }

    public static ToolCall of(String id, String name, String arguments) {
        return new ToolCall(id, "function", new Function(name, arguments));
    }

    /** The called function's name and its arguments as JSON text (OpenAI sends a string). */
    public record Function(String name, String arguments) {
        public Function {
            Objects.requireNonNull(name, "name");
            arguments = arguments == null ? "{}" : arguments;
        }
    }
}
