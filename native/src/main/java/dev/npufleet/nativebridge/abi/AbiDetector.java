package dev.npufleet.nativebridge.abi;

import dev.npufleet.nativebridge.AbiVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which RKLLM ABI generation a runtime library speaks, from evidence in the file (its version
 * text, its exported functions), against the configured setting ({@code auto} or a generation). A
 * mismatch is undefined behaviour in C, so where the evidence is missing under {@code auto}, or
 * contradicts the setting, or names two generations, it refuses with {@link AbiRefusedException}
 * instead of guessing. The evidence and the rules: docs/RKLLM-ABI.md. Stateless; any thread.
 */
public final class AbiDetector {
    /** The setting that asks for detection. */
    public static final String AUTO = "auto";

    /** The functions the bridge cannot work without (the same list as bridge/runtime.c's required ones). */
    public static final List<String> REQUIRED = List.of("rkllm_createDefaultParam", "rkllm_init", "rkllm_run",
            "rkllm_abort", "rkllm_destroy", "rkllm_load_prompt_cache", "rkllm_release_prompt_cache",
            "rkllm_clear_kv_cache", "rkllm_set_chat_template");

    /** "rkllm-runtime version: 1.2.1" as the vendor runtime logs it at init; the literal may sit in one string. */
    private static final Pattern VERSION_TEXT =
            Pattern.compile("rkllm-runtime version:? ?v?(\\d+\\.\\d+\\.\\d+(?:[a-z]+\\d*)?)");
    /** A bare version literal, taken only where the file also holds the version format string. */
    private static final Pattern BARE_VERSION = Pattern.compile("v?(1\\.\\d+\\.\\d+(?:b\\d+)?)");
    /** Functions absent from the 1.1.x headers and present from 1.2 on. */
    private static final List<String> SINCE_1_2 = List.of("rkllm_set_function_tools", "rkllm_get_kv_cache_size");

    private AbiDetector() {
    }

    /** True when the setting asks for detection (blank counts as {@code auto}). */
    public static boolean isAuto(String setting) {
        return setting == null || setting.isBlank() || setting.strip().equalsIgnoreCase(AUTO);
    }

    /**
     * The generation to use for the library at {@code library} under {@code setting}.
     *
     * @throws AbiRefusedException when the library must not be called with either generation's structs
     * @throws IllegalArgumentException when the setting is neither {@code auto} nor a known generation
     */
    public static AbiDecision decide(String setting, Path library) {
        AbiVersion configured = isAuto(setting) ? null : AbiVersion.parse(setting);
        RuntimeFile file = RuntimeFile.read(library);
        List<String> evidence = new ArrayList<>();
        if (file.readError() != null) {
            return withoutEvidence(configured, file.readError(), evidence);
        }
        List<String> missing = REQUIRED.stream().filter(f -> !file.functions().contains(f)).toList();
        if (!missing.isEmpty()) {
            throw new AbiRefusedException(library + " does not export " + String.join(", ", missing)
                    + ": it is not an RKLLM runtime (librkllmrt.so) or not a complete one", evidence);
        }
        evidence.add("exports the " + REQUIRED.size() + " rkllm_* functions the bridge needs");
        if (file.functions().contains("rkllm_sim_abi_version")) {
            evidence.add("exports rkllm_sim_abi_version: the npufleet simulator (the bridge also asks it at open)");
        }
        Set<String> versions = versions(file);
        Set<AbiVersion> generations = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (String v : versions) {
            AbiVersion g = generationOf(v);
            evidence.add("version text " + v + (g == null ? " (not a generation this bridge knows)" : " → " + g));
            if (g == null) {
                unknown.add(v);
            } else {
                generations.add(g);
            }
        }
        boolean older = SINCE_1_2.stream().noneMatch(file.functions()::contains);
        if (older) {
            evidence.add("exports neither " + String.join(" nor ", SINCE_1_2) + " (as RKLLM 1.1.x and older)");
        }
        return judge(configured, library, generations, unknown, older, evidence);
    }

    private static AbiDecision judge(AbiVersion configured, Path library, Set<AbiVersion> generations,
            List<String> unknown, boolean older, List<String> evidence) {
        String fix = " Use the librkllmrt.so of RKLLM 1.2.1-1.2.3 or 1.3.0, or check its rkllm.h against docs/RKLLM-ABI.md"
                + " and set NPUFLEET_RKLLM_ABI to the generation it matches.";
        if (generations.size() > 1) {
            throw new AbiRefusedException(library + " carries version text of two ABI generations " + generations
                    + ": cannot tell which structs it takes." + fix, evidence);
        }
        if (generations.size() == 1) {
            AbiVersion found = generations.iterator().next();
            if (configured != null && configured != found) {
                throw new AbiRefusedException("NPUFLEET_RKLLM_ABI=" + configured + " but " + library + " is RKLLM "
                        + found + " by its version text: set NPUFLEET_RKLLM_ABI=" + found + " (or auto)", evidence);
            }
            return new AbiDecision(found, configured == null ? "detected" : "configured, confirmed", evidence, List.of());
        }
        if (older && configured == null) {
            throw new AbiRefusedException(library + " looks like RKLLM 1.1.x or older, which this bridge does not speak."
                    + fix, evidence);
        }
        String why = unknown.isEmpty() ? library + " carries no RKLLM version text"
                : library + " is RKLLM " + String.join(", ", unknown) + ", a version this bridge has no layout for";
        return withoutEvidence(configured, why, evidence);
    }

    private static AbiDecision withoutEvidence(AbiVersion configured, String why, List<String> evidence) {
        if (configured == null) {
            throw new AbiRefusedException(why + ", so NPUFLEET_RKLLM_ABI=auto cannot decide which structs it takes."
                    + " Check the version the runtime logs at start (\"rkllm-runtime version: ...\") and set"
                    + " NPUFLEET_RKLLM_ABI=1.3.0 or 1.2 explicitly.", evidence);
        }
        return new AbiDecision(configured, "configured, unconfirmed", evidence,
                List.of(why + "; trusting NPUFLEET_RKLLM_ABI=" + configured + " (a wrong setting is undefined behaviour)"));
    }

    /** The versions the file's text names: full "rkllm-runtime version: X" strings, else bare literals. */
    static Set<String> versions(RuntimeFile file) {
        Set<String> found = new TreeSet<>();
        boolean format = false;
        for (String s : file.strings()) {
            Matcher m = VERSION_TEXT.matcher(s);
            while (m.find()) {
                found.add(m.group(1));
            }
            format |= s.contains("rkllm-runtime version");
        }
        if (found.isEmpty() && format) {
            for (String s : file.strings()) {
                Matcher m = BARE_VERSION.matcher(s.strip());
                if (m.matches()) {
                    found.add(m.group(1));
                }
            }
        }
        return found;
    }

    /** 1.2.1-1.2.3 → 1.2.x, 1.3.0 → 1.3.0, anything else null (no layout known for it). */
    static AbiVersion generationOf(String version) {
        String v = version.toLowerCase(Locale.ROOT).replaceFirst("b\\d+$", "");
        return switch (v) {
            case "1.2.1", "1.2.2", "1.2.3" -> AbiVersion.V1_2_X;
            case "1.3.0" -> AbiVersion.V1_3_0;
            default -> null;
        };
    }
}
