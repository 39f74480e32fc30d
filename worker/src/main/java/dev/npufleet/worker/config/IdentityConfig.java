package dev.npufleet.worker.config;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.DefaultModel;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Who this worker is: its board id, the model it serves, its speed weight, and where it keeps its
 * state. Immutable; any thread.
 */
public record IdentityConfig(String workerId, String model, double capacity, Path stateDir) {

    public static final Setting WORKER_ID = Setting.derived("NPUFLEET_WORKER_ID", "host name",
            "board id: status key, static group member id, client id (`[A-Za-z0-9._-]`)");
    public static final Setting MODEL = Setting.of("NPUFLEET_MODEL", DefaultModel.ID,
            "model id served (topic `npu.jobs.<model>`, group `npufleet.workers.<model>`)");
    public static final Setting CAPACITY = Setting.of("NPUFLEET_CAPACITY", "1.0",
            "relative speed of the board for routing (RK3588 = 1.0)");
    public static final Setting STATE_DIR = Setting.derived("NPUFLEET_STATE_DIR", "`~/.npufleet/worker/<id>`",
            "state: poison-job marker and lost attempts, model hashes, default cache dir");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public IdentityConfig {
        if (workerId == null || !ID.matcher(workerId).matches()) {
            throw new IllegalArgumentException(WORKER_ID.name() + ": worker id must be 1-128 of [A-Za-z0-9._-]: "
                    + workerId);
        }
        model = model.strip();
        positive(CAPACITY, capacity);
    }

    public static IdentityConfig read(EnvReader env) {
        String id = env.string(WORKER_ID);
        id = id != null ? id : hostName();
        Path state = env.path(STATE_DIR);
        return new IdentityConfig(id, env.string(MODEL), env.positiveDecimal(CAPACITY),
                state != null ? state : Path.of(System.getProperty("user.home"), ".npufleet", "worker", id));
    }

    public void describeTo(ConfigValues values) {
        values.add(WORKER_ID, workerId).add(MODEL, model).add(CAPACITY, capacity).add(STATE_DIR, stateDir);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && ID.matcher(env).matches()) {
            return env;
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return ID.matcher(name).matches() ? name : "worker";
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
