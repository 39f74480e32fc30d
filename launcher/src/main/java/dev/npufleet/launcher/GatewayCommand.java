package dev.npufleet.launcher;

import dev.npufleet.gateway.Gateway;
import dev.npufleet.gateway.GatewayConfig;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code fleet gateway}: the HTTP gateway, configured by environment variables. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run an OpenAI-compatible gateway (configured by NPUFLEET_* environment variables; see README).")
final class GatewayCommand implements Runnable {
    @Override
    public void run() {
        ParentWatch.install(System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        Gateway gateway = Gateway.start(GatewayConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        awaitQuietly(stopped);
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
