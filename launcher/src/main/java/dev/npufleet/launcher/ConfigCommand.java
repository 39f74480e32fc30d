package dev.npufleet.launcher;

import dev.npufleet.gateway.GatewayConfig;
import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.KafkaSettings;
import dev.npufleet.protocol.config.Setting;
import dev.npufleet.worker.WorkerConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet config <worker|gateway>}: prints the configuration that role would start with here,
 * every setting with its effective value and where it came from (the environment or the default),
 * secret-looking Kafka properties masked. A bad value exits 2 with the variable's name, as the
 * process itself would. Main thread.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration of a worker or gateway (each value's source; secrets masked).")
final class ConfigCommand implements Callable<Integer> {

    /** The processes that read a configuration. */
    enum Role { worker, gateway }

    @Parameters(index = "0", description = "worker or gateway")
    Role role;

    @Spec
    CommandSpec spec;

    /** The environment read; tests set their own. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        ConfigValues values;
        try {
            values = role == Role.worker ? WorkerConfig.fromEnv(env).values() : GatewayConfig.fromEnv(env).values();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("npufleet " + role + ": configuration error: " + e.getMessage());
            return 2;
        }
        print(values, new EnvReader(env), spec.commandLine().getOut());
        return 0;
    }

    private void print(ConfigValues values, EnvReader reader, PrintWriter out) {
        int width = values.settings().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (ConfigValues.Entry e : values.entries()) {
            out.printf(Locale.ROOT, "%-" + width + "s  %-12s  %s%n", e.setting().name(), source(e, reader),
                    e.value());
        }
        out.flush();
    }

    /** "environment" where a variable set the value, else "default". */
    private static String source(ConfigValues.Entry e, EnvReader reader) {
        Setting s = e.setting();
        boolean set = reader.source(s) == EnvReader.Source.ENVIRONMENT
                || s.equals(KafkaSettings.BOOTSTRAP_SERVERS) && reader.value(KafkaSettings.KAFKA_BOOTSTRAP_SERVERS) != null
                || s.equals(KafkaSettings.CLIENT_OVERRIDES) && !e.value().equals(Map.of().toString());
        return set ? "environment" : "default";
    }
}
