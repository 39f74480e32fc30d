package dev.npufleet.gateway.http;

import dev.npufleet.gateway.config.HttpConfig;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Builds the Jetty server: one HTTP/1.1 connector, a bounded pool, no server banner. */
public final class HttpServerFactory {
    /** Closes keep-alive connections idle this long; active requests ignore it (their deadline rules). */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private HttpServerFactory() {
    }

    public static Server create(HttpConfig config, QueuedThreadPool pool, Handler handler) {
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // One selector: I/O is light (small JSON and SSE frames); the 2 cores are better left to work.
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        // room for a burst of clients opening their streams at once
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        // no graceful wait on stop: open streams are failed at once, which cancels their jobs
        server.setStopTimeout(0);
        return server;
    }

    public static int localPort(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
