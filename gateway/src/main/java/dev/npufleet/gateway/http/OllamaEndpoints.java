package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.api.ApiError;
import dev.npufleet.gateway.api.ErrorMapping;
import dev.npufleet.gateway.api.InferenceRequest;
import dev.npufleet.gateway.api.InferenceRequestParser;
import dev.npufleet.gateway.api.JsonFields;
import dev.npufleet.gateway.ollama.OllamaModels;
import dev.npufleet.gateway.ollama.OllamaRequest;
import dev.npufleet.gateway.ollama.OllamaRequests;
import java.time.Instant;
import java.util.function.Function;

/**
 * Ollama's API on the gateway: {@code /api/chat} and {@code /api/generate} run through the same path as the OpenAI
 * routes ({@link InferenceEndpoint#submit}: the same jobs, routing, caches and limits), answered in Ollama's framing;
 * {@code /api/tags}, {@code /api/show}, {@code /api/ps}, {@code /api/version} describe the fleet's models; the routes
 * that manage models ({@code pull}, {@code push}, {@code create}, {@code copy}, {@code delete}) are refused, since
 * models are managed per board. Errors on {@code /api/} paths are Ollama's {@code {"error":"..."}}
 * ({@link HttpResponses#error}). Any request thread.
 */
final class OllamaEndpoints {
    static final String IGNORED_OPTIONS_HEADER = "x-npufleet-ignored-options";

    private final GatewayServices services;
    private final InferenceEndpoint generation;
    private final InferenceRequestParser parser;
    private final Instant started = Instant.now();

    OllamaEndpoints(GatewayServices services, InferenceEndpoint generation) {
        this.services = services;
        this.generation = generation;
        this.parser = new InferenceRequestParser(services.requests().defaultMaxTokens());
    }

    void chat(HttpCall call) {
        run(call, OllamaRequests::chat);
    }

    void generate(HttpCall call) {
        run(call, OllamaRequests::generate);
    }

    private void run(HttpCall call, Function<ObjectNode, OllamaRequest> translate) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            OllamaRequest ollama = translate.apply(JsonFields.parseObject(body));
            String model = served(ollama.model());
            if (!ollama.ignoredOptions().isEmpty()) {
                call.response().getHeaders().put(IGNORED_OPTIONS_HEADER, String.join(",", ollama.ignoredOptions()));
            }
            if (ollama.loadOnly() != null) {
                HttpResponses.json(call.response(), call.callback(), 200, ollama.format().loaded(ollama.loadOnly()));
                return;
            }
            ollama.openAi().put("model", model);
            InferenceRequest request = parser.parse(ollama.openAi(), ollama.kind());
            generation.submit(call, request, job -> new OllamaFraming(ollama.format()));
        });
    }

    /** The served model a name means ({@code name:latest} included); 404 otherwise. */
    private String served(String name) {
        return OllamaModels.resolve(name, services.models()::serves)
                .orElseThrow(() -> ErrorMapping.modelNotFound(name).toException());
    }

    void tags(HttpCall call) {
        HttpResponses.json(call.response(), call.callback(), 200, OllamaModels.tags(services.models().models(), started));
    }

    void show(HttpCall call) {
        BodyReader.read(call, services.requests().maxBodyBytes(), body -> {
            ObjectNode root = JsonFields.parseObject(body);
            String name = JsonFields.optionalString(root, "model", "model");
            if (name == null) {
                name = JsonFields.optionalString(root, "name", "name"); // the older field
            }
            if (name == null || name.isBlank()) {
                throw ErrorMapping.missingField("model").toException();
            }
            String model = served(name);
            long live = services.fleet().live(model, System.currentTimeMillis()).size();
            HttpResponses.json(call.response(), call.callback(), 200, OllamaModels.show(model, live, true, started));
        });
    }

    void ps(HttpCall call) {
        long now = System.currentTimeMillis();
        HttpResponses.json(call.response(), call.callback(), 200, OllamaModels.ps(services.models().models(),
                services.fleet().all().stream().filter(s -> services.fleet().isLive(s, now)).toList()));
    }

    void version(HttpCall call) {
        String own = OllamaEndpoints.class.getPackage().getImplementationVersion();
        HttpResponses.json(call.response(), call.callback(), 200, OllamaModels.version(own == null ? "dev" : own));
    }

    /** {@code pull}, {@code push}, {@code create}, {@code copy}, {@code delete}: models live on the boards. */
    void managed(HttpCall call) {
        call.error(new ApiError(501, ErrorMapping.INVALID_REQUEST, "models_managed_per_board", null,
                "Models are managed per board in an npufleet fleet (each worker's NPUFLEET_MODEL_PATH), not through "
                        + "this API; GET /api/tags lists the models the fleet serves."));
    }
}
