package dev.npufleet.gateway;

import dev.npufleet.gateway.config.FleetConfig;
import dev.npufleet.gateway.config.GatewayKafka;
import dev.npufleet.gateway.config.HttpConfig;
import dev.npufleet.gateway.config.RequestsConfig;
import dev.npufleet.gateway.routing.RoutingSettings;
import dev.npufleet.gateway.tenancy.TenancySettings;
import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a gateway process is configured with, read once from the environment: a tree of
 * small records, each owning one concern, reading its own variables and validating itself in its
 * compact constructor. Each component of the gateway receives only its own piece. Immutable; any
 * thread.
 *
 * <p>The variables, their defaults and meanings are the README's gateway table, which a test checks
 * against {@link #values()}; {@code fleet config gateway} prints the effective values.
 *
 * <p>To add a setting (a request limit goes in {@link RequestsConfig}): declare its {@code Setting} constant there
 * (name, default, meaning: the one place the default is written), add the component, read it in
 * the record's {@code read}, check it in the compact constructor with a named validator, list it in
 * {@code describeTo}, and add its README row (the test prints the row it expects). The pattern in
 * full: {@link dev.npufleet.protocol.config}.
 */
public record GatewayConfig(GatewayKafka kafka, HttpConfig http, RequestsConfig requests, RoutingSettings routing,
        FleetConfig fleet, TenancySettings tenancy) {

    public GatewayConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(tenancy, "tenancy");
    }

    /**
     * Reads every {@code NPUFLEET_*} variable of a gateway from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable whose value is malformed or out of range
     */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        return new GatewayConfig(GatewayKafka.read(r), HttpConfig.read(r), RequestsConfig.read(r),
                RoutingSettings.read(r), FleetConfig.read(r), TenancySettings.read(r));
    }

    /** Every setting with its effective value (Kafka secrets masked), in the README's order. */
    public ConfigValues values() {
        ConfigValues v = new ConfigValues();
        kafka.describeTo(v);
        http.describeTo(v);
        requests.describeTo(v);
        fleet.describeTo(v);
        routing.describeTo(v);
        tenancy.describeTo(v);
        return v;
    }

    /** One line for the start-up log, secret-looking Kafka properties masked. */
    public String describe() {
        return values().line();
    }

    /** The masked description: no Kafka secret and no API key, wherever a config is printed. */
    @Override
    public String toString() {
        return "GatewayConfig[" + describe() + "]";
    }
}
