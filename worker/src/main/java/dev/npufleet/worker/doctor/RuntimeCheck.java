package dev.npufleet.worker.doctor;

import dev.npufleet.nativebridge.abi.AbiDecision;
import dev.npufleet.nativebridge.abi.AbiDetector;
import dev.npufleet.nativebridge.abi.AbiRefusedException;
import dev.npufleet.nativebridge.abi.RuntimeFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime library: readable, exports what the bridge needs, and which ABI generation it is (the same
 * decision the worker makes at start: {@link AbiDetector}). Loading it for real is the short run's part.
 * Stateless.
 */
final class RuntimeCheck {
    static final String NAME = "runtime library";
    private static final String INSTALL = "install librkllmrt.so of RKLLM 1.2.1-1.2.3 or 1.3.0 (airockchip/rknn-llm,"
            + " rkllm-runtime/Linux/librkllm_api/aarch64/) and point NPUFLEET_RUNTIME_LIBRARY at it";

    private RuntimeCheck() {
    }

    /** True when the library is the project's simulator (it exports rkllm_sim_abi_version). */
    static boolean isSimulator(Path library) {
        return RuntimeFile.read(library).functions().contains("rkllm_sim_abi_version");
    }

    static Check run(Path library, String abiSetting) {
        if (!Files.isRegularFile(library)) {
            return Check.fail(NAME, library + " does not exist", INSTALL);
        }
        if (!Files.isReadable(library)) {
            return Check.fail(NAME, library + " is not readable by this user", "chmod a+r " + library);
        }
        try {
            AbiDecision d = AbiDetector.decide(abiSetting, library);
            String detail = library + ": RKLLM ABI " + d.abi() + " (" + d.how() + "; " + String.join("; ", d.evidence())
                    + ")";
            if (!d.warnings().isEmpty()) {
                return Check.warn(NAME, detail, String.join("; ", d.warnings())
                        + ": confirm with the version the runtime logs at start (rkllm-runtime version: ...)");
            }
            return Check.pass(NAME, detail);
        } catch (AbiRefusedException e) {
            String message = e.getMessage().replaceFirst("^ABI_MISMATCH: ", "");
            boolean notRuntime = message.contains("does not export") || message.contains("not an ELF")
                    || message.contains("cannot read");
            String evidence = e.evidence().isEmpty() ? "" : " (evidence: " + String.join("; ", e.evidence()) + ")";
            return Check.fail(NAME, message + evidence, notRuntime ? INSTALL
                    : "set NPUFLEET_RKLLM_ABI as the message says, or use a librkllmrt.so of a generation the bridge"
                            + " knows (docs/RKLLM-ABI.md)");
        } catch (IllegalArgumentException e) {
            return Check.fail(NAME, e.getMessage(), "set NPUFLEET_RKLLM_ABI to auto, 1.3.0 or 1.2");
        }
    }
}
