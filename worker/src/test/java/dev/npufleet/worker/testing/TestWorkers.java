package dev.npufleet.worker.testing;

import dev.npufleet.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Worker configurations for integration tests: the simulator's tiny model, small timeouts. */
public final class TestWorkers {
    private TestWorkers() {
    }

    public static WorkerConfig config(String bootstrap, String prefix, String workerId, Path state,
            Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", bootstrap);
        env.put("NPUFLEET_WORKER_ID", workerId);
        env.put("NPUFLEET_TOPIC_PREFIX", prefix);
        env.put("NPUFLEET_STATE_DIR", state.toString());
        env.put("NPUFLEET_SIM_MODEL_PRESET", "tiny");
        env.put("NPUFLEET_JOB_PARTITIONS", "2");
        env.put("NPUFLEET_HEARTBEAT_MS", "300");
        env.put("NPUFLEET_SESSION_TIMEOUT_MS", "6000");
        env.put("NPUFLEET_DRAIN_TIMEOUT_MS", "3000");
        env.put("NPUFLEET_MAX_NEW_TOKENS", "48");
        env.put("NPUFLEET_CACHE_LOOKUP_MS", "3000");
        env.putAll(extra);
        return WorkerConfig.fromEnv(env);
    }

    /** Tokens of a text for the simulator's byte-level tokenizer (ChatML markers are one token each). */
    public static int simTokens(String text) {
        return text.replace("<|im_start|>", "\u0001").replace("<|im_end|>", "\u0001")
                .replace("<|endoftext|>", "\u0001").getBytes(StandardCharsets.UTF_8).length;
    }
}
