package dev.npufleet.nativebridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds and loads the JNI bridge {@code libnpufleet.so}, and finds the simulator runtimes packaged
 * beside it. Owns the temporary directory that libraries taken from the jar are extracted to (deleted
 * at JVM exit). Thread-safe: every method may be called from any thread.
 */
public final class NativeLibrary {
    /** System property: the bridge as a file path, tried first. */
    public static final String LIBRARY_PROPERTY = "npufleet.native.library";
    /** Environment variable: the bridge as a file path, tried when the property is not set. */
    public static final String LIBRARY_ENV = "NPUFLEET_NATIVE_LIBRARY";
    /** System property: a directory holding {@code <platform>/lib*.so}, used for the simulator libraries. */
    public static final String DIR_PROPERTY = "npufleet.native.dir";

    private static final String BRIDGE = "libnpufleet.so";
    private static final Map<AbiVersion, Path> SIMULATORS = new EnumMap<>(AbiVersion.class);
    private static boolean loaded;
    private static Path extractDir;

    private NativeLibrary() {
    }

    /**
     * Loads the bridge once per JVM (later calls return at once). Tries, in order: the file named by
     * {@value #LIBRARY_PROPERTY} or else {@value #LIBRARY_ENV}; {@code System.loadLibrary("npufleet")}
     * ({@code java.library.path}); the copy in the jar ({@code /native/<platform>/libnpufleet.so}),
     * extracted to a temporary directory.
     *
     * @throws UnsatisfiedLinkError naming every place tried and why each failed
     */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        List<String> tried = new ArrayList<>();
        String configured = System.getProperty(LIBRARY_PROPERTY);
        String source = "system property " + LIBRARY_PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(LIBRARY_ENV);
            source = "environment variable " + LIBRARY_ENV;
        }
        if (configured != null && !configured.isBlank()) {
            Path file = Path.of(configured).toAbsolutePath();
            if (attempt(() -> System.load(file.toString()), source + " (" + file + ")", tried)) {
                return;
            }
        } else {
            tried.add(LIBRARY_PROPERTY + " / " + LIBRARY_ENV + ": not set");
        }
        if (attempt(() -> System.loadLibrary("npufleet"),
                "java.library.path (" + System.getProperty("java.library.path") + ")", tried)) {
            return;
        }
        String resource = resourceName(BRIDGE);
        if (attempt(() -> System.load(extract(resource).toString()), "the jar (" + resource + ")", tried)) {
            return;
        }
        throw new UnsatisfiedLinkError("cannot load the npufleet JNI bridge " + BRIDGE + " for " + platform()
                + "; tried: " + String.join("; ", tried));
    }

    private static boolean attempt(LoadStep step, String place, List<String> tried) {
        try {
            step.load();
            loaded = true;
            return true;
        } catch (UnsatisfiedLinkError | IOException | SecurityException e) {
            tried.add(place + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * The simulator runtime for an ABI generation ({@code librkllm_sim.so} for 1.3.0,
     * {@code librkllm_sim_v12.so} for 1.2.x) for this platform: from {@value #DIR_PROPERTY}
     * ({@code <dir>/<platform>/}) when set, else extracted from the jar.
     *
     * @throws IllegalStateException when it is in neither place
     */
    public static synchronized Path simulatorLibrary(AbiVersion abi) {
        String name = abi == AbiVersion.V1_3_0 ? "librkllm_sim.so" : "librkllm_sim_v12.so";
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path file = Path.of(dir, platform(), name).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no simulator " + file + " (from " + DIR_PROPERTY + "=" + dir + ")");
            }
            return file;
        }
        Path cached = SIMULATORS.get(abi);
        if (cached != null) {
            return cached;
        }
        try {
            Path file = extract(resourceName(name));
            SIMULATORS.put(abi, file);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("no simulator " + name + " for " + platform() + ": " + e.getMessage(), e);
        }
    }

    /** This JVM's platform as the jar's folders name it: {@code linux-x86_64}, {@code linux-aarch64}. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.replaceAll("[^a-z0-9]", "");
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    private static String resourceName(String file) {
        return "/native/" + platform() + "/" + file;
    }

    private static Path extract(String resource) throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource + " on the class path");
            }
            if (extractDir == null) {
                extractDir = Files.createTempDirectory("npufleet-native");
                extractDir.toFile().deleteOnExit();
            }
            Path file = extractDir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            // Registered after the directory, so deleted before it at exit.
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    @FunctionalInterface
    private interface LoadStep {
        void load() throws IOException;
    }
}
