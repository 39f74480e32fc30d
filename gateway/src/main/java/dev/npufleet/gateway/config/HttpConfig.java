package dev.npufleet.gateway.config;

import static dev.npufleet.protocol.config.Checks.notBlank;
import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.Checks;
import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.time.Duration;

/** Where the gateway listens, and how it keeps idle streams alive. Immutable; any thread. */
public record HttpConfig(String host, int port, Duration sseKeepAlive) {

    public static final Setting HOST = Setting.of("NPUFLEET_HTTP_HOST", "0.0.0.0",
            "the address the HTTP server binds");
    public static final Setting PORT = Setting.of("NPUFLEET_HTTP_PORT", "8080", "its port; `0` picks a free one");
    public static final Setting SSE_KEEPALIVE = Setting.of("NPUFLEET_SSE_KEEPALIVE_MS", "10000",
            "a stream with no text this long gets an SSE comment; this is how a client that went away is noticed "
                    + "(and its job cancelled) while the job waits in a queue");

    public HttpConfig {
        notBlank(HOST, host);
        Checks.port(PORT, port);
        positive(SSE_KEEPALIVE, sseKeepAlive);
    }

    public static HttpConfig read(EnvReader env) {
        return new HttpConfig(env.string(HOST), env.integer(PORT), env.duration(SSE_KEEPALIVE));
    }

    public void describeTo(ConfigValues values) {
        values.add(HOST, host).add(PORT, port).add(SSE_KEEPALIVE, sseKeepAlive.toMillis());
    }
}
