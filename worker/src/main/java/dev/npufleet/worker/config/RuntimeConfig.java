package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The inference runtime a worker opens: the library (or the bundled simulator), its ABI, the model
 * file, the simulator's model and options, and the runtime's limits and chat template. Immutable;
 * any thread.
 */
public record RuntimeConfig(String library, String abi, Path modelPath, String simModelPreset,
        Map<String, String> simOptions, int maxContext, int maxNewTokens, String chatTemplate, String cacheContract) {

    /** The value of {@code NPUFLEET_RUNTIME_LIBRARY} that selects the bundled simulator. */
    public static final String SIMULATOR = "simulator";

    public static final Setting LIBRARY = Setting.of("NPUFLEET_RUNTIME_LIBRARY", SIMULATOR,
            "path of `librkllmrt.so`, or `simulator` for the bundled simulator");
    public static final Setting ABI = Setting.of("NPUFLEET_RKLLM_ABI", "auto",
            "RKLLM ABI of the runtime: `auto` (read from the library's version text; refuses to start when it is "
                    + "missing or names two generations), `1.3.0` or `1.2` (1.2.1–1.2.3; checked against that text: a "
                    + "contradiction refuses to start); see [docs/RKLLM-ABI.md](docs/RKLLM-ABI.md)");
    public static final Setting MODEL_PATH = Setting.derived("NPUFLEET_MODEL_PATH",
            "simulator: generated under the state dir; else required", "model file");
    public static final Setting SIM_MODEL_PRESET = Setting.of("NPUFLEET_SIM_MODEL_PRESET", "demo",
            "simulator model written when missing: `tiny` or `demo`");
    public static final Setting SIM_OPTIONS = Setting.derived("NPUFLEET_SIM_OPTIONS", "none",
            "simulator options, `key=value,...`: `board=rk3588`, `slow_ms_per_token=20`, `crash_after_tokens=N`, "
                    + "`script=<file>` (scripted replies for tests and demos, see `native/src/main/c/sim/README.md`), "
                    + "...; the simulator also reads `RKLLM_SIM_*`");
    public static final Setting MAX_CONTEXT = Setting.of("NPUFLEET_MAX_CONTEXT", "4096",
            "runtime context length (tokens); the simulator's model may lower it");
    public static final Setting MAX_NEW_TOKENS = Setting.of("NPUFLEET_MAX_NEW_TOKENS", "512",
            "cap on tokens generated per job");
    public static final Setting CHAT_TEMPLATE = Setting.of("NPUFLEET_CHAT_TEMPLATE", "chatml",
            "chat template rendered in Java: `chatml`, `qwen2.5`, `qwen3`, `llama3`, `gemma`, `phi3`, `deepseek-r1`, "
                    + "`minicpm`, `internlm2`, `smollm`, or `jinja:<tokenizer_config.json or .jinja file>` "
                    + "(see \"Choosing a chat template\")");
    public static final Setting CACHE_CONTRACT = Setting.of("NPUFLEET_CACHE_CONTRACT", "auto",
            "how the runtime uses a loaded prompt cache: `auto` (found out at start: a greedy answer without a cache, "
                    + "then with one and the full prompt, then with one and only the rest, compared with "
                    + "`prefill_tokens`), `prefix` (send the full prompt; the runtime reuses the matching prefix), "
                    + "`append` (send only the part after the cached prefix), `off`. When neither reproduces the "
                    + "uncached answer, caches are off (logged as an error): jobs naming a cache run without it, "
                    + "`cached_tokens` 0");

    private static final Pattern ABI_VERSION = Pattern.compile("auto|1\\.[23](\\.\\d+|\\.x)?");
    private static final Pattern CONTRACT = Pattern.compile("auto|prefix|append|off");

    public RuntimeConfig {
        abi = abi.strip().toLowerCase(Locale.ROOT);
        if (!ABI_VERSION.matcher(abi).matches()) {
            throw new IllegalArgumentException(ABI.name() + ": RKLLM ABI must be auto, 1.2.x or 1.3.x: " + abi);
        }
        cacheContract = cacheContract.strip().toLowerCase(Locale.ROOT);
        if (!CONTRACT.matcher(cacheContract).matches()) {
            throw new IllegalArgumentException(CACHE_CONTRACT.name() + " must be auto, prefix, append or off: "
                    + cacheContract);
        }
        if (modelPath == null) {
            throw new IllegalArgumentException(MODEL_PATH.name() + " is required with a runtime library");
        }
        simModelPreset = simModelPreset.toLowerCase(Locale.ROOT);
        simOptions = Map.copyOf(simOptions);
        positive(MAX_CONTEXT, maxContext);
        positive(MAX_NEW_TOKENS, maxNewTokens);
    }

    /** Reads the runtime settings; the simulator's default model file lives under {@code stateDir}. */
    public static RuntimeConfig read(EnvReader env, String model, Path stateDir) {
        String library = env.string(LIBRARY);
        String preset = env.string(SIM_MODEL_PRESET).toLowerCase(Locale.ROOT);
        Path modelPath = env.path(MODEL_PATH);
        if (modelPath == null && isSimulator(library)) {
            modelPath = stateDir.resolve("models")
                    .resolve(model.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + preset + ".simmodel");
        }
        return new RuntimeConfig(library, env.string(ABI), modelPath, preset, env.pairs(SIM_OPTIONS),
                env.positiveInteger(MAX_CONTEXT), env.positiveInteger(MAX_NEW_TOKENS), env.string(CHAT_TEMPLATE),
                env.string(CACHE_CONTRACT));
    }

    public boolean usesSimulator() {
        return isSimulator(library);
    }

    public void describeTo(ConfigValues values) {
        values.add(LIBRARY, library).add(ABI, abi).add(MODEL_PATH, modelPath)
                .add(SIM_MODEL_PRESET, simModelPreset).add(SIM_OPTIONS, new TreeMap<>(simOptions))
                .add(MAX_CONTEXT, maxContext).add(MAX_NEW_TOKENS, maxNewTokens).add(CHAT_TEMPLATE, chatTemplate)
                .add(CACHE_CONTRACT, cacheContract);
    }

    private static boolean isSimulator(String library) {
        return SIMULATOR.equalsIgnoreCase(library);
    }
}
