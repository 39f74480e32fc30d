package dev.npufleet.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The demo's scripted replies (the simulator's scripted mode): its random weights cannot call a tool or think,
 * so the demo's tool-calling and thinking examples are answered from this file, still token by token through
 * the real path. Any other prompt is answered by the model. Never used by the benchmarks. Start-up thread.
 */
final class DemoScript {
    /** The question of the banner's tool-calling example. */
    static final String WEATHER = "What is the weather in Oslo?";
    /** The question of the banner's thinking example. */
    static final String THINK = "Why do boards need caches?";

    private static final String TEXT = """
            # npufleet demo: scripted replies (see native/src/main/c/sim/README.md, "Scripted mode")
            >>> %s
            <tool_call>
            {"name": "get_weather", "arguments": {"city": "Oslo"}}
            </tool_call>
            >>> <tool_response>
            It is 3 °C and windy in Oslo: take a coat.
            >>> %s
            <think>
            A board spends seconds prefilling a long system prompt; a cache holds that state.
            </think>

            Because prefill is the slow part: a cached prompt skips it.
            """.formatted(WEATHER, THINK);

    private DemoScript() {
    }

    /** Writes the script under {@code dataDir}; returns the workers' settings that use it. */
    static Map<String, String> workerEnv(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path file = Files.writeString(dataDir.resolve("demo-replies.txt"), TEXT);
            // qwen3 renders plain chats exactly as chatml does, and also takes tools and the thinking switch
            return Map.of("NPUFLEET_SIM_OPTIONS", "script=" + file.toAbsolutePath(), "NPUFLEET_CHAT_TEMPLATE", "qwen3");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's script under " + dataDir, e);
        }
    }
}
