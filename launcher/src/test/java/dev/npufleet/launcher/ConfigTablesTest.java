package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.worker.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's environment tables are the config records' settings (name, default, meaning), row
 * for row: a setting added, renamed or re-defaulted in code without the README fails here, and the
 * failure shows the table to paste.
 */
class ConfigTablesTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldListEveryWorkerSettingInTheReadmeAsTheRecordsDefineIt() throws IOException {
        ConfigValues worker = WorkerConfig.fromEnv(Map.of("NPUFLEET_WORKER_ID", "any")).values();

        assertThat(table("Worker (`./fleet worker`):")).isEqualTo(worker.markdownTable());
    }

    @Test
    void shouldListEveryGatewaySettingInTheReadmeAsTheRecordsDefineIt() throws IOException {
        ConfigValues gateway = GatewayConfig.fromEnv(Map.of()).values();

        assertThat(table("Gateway (`./fleet gateway`):")).isEqualTo(gateway.markdownTable());
    }

    /** The table that follows the line {@code heading} (after one blank line), up to the next blank line. */
    private static String table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int at = lines.indexOf(heading);
        assertThat(at).as("README line '%s'", heading).isNotNegative();
        StringBuilder table = new StringBuilder();
        for (int i = at + 2; i < lines.size() && !lines.get(i).isBlank(); i++) {
            table.append(lines.get(i)).append('\n');
        }
        return table.toString();
    }
}
