package dev.npufleet.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fleet process (gateway or worker) started by the launcher as a child JVM running this same
 * jar, its output prefixed with its name. Separate processes make the demo honest: killing a
 * worker really loses a board. Methods may be called from any thread.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <our classpath> dev.npufleet.launcher.Fleet <args>}
     * with {@code env} added to this process's environment.
     */
    public static ChildProcess start(String name, List<String> jvmOptions, List<String> args, Map<String, String> env,
            PrintStream out) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Fleet.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put(ParentWatch.ENV, Long.toString(ProcessHandle.current().pid()));
        try {
            Process process = builder.start();
            ChildProcess child = new ChildProcess(name, process);
            child.pump(process.getInputStream(), out);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private void pump(InputStream in, PrintStream out) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    out.println("[" + name + "] " + line);
                }
            } catch (IOException e) {
                // the child closed its output: it is exiting
            }
        }, name + "-output");
        t.setDaemon(true);
        t.start();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a board losing power would. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Asks the process to stop (SIGTERM: its shutdown hook drains), then kills it after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
