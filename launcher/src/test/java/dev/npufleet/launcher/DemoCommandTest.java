package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheScriptedRepliesAndTheirTemplateToTheWorkersNotTheGateway() throws Exception {
        // Given the demo's options as the command line parses them
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--data-dir", dir.toString());

        // When the fleet's options are built
        LocalFleet.Options options = demo.options();

        // Then every worker runs the qwen3 template with the script the banner's examples need, written to disk
        assertThat(options.workerEnv()).containsEntry("NPUFLEET_CHAT_TEMPLATE", "qwen3");
        String script = options.workerEnv().get("NPUFLEET_SIM_OPTIONS");
        assertThat(script).startsWith("script=");
        assertThat(Files.readString(Path.of(script.substring("script=".length())))).contains(DemoScript.WEATHER);
        assertThat(options.gatewayEnv()).isEmpty();
    }

    @Test
    void shouldRefuseAnUnknownBoardTimingInOneLineBeforeStartingAnything() {
        // Given a board timing the simulator does not know
        StringWriter err = new StringWriter();
        CommandLine fleet = Fleet.commandLine();
        fleet.setErr(new PrintWriter(err, true));

        // When the demo is asked to pace its boards with it
        int code = fleet.execute("demo", "--board", "rk9999", "--data-dir", dir.toString());

        // Then it says which values it takes, in one line, and no fleet was started (no model, no board's home)
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("fleet: unknown board timing 'rk9999'; use rk3588, rk3576, none"
                + System.lineSeparator());
        assertThat(dir.resolve("models")).doesNotExist();
        assertThat(dir.resolve("board-1")).doesNotExist();
    }
}
