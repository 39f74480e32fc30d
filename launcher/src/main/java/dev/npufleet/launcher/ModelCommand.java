package dev.npufleet.launcher;

import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleet model}: writes a model file for the RKLLM simulator. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Write a model file for the RKLLM simulator (its weights are generated from the file's seed).")
final class ModelCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--preset", defaultValue = "demo", description = "tiny (tests) or demo (default: ${DEFAULT-VALUE}).")
    String preset;

    @Parameters(index = "0", description = "Where to write the model file.")
    Path file;

    @Override
    public Integer call() throws java.io.IOException {
        SimModelSpec spec = SimModelSpec.preset(preset);
        SimModels.write(file, spec);
        System.out.println("wrote " + file + ": " + spec);
        return 0;
    }
}
