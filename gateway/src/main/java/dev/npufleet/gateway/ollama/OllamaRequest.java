package dev.npufleet.gateway.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JobKind;
import java.util.List;
import java.util.Objects;

/**
 * An Ollama {@code /api/chat} or {@code /api/generate} request, translated: the OpenAI body that the one generation
 * path checks and runs, and what the Ollama answer needs besides. Immutable.
 *
 * @param kind {@link JobKind#CHAT}, or {@link JobKind#COMPLETION} for {@code /api/generate} with {@code raw: true}
 * @param openAi the equivalent {@code /v1/chat/completions} or {@code /v1/completions} body
 * @param model the model name as the client wrote it (a tag included)
 * @param chat whether the answer is {@code /api/chat}'s ({@code message}) or {@code /api/generate}'s ({@code response})
 * @param loadOnly {@code load} or {@code unload} when there is nothing to generate (Ollama's way to load or unload a
 *     model); null otherwise
 * @param ignoredOptions the {@code options} that do not apply to a board (named in a response header)
 */
public record OllamaRequest(JobKind kind, ObjectNode openAi, String model, boolean chat, boolean stream,
        String loadOnly, List<String> ignoredOptions) {
    public OllamaRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(openAi, "openAi");
        Objects.requireNonNull(model, "model");
        ignoredOptions = List.copyOf(ignoredOptions);
    }

    public OllamaFormat format() {
        return new OllamaFormat(chat, model);
    }
}
