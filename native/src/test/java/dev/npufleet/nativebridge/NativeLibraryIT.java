package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NativeLibraryIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(AbiVersion.class)
    void shouldFindTheSimulatorForEachGeneration(AbiVersion abi) {
        Path lib = NativeLibrary.simulatorLibrary(abi);

        assertThat(lib).isRegularFile().isAbsolute();
        assertThat(lib.getFileName().toString())
                .isEqualTo(abi == AbiVersion.V1_3_0 ? "librkllm_sim.so" : "librkllm_sim_v12.so");
        assertThat(lib.getParent().getFileName().toString()).isEqualTo(NativeLibrary.platform());
    }

    @Test
    void shouldLoadTheBridgeTwiceWithoutComplaint() {
        NativeLibrary.load();
        NativeLibrary.load();
    }

    /** In a child JVM whose class path has the binding's classes (and the probe) but no native folder. */
    @Test
    void shouldNameEveryPlaceTriedWhenTheBridgeIsNowhere() throws IOException, InterruptedException {
        Path classes = dir.resolve("classes");
        copyClassFiles(NativeLibrary.class, classes);
        copyClassFiles(LoadProbe.class, classes);
        Path bogus = dir.resolve("nowhere/libnpufleet.so");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", classes.toString(),
                "-Djava.library.path=" + dir.resolve("empty"), "-D" + NativeLibrary.LIBRARY_PROPERTY + "=" + bogus,
                LoadProbe.class.getName()))
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(child.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("UnsatisfiedLinkError")
                .contains(bogus.toString())
                .contains("java.library.path (" + dir.resolve("empty") + ")")
                .contains("/native/" + NativeLibrary.platform() + "/libnpufleet.so");
        assertThat(classes.resolve("native")).doesNotExist();
    }

    /** Copies the .class files of cls's package (from a directory or a jar) into target, without anything else. */
    private static void copyClassFiles(Class<?> cls, Path target) throws IOException {
        Path location = Path.of(cls.getProtectionDomain().getCodeSource().getLocation().getPath());
        String pkg = cls.getPackageName().replace('.', '/');
        Path out = Files.createDirectories(target.resolve(pkg));
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
            Path root = jar == null ? location : jar.getPath("/");
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    Files.copy(f, out.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Entry point of the child JVM. */
    static final class LoadProbe {
        public static void main(String[] args) {
            try {
                NativeLibrary.load();
                System.exit(0);
            } catch (UnsatisfiedLinkError e) {
                System.out.println(e);
                System.exit(3);
            }
        }
    }
}
