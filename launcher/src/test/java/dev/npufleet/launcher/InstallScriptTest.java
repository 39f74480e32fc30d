package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/board/install.sh in its --dry-run mode (the only mode that runs off a board): on a fresh root it
 * says it would install everything and changes nothing; on a root where everything is in place it says so
 * (idempotent) and would only check and start.
 */
class InstallScriptTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPO.resolve("deploy/board/install.sh");

    @TempDir
    Path dir;

    private record Result(int code, String out) {
    }

    private Result dryRun(Path root, Path jar) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "--dry-run", "--jar", jar.toString())
                .redirectErrorStream(true);
        pb.environment().put("NPUFLEET_INSTALL_ROOT", root.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void shouldSayWhatItWouldInstallOnAFreshBoardAndChangeNothing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("fresh"));
        Path jar = Files.writeString(dir.resolve("npufleet-launcher.jar"), "jar bytes");

        Result r = dryRun(root, jar);

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("dry run: nothing is changed")
                .containsPattern("ok: a JRE 17\\+ is installed|would: installing openjdk-17-jre-headless")
                .contains("would: installing " + root + "/opt/npufleet/npufleet-launcher.jar")
                .contains("would: installing " + root + "/etc/systemd/system/npufleet-worker.service")
                .contains("would: installing " + root + "/etc/npufleet/worker.env from the template")
                .contains("would: run fleet doctor as npufleet")
                .contains("would: enabling and (re)starting npufleet-worker");
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void shouldLeaveAnInstalledBoardAsItIsAndOnlyCheckAndStartIt() throws Exception {
        Path root = dir.resolve("installed");
        Path jar = Files.writeString(dir.resolve("npufleet-launcher.jar"), "jar bytes");
        Files.createDirectories(root.resolve("opt/npufleet"));
        Files.copy(jar, root.resolve("opt/npufleet/npufleet-launcher.jar"));
        Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(REPO.resolve("deploy/systemd/npufleet-worker.service"),
                root.resolve("etc/systemd/system/npufleet-worker.service"));
        Files.createDirectories(root.resolve("etc/npufleet"));
        Path env = Files.writeString(root.resolve("etc/npufleet/worker.env"), "NPUFLEET_BOOTSTRAP_SERVERS=kafka-1:9092\n");
        long before = Files.getLastModifiedTime(env).toMillis();

        Result r = dryRun(root, jar);

        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("ok: " + root + "/opt/npufleet/npufleet-launcher.jar is up to date")
                .contains("ok: " + root + "/etc/systemd/system/npufleet-worker.service is up to date")
                .contains("ok: " + root + "/etc/npufleet/worker.env exists (kept as it is)")
                .contains("would: run fleet doctor")
                .contains("would: enabling and starting npufleet-worker (a running one is left running)")
                .doesNotContain("would: installing " + root);
        assertThat(Files.readString(env)).isEqualTo("NPUFLEET_BOOTSTRAP_SERVERS=kafka-1:9092\n");
        assertThat(Files.getLastModifiedTime(env).toMillis()).isEqualTo(before);
    }

    @Test
    void shouldWarnOfAnEnvironmentFileStillHoldingThePlaceholders() throws Exception {
        Path root = dir.resolve("placeholders");
        Files.createDirectories(root.resolve("etc/npufleet"));
        Files.copy(REPO.resolve("deploy/systemd/worker.env"), root.resolve("etc/npufleet/worker.env"));

        Result r = dryRun(root, Files.writeString(dir.resolve("a.jar"), "x"));

        assertThat(r.out()).contains("still has the template's placeholders (kafka.example.lan): edit it");
    }

    @Test
    void shouldRefuseAMissingJarWithHowToBuildIt() throws Exception {
        Result r = dryRun(Files.createDirectories(dir.resolve("nojar")), dir.resolve("missing.jar"));

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("missing.jar is missing (build it first");
    }
}
