package dev.npufleet.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the server properties of the embedded single-node KRaft broker: identity and listeners,
 * the small-footprint settings for a 2-core machine, and the client-visible behaviour the fleet
 * and its tests rely on. Stateless; any thread.
 */
final class BrokerConfig {

    /** The node id of the only node, which is both broker and controller. */
    static final int NODE_ID = 1;

    private BrokerConfig() {
    }

    /**
     * Settings that change what a client observes (topic creation, group timings). They are
     * applied to every broker the project starts itself, embedded or in a container, so that
     * tests behave the same whichever broker they get.
     */
    static Map<String, String> behaviour(boolean fastFailover) {
        Map<String, String> p = new LinkedHashMap<>();
        // The fleet creates its topics explicitly; auto-creation would hide a typo in a topic name.
        p.put("auto.create.topics.enable", "false");
        // A group's first member does not wait 3 s for others to join.
        p.put("group.initial.rebalance.delay.ms", "0");
        // One partition for __consumer_offsets instead of 50: the first group join is ~0.35 s faster.
        p.put("offsets.topic.num.partitions", "1");
        if (fastFailover) {
            // New consumer protocol (KIP-848): the timeouts are set by the broker, not the client.
            // A dead worker's partitions move after the session timeout (6 s here, 45 s by default).
            p.put("group.consumer.min.heartbeat.interval.ms", "500");
            p.put("group.consumer.heartbeat.interval.ms", "500");
            p.put("group.consumer.min.session.timeout.ms", "3000");
            p.put("group.consumer.session.timeout.ms", "6000");
            // Classic protocol: lets clients ask for session.timeout.ms down to 3 s (default floor 6 s).
            p.put("group.min.session.timeout.ms", "3000");
        }
        return p;
    }

    /** All properties of an embedded node; {@code extra} wins over everything computed here. */
    static Properties embedded(int port, int controllerPort, Path logDir, boolean fastFailover,
                               Map<String, String> extra) {
        Properties p = new Properties();
        // One combined node: broker and KRaft controller in the same process.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum records no endpoint in the log, so a data dir survives a port change.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        // Loopback only: the embedded broker is for the demo and tests on this machine.
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.putAll(singleNode());
        p.putAll(behaviour(fastFailover));
        p.putAll(extra);
        return p;
    }

    /** What one small node needs: one replica of everything, few threads, a small cleaner buffer. */
    private static Properties singleNode() {
        Properties p = new Properties();
        // A single node cannot hold more than one replica of anything.
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");

        // The default 128 MiB cleaner buffer makes a small heap (-Xmx128m) die at startup with OOM.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        // Few threads: 2 shared cores, one node, a handful of clients.
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }
}
