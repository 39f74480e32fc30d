package dev.npufleet.launcher;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a child process of {@code fleet demo} exit when its launcher dies, even by SIGKILL,
 * so a demo never leaves orphan workers holding ports and partitions.
 */
final class ParentWatch {
    /** Environment variable naming the pid to follow; set by the launcher for its children. */
    static final String ENV = "NPUFLEET_EXIT_WITH_PARENT";
    private static final Logger LOG = LoggerFactory.getLogger(ParentWatch.class);

    private ParentWatch() {
    }

    static void install(Map<String, String> env) {
        String pid = env.get(ENV);
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    LOG.warn("launcher (pid {}) is gone; exiting", pid);
                    System.exit(0);
                }),
                () -> System.exit(0));
    }
}
