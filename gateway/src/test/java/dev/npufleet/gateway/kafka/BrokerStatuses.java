package dev.npufleet.gateway.kafka;

/** Sets a {@link BrokerStatus} as the topic maintainer's health check would, for tests of what reads it. */
public final class BrokerStatuses {
    private BrokerStatuses() {
    }

    public static void down(BrokerStatus status, String error) {
        status.down(error);
    }

    public static void up(BrokerStatus status) {
        status.up();
    }
}
