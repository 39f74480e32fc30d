package dev.npufleet.gateway;

import dev.npufleet.protocol.tracing.Telemetry;
import java.util.Map;

/**
 * Runs a gateway configured by the environment (see {@link GatewayConfig}; tracing by the standard {@code OTEL_*}
 * variables, see {@link Telemetry}) until the process is told to stop (SIGTERM/SIGINT), then closes it cleanly,
 * the gateway first, then its tracing (so the last spans are sent).
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        GatewayConfig config = GatewayConfig.fromEnv(env);
        Telemetry telemetry = Telemetry.fromEnv(env, "npufleet-gateway", config.kafka().gatewayId());
        Gateway gateway = Gateway.start(config, telemetry);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            telemetry.close();
        }, "gateway-shutdown"));
        gateway.awaitClosed();
    }
}
