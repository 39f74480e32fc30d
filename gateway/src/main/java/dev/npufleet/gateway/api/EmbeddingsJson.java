package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * The answers of embedding jobs: OpenAI's {@code list} of {@code embedding} objects (floats, or the board's base64
 * passed through), Ollama's {@code /api/embed} and {@code /api/embeddings} bodies. The vectors arrive in the job's
 * FINISH as base64 of little-endian float32. Stateless; any thread.
 */
public final class EmbeddingsJson {
    private EmbeddingsJson() {
    }

    public static ObjectNode openAi(String model, Event finish, boolean base64) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        List<String> vectors = vectors(finish);
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                e.put("embedding", vectors.get(i));
            } else {
                floats(e.putArray("embedding"), vectors.get(i));
            }
        }
        root.put("model", model);
        Usage u = finish.usage() == null ? Usage.of(0, 0, 0) : finish.usage();
        root.putObject("usage").put("prompt_tokens", u.promptTokens()).put("total_tokens", u.promptTokens());
        return root;
    }

    /** {@code /api/embed}: every vector, with Ollama's statistics (nanoseconds). */
    public static ObjectNode ollamaEmbed(String model, Event finish, long elapsedNanos) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("model", model);
        ArrayNode all = root.putArray("embeddings");
        vectors(finish).forEach(v -> floats(all.addArray(), v));
        root.put("total_duration", Math.max(0, elapsedNanos));
        root.put("load_duration", 0);
        root.put("prompt_eval_count", finish.usage() == null ? 0 : finish.usage().promptTokens());
        return root;
    }

    /** {@code /api/embeddings} (the older route): one prompt's vector. */
    public static ObjectNode ollamaEmbedding(Event finish) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        floats(root.putArray("embedding"), vectors(finish).get(0));
        return root;
    }

    private static List<String> vectors(Event finish) {
        if (finish.embeddings() == null || finish.embeddings().isEmpty()) {
            throw ErrorMapping.internal("The board answered the embedding job without vectors.").toException();
        }
        return finish.embeddings();
    }

    private static void floats(ArrayNode out, String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        while (bytes.remaining() >= Float.BYTES) {
            out.add(bytes.getFloat());
        }
    }
}
