package dev.npufleet.worker.engine;

import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the simulator's model file from a preset when it is missing. Start-up thread. */
final class SimulatorModels {

    private SimulatorModels() {
    }

    /**
     * Makes sure {@code file} holds the simulator model of {@code preset} ({@code tiny} or
     * {@code demo}); a file holding another spec is rewritten.
     *
     * @return the context length to open it with: {@code maxContext}, lowered to the model's own
     * @throws NpuLostException when the file cannot be written or the preset is unknown
     */
    static int ensure(Path file, String preset, int maxContext) {
        try {
            SimModelSpec spec = SimModelSpec.preset(preset);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SimModels.ensure(file, spec);
            return Math.min(maxContext, spec.maxContext());
        } catch (IOException | IllegalArgumentException e) {
            throw new NpuLostException("cannot prepare the simulator model " + file + ": " + e.getMessage(), e);
        }
    }
}
