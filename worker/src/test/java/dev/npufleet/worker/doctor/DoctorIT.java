package dev.npufleet.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.nativebridge.AbiVersion;
import dev.npufleet.nativebridge.NativeLibrary;
import dev.npufleet.nativebridge.SimModelSpec;
import dev.npufleet.nativebridge.SimModels;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet doctor} on the simulator through the real bridge, and on setups broken on purpose: each breaks
 * the line it should, with the advice for it.
 */
@ExtendWith(KafkaTestBroker.class)
class DoctorIT {
    @TempDir
    Path dir;

    private WorkerConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("NPUFLEET_WORKER_ID", "doctor-board",
                "NPUFLEET_STATE_DIR", dir.resolve("state").toString(), "NPUFLEET_SIM_MODEL_PRESET", "tiny"));
        env.putAll(extra);
        return WorkerConfig.fromEnv(env);
    }

    private HostPaths emptyHost() throws IOException {
        return new HostPaths(Files.createDirectories(dir.resolve("host")));
    }

    private static Check line(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
                "no line " + name + " in " + checks));
    }

    private Path model() throws IOException {
        return SimModels.write(dir.resolve("tiny.npfsim"), SimModelSpec.tiny());
    }

    @Test
    void shouldPassOnTheSimulatorWithFiguresFromAShortRealRun() throws IOException {
        List<Check> checks = Doctor.full(config(Map.of()), emptyHost(), false);

        assertThat(Doctor.passed(checks)).as(Doctor.text(checks)).isTrue();
        assertThat(line(checks, "npu device").status()).isEqualTo(Check.Status.SKIP);
        assertThat(line(checks, "runtime library").detail()).contains("ABI 1.3.0 (detected");
        assertThat(line(checks, "cache contract").detail()).startsWith("prefix");
        Check cache = line(checks, "prompt cache");
        assertThat((int) cache.figures().get("prefill_tokens_cached"))
                .isLessThan((int) cache.figures().get("prefill_tokens_uncached"));
        assertThat((double) line(checks, "short run").figures().get("decode_tps")).isPositive();
        assertThat(line(checks, "abort").status()).isEqualTo(Check.Status.PASS);
        assertThat(line(checks, "kafka").status()).isEqualTo(Check.Status.SKIP);
        JsonNode json = JsonCodec.mapper().readTree(Doctor.json(checks));
        assertThat(json.get("passed").asBoolean()).isTrue();
        assertThat(json.get("checks")).hasSize(checks.size());
    }

    @Test
    void shouldFailTheRuntimeLineForAMissingLibraryAndSkipTheRun() throws IOException {
        List<Check> checks = Doctor.full(config(Map.of("NPUFLEET_RUNTIME_LIBRARY", dir.resolve("librkllmrt.so").toString(),
                "NPUFLEET_MODEL_PATH", model().toString())), emptyHost(), false);

        Check runtime = line(checks, "runtime library");
        assertThat(runtime.status()).isEqualTo(Check.Status.FAIL);
        assertThat(runtime.detail()).contains("does not exist");
        assertThat(runtime.fix()).contains("install librkllmrt.so").contains("NPUFLEET_RUNTIME_LIBRARY");
        assertThat(line(checks, "short run").status()).isEqualTo(Check.Status.SKIP);
        assertThat(Doctor.passed(checks)).isFalse();
    }

    @Test
    void shouldFailTheRuntimeLineForTheOtherAbisLibrary() throws IOException {
        List<Check> checks = Doctor.quick(config(Map.of("NPUFLEET_RUNTIME_LIBRARY",
                NativeLibrary.simulatorLibrary(AbiVersion.V1_2_X).toString(), "NPUFLEET_MODEL_PATH", model().toString(),
                "NPUFLEET_RKLLM_ABI", "1.3.0")).runtime(), emptyHost());

        Check runtime = line(checks, "runtime library");
        assertThat(runtime.status()).isEqualTo(Check.Status.FAIL);
        assertThat(runtime.detail()).contains("set NPUFLEET_RKLLM_ABI=1.2.x");
    }

    @Test
    void shouldFailTheModelLineForATruncatedOrUnreadableModel() throws IOException {
        Path model = model();
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Map<String, String> env = Map.of("NPUFLEET_RUNTIME_LIBRARY",
                NativeLibrary.simulatorLibrary(AbiVersion.V1_3_0).toString(), "NPUFLEET_MODEL_PATH", model.toString());

        List<Check> truncated = Doctor.full(config(env), emptyHost(), false);
        assertThat(line(truncated, "model file").status()).isEqualTo(Check.Status.FAIL);
        assertThat(line(truncated, "model file").detail()).contains("not a whole simulator model");
        assertThat(line(truncated, "short run").status()).isEqualTo(Check.Status.SKIP);

        Files.setPosixFilePermissions(model, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(model)).as("running as root: every file is readable").isFalse();
        Check unreadable = line(Doctor.quick(config(env).runtime(), emptyHost()), "model file");
        assertThat(unreadable.status()).isEqualTo(Check.Status.FAIL);
        assertThat(unreadable.fix()).contains("chmod a+r");
    }

    @Test
    void shouldFailTheDeviceLineOfAVendorRuntimeWithoutTheVendorDriver() throws IOException {
        Path fake = Path.of(System.getProperty("npufleet.test.fake.runtime"));
        assertThat(fake).isRegularFile();
        WorkerConfig config = config(Map.of("NPUFLEET_RUNTIME_LIBRARY", fake.toString(), "NPUFLEET_MODEL_PATH",
                model().toString()));
        HostPaths host = emptyHost();

        Check none = line(Doctor.quick(config.runtime(), host), "npu device");
        assertThat(none.status()).isEqualTo(Check.Status.FAIL);
        assertThat(none.detail()).contains("no NPU device node");

        Path accel = Files.createDirectories(host.at("/sys/class/accel/accel0/device"));
        Files.createSymbolicLink(accel.resolve("driver"), Path.of("../../../../bus/platform/drivers/rocket"));
        Check mainline = line(Doctor.quick(config.runtime(), host), "npu device");
        assertThat(mainline.status()).isEqualTo(Check.Status.FAIL);
        assertThat(mainline.detail()).contains("mainline 'rocket'");
        assertThat(mainline.fix()).contains("vendor) kernel");

        Path render = Files.createDirectories(host.at("/sys/class/drm/renderD129/device"));
        Files.createSymbolicLink(render.resolve("driver"), Path.of("../../../../bus/platform/drivers/rknpu"));
        Files.createDirectories(host.at("/dev/dri"));
        Files.createFile(host.at("/dev/dri/renderD129"));
        Files.createDirectories(host.at("/sys/module/rknpu"));
        Files.writeString(host.at("/sys/module/rknpu/version"), "0.9.8\n");
        Check vendor = line(Doctor.quick(config.runtime(), host), "npu device");
        assertThat(vendor.status()).as(vendor.render()).isEqualTo(Check.Status.PASS);
        assertThat(vendor.detail()).contains("/dev/dri/renderD129").contains("rknpu driver 0.9.8");
    }

    @Test
    void shouldFailTheKafkaLineWhenTheBrokerIsDownAndPassWhenItIsUp(KafkaTestBroker.Broker broker) {
        Check down = KafkaCheck.run(config(Map.of("NPUFLEET_BOOTSTRAP_SERVERS", "127.0.0.1:1")));
        assertThat(down.status()).isEqualTo(Check.Status.FAIL);
        assertThat(down.detail()).contains("cannot reach Kafka at 127.0.0.1:1");
        assertThat(down.fix()).contains("NPUFLEET_BOOTSTRAP_SERVERS");

        Check up = KafkaCheck.run(config(Map.of("NPUFLEET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "NPUFLEET_TOPIC_PREFIX", KafkaTestBroker.uniqueName("doctor") + ".")));
        assertThat(up.status()).isEqualTo(Check.Status.WARN);
        assertThat(up.detail()).contains("1 broker(s)").contains("topics not there yet");
    }
}
