package dev.npufleet.gateway;

/**
 * Runs a gateway configured by the environment (see {@link GatewayConfig}) until the process is
 * told to stop (SIGTERM/SIGINT), then closes it cleanly.
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Gateway gateway = Gateway.start(GatewayConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
        gateway.awaitClosed();
    }
}
