package dev.npufleet.worker.engine;

import java.nio.file.Path;

/** Writes the simulator's model file from a preset when it is missing. Start-up thread. */
final class SimulatorModels {

    private SimulatorModels() {
    }

    /**
     * Makes sure {@code file} holds a simulator model ({@code preset}: tiny or demo).
     *
     * @return the context length to open it with: {@code maxContext}, lowered to the model's own
     */
    static int ensure(Path file, String preset, int maxContext) {
        throw new UnsupportedOperationException("the simulator model writer (SimModels) is not in the native module yet");
    }
}
