package dev.npufleet.launcher;

import dev.npufleet.gateway.GatewayMain;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code fleet gateway}: the HTTP gateway, configured by environment variables. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run an OpenAI-compatible gateway (configured by NPUFLEET_* environment variables; see README).")
final class GatewayCommand implements Runnable {
    @Override
    public void run() {
        ParentWatch.install(System.getenv());
        try {
            GatewayMain.main(new String[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
