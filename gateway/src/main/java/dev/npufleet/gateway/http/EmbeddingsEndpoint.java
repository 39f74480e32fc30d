package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.EmbeddingsJson;
import dev.npufleet.gateway.api.EmbeddingsRequest;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.JsonFields;
import dev.npufleet.gateway.ollama.OllamaModels;
import java.util.List;

/**
 * Embeddings: OpenAI's {@code POST /v1/embeddings} and Ollama's {@code POST /api/embed} and {@code POST /api/embeddings}.
 * Each request is one embedding job through the same path as generation ({@link InferenceEndpoint#submit}: routed,
 * published, deadline, cancel on hang-up); a board answers it with its model's last hidden layer, mean-pooled and
 * L2-normalised. Any request thread.
 */
final class EmbeddingsEndpoint {
    private final GatewayServices services;
    private final InferenceEndpoint jobs;

    EmbeddingsEndpoint(GatewayServices services, InferenceEndpoint jobs) {
        this.services = services;
        this.jobs = jobs;
    }

    void openAi(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            EmbeddingsRequest request = EmbeddingsRequest.parse(JsonFields.parseObject(body));
            String model = request.job().model();
            jobs.submit(call, request.job(), job -> new EmbeddingFraming((finish, nanos) ->
                    EmbeddingsJson.openAi(model, finish, request.base64())));
        });
    }

    /** {@code /api/embed}: {@code input}, a string or an array. */
    void ollamaEmbed(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            ObjectNode root = JsonFields.parseObject(body);
            String name = ollamaModel(root);
            refuseDimensions(root);
            List<String> inputs = EmbeddingsRequest.inputs(root.get("input"), "input");
            jobs.submit(call, EmbeddingsRequest.of(served(name), inputs), job -> new EmbeddingFraming((finish, nanos) ->
                    EmbeddingsJson.ollamaEmbed(name, finish, nanos)));
        });
    }

    /** {@code /api/embeddings}, the older route: one {@code prompt}. */
    void ollamaEmbeddings(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            ObjectNode root = JsonFields.parseObject(body);
            String name = ollamaModel(root);
            List<String> inputs = EmbeddingsRequest.inputs(root.get("prompt"), "prompt");
            if (inputs.size() != 1) {
                throw ErrorMapping.invalidField("prompt", "'prompt' must be one string; /api/embed takes several.")
                        .toException();
            }
            jobs.submit(call, EmbeddingsRequest.of(served(name), inputs), job -> new EmbeddingFraming((finish, nanos) ->
                    EmbeddingsJson.ollamaEmbedding(finish)));
        });
    }

    private static String ollamaModel(ObjectNode root) {
        String name = JsonFields.optionalString(root, "model", "model");
        if (name == null || name.isBlank()) {
            throw ErrorMapping.missingField("model").toException();
        }
        return name;
    }

    private static void refuseDimensions(ObjectNode root) {
        if (JsonFields.isSet(root, "dimensions")) {
            throw ErrorMapping.unsupported("dimensions", "'dimensions' is not supported: the vectors have the model's "
                    + "hidden size.").toException();
        }
    }

    private String served(String name) {
        return OllamaModels.resolve(name, services.models()::serves)
                .orElseThrow(() -> ErrorMapping.modelNotFound(name).toException());
    }
}
