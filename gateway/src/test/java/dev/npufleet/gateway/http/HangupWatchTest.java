package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch on a real Jetty connection: a hang-up is noticed, a kept-alive connection still works, a pipelined
 * request closes the connection after the answer. */
class HangupWatchTest {
    private static final String BODY = "{}";
    private static final long IDLE_MS = 300;

    /** A request the handler holds: its watch, and how to answer it. */
    private record Held(HangupWatch watch, Response response, Callback callback) {
        void answer(String text) {
            watch.stopBefore(response);
            Content.Sink.write(response, true, text, callback);
        }
    }

    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final AtomicInteger hangups = new AtomicInteger();
    private Server server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setIdleTimeout(IDLE_MS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // as the gateway does while a job runs: its own deadline, not the idle timeout, ends a request
                request.addIdleTimeoutListener(timeout -> false);
                Content.Source.consumeAll(request, Callback.from(() -> held.add(new Held(
                        HangupWatch.start(request, cause -> {
                            hangups.incrementAndGet();
                            callback.failed(cause);
                        }), response, callback)), callback::failed));
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    private Held next() throws InterruptedException {
        Held h = held.poll(10, TimeUnit.SECONDS);
        assertThat(h).as("a request reached the handler").isNotNull();
        assertThat(h.watch()).as("HTTP/1.1 gets a watch").isNotNull();
        return h;
    }

    @Test
    void shouldNoticeAClientThatHangsUpWhileItWaits() throws Exception {
        try (RawClient client = RawClient.post(port, "/", BODY)) {
            next();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> hangups.get() == 1);
    }

    @Test
    void shouldNotTakeAnIdleTimeoutForAHangUp() throws Exception {
        try (RawClient client = RawClient.post(port, "/", BODY)) {
            Held waiting = next();

            // several idle timeouts pass while the answer is being made (the answer comes when they have)
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * IDLE_MS);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > until);
            assertThat(hangups).hasValue(0);
            waiting.answer("late");
            assertThat(client.readUntil("late")).startsWith("HTTP/1.1 200");
        }
        assertThat(hangups).hasValue(0);
    }

    @Test
    void shouldLeaveAKeptAliveConnectionWorkingAfterAnAnswer() throws Exception {
        try (RawClient client = RawClient.post(port, "/", BODY)) {
            next().answer("one");
            assertThat(client.readUntil("one")).startsWith("HTTP/1.1 200");
            client.send("/", BODY);
            next().answer("two");
            assertThat(client.readUntil("two")).doesNotContainIgnoringCase("connection: close");
        }
        assertThat(hangups).hasValue(0);
    }

    @Test
    void shouldCloseTheConnectionAfterTheAnswerWhenARequestIsPipelinedBehindIt() throws Exception {
        try (RawClient client = RawClient.post(port, "/", BODY)) {
            Held first = next();

            client.send("/", BODY);
            await().atMost(Duration.ofSeconds(10)).until(first.watch()::tookBytes);
            first.answer("one");

            // the answer comes, then the connection closes: the pipelined request is the client's to send again
            String all = client.readToEnd();
            assertThat(all).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("one");
        }
        assertThat(hangups).hasValue(0);
        assertThat(held).isEmpty();
    }
}
