package dev.npufleet.launcher;

import dev.npufleet.launcher.bench.BenchCommand;
import dev.npufleet.launcher.chaos.ChaosCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fleet} command line: one entry point for every process of the fleet. */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = Fleet.Version.class,
        description = "npufleet: an OpenAI-compatible service over a fleet of RKLLM boards, joined by Kafka.",
        subcommands = {DemoCommand.class, GatewayCommand.class, WorkerCommand.class, BrokerCommand.class,
            ModelCommand.class, BenchCommand.class, ConfigCommand.class, ChaosCommand.class,
            DoctorCommand.class})
public final class Fleet implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The command line as {@link #main} runs it. */
    static CommandLine commandLine() {
        return new CommandLine(new Fleet())
                // stopped with Ctrl-C while a local fleet was starting: not an error to print
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof LocalFleet.StoppedWhileStarting) {
                        return 0;
                    }
                    if (e instanceof IllegalArgumentException) {
                        // a value the command cannot use: say which, without a stack trace
                        cmd.getErr().println("fleet: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reads the version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Fleet.class.getPackage().getImplementationVersion();
            return new String[] {"npufleet " + (v == null ? "(development build)" : v)};
        }
    }
}
