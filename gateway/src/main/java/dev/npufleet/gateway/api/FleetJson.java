package dev.npufleet.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.gateway.routing.RoutingView;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.WorkerStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** The JSON of {@code GET /v1/fleet}, {@code GET /v1/models} and {@code GET /v1/models/{id}}. Stateless; any thread. */
public final class FleetJson {
    private FleetJson() {
    }

    /**
     * Boards per model (every model served, even one without boards), with this gateway's routing state.
     *
     * @param live whether a board's status is recent enough to count it as there
     */
    public static ObjectNode fleet(Collection<String> models, List<WorkerStatus> boards, Predicate<WorkerStatus> live,
            RoutingView routing, long nowMillis) {
        Map<String, ArrayNode> byModel = new TreeMap<>();
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("object", "fleet");
        root.putObject("routing").put("policy", routing.policy().configName())
                .put("load_factor", routing.loadFactor());
        for (String model : models) {
            byModel.put(model, JsonCodec.mapper().createArrayNode());
        }
        for (WorkerStatus board : boards) {
            byModel.computeIfAbsent(board.model(), m -> JsonCodec.mapper().createArrayNode())
                    .add(board(board, live.test(board), routing, nowMillis));
        }
        ArrayNode data = root.putArray("models");
        byModel.forEach((model, array) -> {
            ObjectNode m = data.addObject();
            m.put("model", model);
            m.put("live_boards", boards.stream().filter(b -> b.model().equals(model) && live.test(b)).count());
            m.set("boards", array);
        });
        return root;
    }

    private static ObjectNode board(WorkerStatus s, boolean live, RoutingView routing, long nowMillis) {
        ObjectNode b = JsonCodec.mapper().createObjectNode();
        b.put("worker_id", s.workerId());
        b.put("status", live ? "live" : "gone");
        b.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
        b.put("runtime", s.runtime());
        b.put("abi", s.abi());
        ArrayNode partitions = b.putArray("partitions");
        s.partitions().forEach(partitions::add);
        b.put("queue_depth", s.queueDepth());
        b.put("background_depth", s.backgroundDepth());
        b.put("current_job", s.currentJob());
        b.put("prefill_tokens_per_second", s.prefillTokensPerSecond());
        b.put("decode_tokens_per_second", s.decodeTokensPerSecond());
        b.put("capacity", s.capacity());
        // the board's queue as routing weighs it: its own count, or more if this gateway's jobs are not in it yet
        int inFlight = routing.inFlight().getOrDefault(s.workerId(), 0);
        b.put("in_flight_from_this_gateway", inFlight);
        b.put("load", Math.max(s.queueDepth(), inFlight) / (s.capacity() > 0 ? s.capacity() : 1.0));
        b.put("jobs_done", s.jobsDone());
        b.put("age_ms", Math.max(0, nowMillis - s.timestamp()));
        b.put("uptime_ms", s.startedAt() > 0 ? Math.max(0, nowMillis - s.startedAt()) : 0);
        ArrayNode caches = b.putArray("caches");
        for (WorkerStatus.CacheHolding c : s.caches()) {
            caches.addObject().put("name", c.name()).put("revision", c.revision()).put("size_bytes", c.sizeBytes())
                    .put("hits", c.hits()).put("last_used", c.lastUsed());
        }
        ArrayNode pending = b.putArray("caches_being_built");
        routing.pendingCaches().getOrDefault(s.workerId(), List.of()).forEach(pending::add);
        return b;
    }

    /**
     * OpenAI's model list, each with the number of live boards serving it ({@code live_boards}, an extra field
     * clients ignore; 0 for a configured model no board serves yet: its jobs wait in Kafka for one).
     */
    public static ObjectNode models(Collection<String> models, ToLongFunction<String> liveBoards, long createdSeconds) {
        ObjectNode root = JsonCodec.mapper().createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : models) {
            data.add(model(id, liveBoards.applyAsLong(id), createdSeconds));
        }
        return root;
    }

    /** OpenAI's {@code model} object ({@code GET /v1/models/{id}}), with its live boards. */
    public static ObjectNode model(String id, long liveBoards, long createdSeconds) {
        return JsonCodec.mapper().createObjectNode().put("id", id).put("object", "model").put("created", createdSeconds)
                .put("owned_by", "npufleet").put("live_boards", liveBoards);
    }
}
