package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimModelsTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWrote() throws IOException {
        SimModelSpec spec = new SimModelSpec("round-trip", 64, 3, 4, 128, 1024, -42L);

        Path file = SimModels.write(dir.resolve("sub/m.npfsim"), spec);

        assertThat(SimModels.read(file)).isEqualTo(spec);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void shouldWriteTheLayoutTheSimulatorReads() throws IOException {
        byte[] bytes = Files.readAllBytes(SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny()));

        assertThat(bytes).hasSize(76);
        assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("NPFSIM01");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).position(8);
        assertThat(new int[] {b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt()})
                .containsExactly(1, 259, 32, 2, 2, 64, 2048);
        assertThat(b.getLong()).isEqualTo(0x5EEDL);
        assertThat(new String(bytes, 44, 8, StandardCharsets.US_ASCII)).isEqualTo("sim-tiny");
        assertThat(Arrays.copyOfRange(bytes, 52, 76)).containsOnly(0);
    }

    @Test
    void shouldOfferTinyAndDemoPresetsByName() {
        assertThat(SimModelSpec.preset("tiny")).isEqualTo(SimModelSpec.tiny());
        assertThat(SimModelSpec.preset("demo")).isEqualTo(SimModelSpec.demo());
        assertThat(SimModelSpec.demo().dModel()).isGreaterThan(SimModelSpec.tiny().dModel());
        assertThat(SimModelSpec.demo().maxContext()).isGreaterThanOrEqualTo(4096);
        assertThat(SimModelSpec.tiny().maxContext()).isGreaterThanOrEqualTo(2048);
    }

    @Test
    void shouldRejectAnUnknownPreset() {
        assertThatThrownBy(() -> SimModelSpec.preset("huge"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"huge\"")
                .hasMessageContaining("tiny, demo");
    }

    @ParameterizedTest
    @CsvSource({"m, 30, 2, 2, 64, 2048", "m, 32, 2, 3, 64, 2048", "m, 48, 2, 4, 64, 2048", "m, 32, 0, 2, 64, 2048",
        "m, 32, 65, 2, 64, 2048", "m, 32, 2, 2, 60, 2048", "m, 32, 2, 2, 64, 8", "m, 32, 2, 2, 64, 200000",
        "m, 4096, 64, 64, 16384, 2048", "' ', 32, 2, 2, 64, 2048",
        "a-name-that-is-longer-than-32-bytes, 32, 2, 2, 64, 2048"})
    void shouldRejectSpecsTheSimulatorWouldRefuse(String name, int d, int layers, int heads, int ff, int ctx) {
        assertThatThrownBy(() -> new SimModelSpec(name, d, layers, heads, ff, ctx, 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldLeaveAnUpToDateFileAlone() throws IOException {
        Path file = SimModels.ensure(dir.resolve("m.npfsim"), SimModelSpec.tiny());
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, old);

        SimModels.ensure(file, SimModelSpec.tiny());

        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
        assertThat(SimModels.read(file)).isEqualTo(SimModelSpec.tiny());
    }

    @Test
    void shouldRewriteAFileThatHoldsAnotherSpec() throws IOException {
        Path file = SimModels.ensure(dir.resolve("m.npfsim"), SimModelSpec.tiny());

        SimModels.ensure(file, SimModelSpec.demo());

        assertThat(SimModels.read(file)).isEqualTo(SimModelSpec.demo());
    }

    @Test
    void shouldRefuseFilesThatAreNotModels() throws IOException {
        byte[] good = Files.readAllBytes(SimModels.write(dir.resolve("good"), SimModelSpec.tiny()));
        Path bad = dir.resolve("bad");

        Files.write(bad, "not a model".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SimModels.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("magic");
        Files.write(bad, Arrays.copyOf(good, 50));
        assertThatThrownBy(() -> SimModels.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("50 bytes");
        byte[] version = good.clone();
        version[8] = 2;
        Files.write(bad, version);
        assertThatThrownBy(() -> SimModels.read(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("format version 2");
        assertThatThrownBy(() -> SimModels.read(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }

    @Test
    void shouldWriteAPresetFromTheCommandLine() throws IOException {
        Path file = dir.resolve("cli/demo.npfsim");

        SimModels.main(new String[] {"demo", file.toString()});

        assertThat(SimModels.read(file)).isEqualTo(SimModelSpec.demo());
    }
}
