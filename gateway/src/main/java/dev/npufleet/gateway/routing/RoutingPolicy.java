package dev.npufleet.gateway.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the gateway picks a job's partition ({@code NPUFLEET_ROUTING}). */
public enum RoutingPolicy {
    /** The board with the lowest estimated time to first token, holders of the job's cache first, load bounded. */
    CACHE_AWARE("cache-aware"),
    /** No explicit partition: Kafka's default partitioner hashes the record key. */
    HASH("hash"),
    /** The live boards in turn, whatever the job. */
    ROUND_ROBIN("round-robin");

    private final String configName;

    RoutingPolicy(String configName) {
        this.configName = configName;
    }

    /** The name in config, headers and metrics. */
    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static RoutingPolicy parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (RoutingPolicy p : values()) {
            if (p.configName.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("NPUFLEET_ROUTING must be one of "
                + Arrays.stream(values()).map(RoutingPolicy::configName).collect(Collectors.joining(", "))
                + ", was '" + value + "'");
    }
}
