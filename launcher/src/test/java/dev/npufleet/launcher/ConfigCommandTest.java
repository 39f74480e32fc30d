package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        ConfigCommand command = new ConfigCommand();
        command.env = env;
        return new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private String line(String variable) {
        return out.toString().lines().filter(l -> l.startsWith(variable + " ")).findFirst().orElseThrow();
    }

    @Test
    void shouldPrintEachWorkerValueWithItsSource() {
        int code = run(Map.of("NPUFLEET_WORKER_ID", "board-7", "NPUFLEET_HEARTBEAT_MS", "250"), "worker");

        assertThat(code).isZero();
        assertThat(line("NPUFLEET_WORKER_ID")).contains("environment").endsWith("board-7");
        assertThat(line("NPUFLEET_HEARTBEAT_MS")).contains("environment").endsWith("250");
        assertThat(line("NPUFLEET_MAX_NEW_TOKENS")).contains("default").endsWith("512");
        assertThat(line("NPUFLEET_CACHE_DIR")).contains("default").endsWith("caches");
    }

    @Test
    void shouldMaskSecretKafkaPropertiesAndNameTheBootstrapFallback() {
        int code = run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "ext:9092",
                "NPUFLEET_KAFKA_SSL_KEYSTORE_KEY", "-----BEGIN PRIVATE KEY----- hunter2",
                "NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SSL"), "gateway");

        assertThat(code).isZero();
        assertThat(out.toString()).doesNotContain("hunter2");
        assertThat(line("NPUFLEET_KAFKA_<NAME>")).contains("environment", "ssl.keystore.key=****",
                "security.protocol=SSL");
        assertThat(line("NPUFLEET_BOOTSTRAP_SERVERS")).contains("environment").endsWith("ext:9092");
        assertThat(line("NPUFLEET_HTTP_PORT")).contains("default").endsWith("8080");
    }

    @Test
    void shouldRefuseABadValueWithTheVariablesName() {
        int code = run(Map.of("NPUFLEET_HTTP_PORT", "eighty"), "gateway");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("NPUFLEET_HTTP_PORT");
        assertThat(out.toString()).isEmpty();
    }
}
