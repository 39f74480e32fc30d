package dev.npufleet.worker.doctor;

import dev.npufleet.nativebridge.SimModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model file: readable, a simulator model that is whole, or a converted model no larger than the free
 * memory and converted for this SoC where the file names one (rkllm-toolkit writes its target platform into
 * the file). Stateless.
 */
final class ModelCheck {
    static final String NAME = "model file";
    private static final Pattern PLATFORM = Pattern.compile("(?i)\\b(RK3588|RK3576|RK3562|RV1126B)\\b");
    private static final int HEAD = 1 << 20;

    private ModelCheck() {
    }

    static Check run(Path model, HostPaths host) {
        if (!Files.isRegularFile(model)) {
            return Check.fail(NAME, model + " does not exist", "set NPUFLEET_MODEL_PATH to the converted .rkllm file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(model)) {
            head = in.readNBytes(HEAD);
        } catch (IOException | SecurityException e) {
            return Check.fail(NAME, "cannot read " + model + ": " + e.getMessage(),
                    "let the worker's user read it: chmod a+r " + model + " (and a+x on its folders)");
        }
        if (new String(head, 0, Math.min(8, head.length), StandardCharsets.ISO_8859_1).equals("NPFSIM01")) {
            try {
                SimModels.read(model);
                return Check.pass(NAME, model + ": a simulator model");
            } catch (IOException e) {
                return Check.fail(NAME, "not a whole simulator model: " + e.getMessage(),
                        "delete it: a simulator worker writes it again (NPUFLEET_SIM_MODEL_PRESET)");
            }
        }
        return converted(model, head, host);
    }

    private static Check converted(Path model, byte[] head, HostPaths host) {
        long size;
        try {
            size = Files.size(model);
        } catch (IOException e) {
            return Check.fail(NAME, "cannot size " + model + ": " + e.getMessage(), "check the file system");
        }
        String mib = size / (1 << 20) + " MiB";
        Optional<String> target = platform(new String(head, StandardCharsets.ISO_8859_1));
        Optional<String> soc = host.read("/proc/device-tree/compatible").flatMap(ModelCheck::platform);
        if (target.isPresent() && soc.isPresent() && !target.get().equals(soc.get())) {
            return Check.fail(NAME, model + " (" + mib + ") was converted for " + target.get() + ", this board is "
                    + soc.get(), "convert the model again with rkllm-toolkit, target_platform='" + soc.get().toLowerCase(Locale.ROOT) + "'");
        }
        Optional<Long> free = memAvailable(host);
        String where = target.map(t -> ", converted for " + t).orElse(", target SoC not named in the file");
        if (free.isPresent() && size > free.get()) {
            return Check.fail(NAME, model + " (" + mib + where + ") is larger than the free memory ("
                    + free.get() / (1 << 20) + " MiB)", "use a smaller or more quantised model (w8a8, w4a16), or free memory");
        }
        if (free.isPresent() && size > free.get() * 0.8) {
            return Check.warn(NAME, model + " (" + mib + where + ") leaves little memory for the KV cache ("
                    + free.get() / (1 << 20) + " MiB free)", "lower NPUFLEET_MAX_CONTEXT, or use a smaller model");
        }
        return Check.pass(NAME, model + " (" + mib + where + free.map(f -> ", " + f / (1 << 20) + " MiB free").orElse("") + ")");
    }

    private static Optional<String> platform(String text) {
        Matcher m = PLATFORM.matcher(text);
        return m.find() ? Optional.of(m.group(1).toUpperCase(Locale.ROOT)) : Optional.empty();
    }

    private static Optional<Long> memAvailable(HostPaths host) {
        return host.read("/proc/meminfo").flatMap(t -> t.lines().filter(l -> l.startsWith("MemAvailable:")).findFirst())
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024);
    }
}
