package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.WorkerStatus;
import java.util.List;

/**
 * The JSON of the named-cache API, close to RockchipLlama's ({@code object}, {@code cache_name},
 * {@code size_mb}, {@code prompt_length}), plus what a fleet adds: the revision and the boards
 * holding a built file. Stateless; any thread.
 */
public final class CacheJson {
    private static final double MB = 1024.0 * 1024.0;

    private CacheJson() {
    }

    /** A definition and, from the live boards' statuses, who holds its file. */
    public static ObjectNode cache(CacheDefinition def, List<WorkerStatus> liveBoards) {
        ObjectNode node = definition(def);
        node.put("object", "cache");
        ArrayNode boards = node.putArray("boards");
        for (WorkerStatus board : liveBoards) {
            for (WorkerStatus.CacheHolding held : board.caches()) {
                if (held.name().equals(def.name())) {
                    ObjectNode b = boards.addObject();
                    b.put("worker", board.workerId());
                    b.put("revision", held.revision());
                    // a board may still hold the file of an older definition of this name
                    b.put("current", def.revision().equals(held.revision()));
                    b.put("size_bytes", held.sizeBytes());
                    b.put("size_mb", round(held.sizeBytes() / MB));
                    b.put("hits", held.hits());
                    b.put("last_used", held.lastUsed());
                }
            }
        }
        return node;
    }

    /** The 201 answer: the definition and its first build. */
    public static ObjectNode created(CacheDefinition def, CacheBuild build, String worker) {
        ObjectNode node = definition(def);
        node.put("object", "cache.created");
        if (build != null) {
            node.put("size_mb", round(build.sizeBytes() / MB));
            ObjectNode b = node.putObject("build");
            b.put("worker", build.worker() != null ? build.worker() : worker);
            b.put("built", build.built());
            b.put("size_bytes", build.sizeBytes());
            b.put("build_ms", build.buildMs());
            b.put("tokens", build.tokens());
            node.put("message", (build.built() ? "Cache built" : "Cache already present") + " on "
                    + b.get("worker").asText() + " (" + round(build.sizeBytes() / MB) + " MB)");
        } else {
            node.put("message", "Cache defined; the board reported no build details");
        }
        return node;
    }

    public static ObjectNode deleted(String model, String name) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("object", "cache.deleted");
        node.put("model", model);
        node.put("cache_name", name);
        node.put("deleted", true);
        return node;
    }

    public static ObjectNode list(String model, List<ObjectNode> caches) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("object", "list");
        node.put("model", model);
        node.putArray("data").addAll(caches);
        return node;
    }

    private static ObjectNode definition(CacheDefinition def) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("model", def.model());
        node.put("cache_name", def.name());
        node.put("revision", def.revision());
        if (def.isChat()) {
            ArrayNode messages = node.putArray("messages");
            for (ChatMessage m : def.messages()) {
                messages.addObject().put("role", m.role()).put("content", m.content());
            }
            if (def.messages().size() == 1 && def.messages().get(0).role().equals("system")) {
                // RockchipLlama's view of a cache: its system prompt
                node.put("prompt", def.messages().get(0).content());
            }
        } else {
            node.put("raw_prefix", def.prompt());
        }
        node.put("prompt_length", promptLength(def));
        node.put("pin", def.pin());
        node.put("ttl_seconds", def.ttlSeconds());
        node.put("created_at", def.createdAt() / 1000);
        if (def.ttlSeconds() > 0) {
            node.put("expires_at", def.createdAt() / 1000 + def.ttlSeconds());
        } else {
            node.putNull("expires_at");
        }
        return node;
    }

    private static int promptLength(CacheDefinition def) {
        if (!def.isChat()) {
            return def.prompt().length();
        }
        return def.messages().stream().mapToInt(m -> m.content().length()).sum();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
