package dev.npufleet.gateway.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Ollama's model names and model objects over the fleet's models: {@code name:latest} resolves to the served model
 * {@code name} (the fleet serves one version of each model, so {@code latest} is the only tag); {@code /api/tags},
 * {@code /api/show}, {@code /api/ps} and {@code /api/version} bodies. Sizes and quantisation are not known to the
 * gateway (they live with each board's model file): 0 and empty. Stateless; any thread.
 */
public final class OllamaModels {
    /** The Ollama API version whose routes and objects the gateway follows. */
    public static final String API_VERSION = "0.12.0";
    private static final String TAG = ":latest";
    /** A board keeps its model loaded for as long as its worker runs: Ollama's "forever". */
    private static final String FOREVER = "9999-12-31T23:59:59Z";

    private OllamaModels() {
    }

    /** The served model a client's name means: itself, or without its {@code :latest} tag. */
    public static Optional<String> resolve(String name, Predicate<String> served) {
        if (served.test(name)) {
            return Optional.of(name);
        }
        if (name.endsWith(TAG) && served.test(name.substring(0, name.length() - TAG.length()))) {
            return Optional.of(name.substring(0, name.length() - TAG.length()));
        }
        return Optional.empty();
    }

    /** {@code GET /api/tags}: every served model, tagged {@code latest}. */
    public static ObjectNode tags(Collection<String> models, Instant since) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        ArrayNode list = root.putArray("models");
        for (String model : models) {
            ObjectNode m = entry(model);
            m.put("modified_at", since.toString());
            list.add(m);
        }
        return root;
    }

    /** {@code POST /api/show}: what the gateway knows of one served model. */
    public static ObjectNode show(String model, long liveBoards, boolean embeddings, Instant since) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("license", "");
        root.put("modelfile", "# " + model + " is served by " + liveBoards + " live board(s) of an npufleet fleet;\n"
                + "# models are managed per board (NPUFLEET_MODEL_PATH), not through this API.\nFROM " + model + "\n");
        root.put("parameters", "");
        root.put("template", "");
        root.set("details", details());
        root.putObject("model_info").put("general.architecture", "rkllm").put("npufleet.live_boards", liveBoards);
        ArrayNode capabilities = root.putArray("capabilities").add("completion");
        if (embeddings) {
            capabilities.add("embedding");
        }
        root.put("modified_at", since.toString());
        return root;
    }

    /** {@code GET /api/ps}: the models live boards hold, each with its boards (an extra field) and what they hold. */
    public static ObjectNode ps(Collection<String> models, List<WorkerStatus> liveBoards) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        ArrayNode list = root.putArray("models");
        for (String model : models) {
            List<WorkerStatus> boards = liveBoards.stream().filter(b -> b.model().equals(model)).toList();
            if (boards.isEmpty()) {
                continue;
            }
            ObjectNode m = entry(model);
            m.put("expires_at", FOREVER);
            m.put("size_vram", 0);
            ArrayNode array = m.putArray("boards");
            for (WorkerStatus b : boards) {
                ObjectNode board = array.addObject().put("worker_id", b.workerId())
                        .put("state", b.state().name().toLowerCase(Locale.ROOT)).put("queue_depth", b.queueDepth())
                        .put("current_job", b.currentJob());
                ArrayNode caches = board.putArray("caches");
                b.caches().forEach(c -> caches.add(c.name()));
            }
            list.add(m);
        }
        return root;
    }

    public static ObjectNode version(String npufleetVersion) {
        return JsonCodec.mapper().createObjectNode().put("version", API_VERSION).put("npufleet", npufleetVersion);
    }

    private static ObjectNode entry(String model) {
        ObjectNode m = JsonCodec.mapper().createObjectNode();
        m.put("name", model + TAG);
        m.put("model", model + TAG);
        m.put("size", 0);
        m.put("digest", digest(model));
        m.set("details", details());
        return m;
    }

    private static ObjectNode details() {
        ObjectNode d = JsonCodec.mapper().createObjectNode();
        d.put("parent_model", "");
        d.put("format", "rkllm");
        d.put("family", "");
        d.putArray("families");
        d.put("parameter_size", "");
        d.put("quantization_level", "");
        return d;
    }

    /** A stable digest per model name (Ollama's is the manifest's; the fleet has none): sha256 of the name. */
    private static String digest(String model) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(model.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
