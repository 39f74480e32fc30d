package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.api.HopReport;
import dev.npufleet.protocol.JsonCodec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A lean HTTP/1.1 client for latency measurements: one blocking keep-alive connection per load
 * thread, reading the response as it arrives (chunked or not) and timing the first content delta.
 * The JDK's HttpClient hands every read through its own executor, which added about 9 ms to the
 * median time to first token on the 2-core benchmark machine (raw socket 14.4 ms against 23.5 ms
 * for the same requests), and would be counted as the fleet's overhead. Thread-safe: each load
 * thread has its own connection.
 */
final class SocketClient implements BenchClient {
    private final String host;
    private final int port;
    private final ExecutorService threads;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    SocketClient(String baseUrl, int concurrency) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.threads = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "bench-socket");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<RequestResult> send(String body, boolean stream) {
        return CompletableFuture.supplyAsync(() -> sendNow(body, stream), threads);
    }

    private RequestResult sendNow(String body, boolean stream) {
        long start = System.nanoTime();
        try {
            Connection c = connections.get();
            if (c == null || c.socket.isClosed()) {
                c = new Connection(new Socket(host, port));
                connections.set(c);
            }
            try {
                return c.exchange(body, start);
            } catch (IOException e) {
                c.socket.close();
                connections.remove();
                throw e;
            }
        } catch (IOException e) {
            return RequestResult.failed("io", OpenAiClient.millisSince(start));
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** One keep-alive connection and its response parser. */
    private final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        RequestResult exchange(String body, long start) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/json\r\n" + HopReport.REQUEST_HEADER + ": 1\r\nContent-Length: " + b.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            int status = Integer.parseInt(readLine().split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            String worker = null;
            String route = null;
            Map<String, Double> hops = Map.of();
            for (String h = readLine(); !h.isEmpty(); h = readLine()) {
                String lower = h.toLowerCase(Locale.ROOT);
                String value = h.substring(h.indexOf(':') + 1).trim();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(value);
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("x-npufleet-worker:")) {
                    worker = value;
                } else if (lower.startsWith("x-npufleet-route:")) {
                    route = value;
                } else if (lower.startsWith("server-timing:")) {
                    hops = HopTimes.of(HopReport.parseServerTiming(value));
                }
            }
            SseScan scan = new SseScan(start);
            readBody(scan, chunked, length);
            double e2e = OpenAiClient.millisSince(start);
            if (status != 200) {
                return RequestResult.failed("http_" + status, e2e);
            }
            return scan.result(e2e, worker, route, hops);
        }

        /** Feeds the body to {@code scan}: chunked, or {@code length} bytes (none when negative). */
        private void readBody(SseScan scan, boolean chunked, long length) throws IOException {
            if (chunked) {
                for (int size = Integer.parseInt(readLine().trim(), 16); size > 0;
                        size = Integer.parseInt(readLine().trim(), 16)) {
                    scan.feed(in.readNBytes(size));
                    readLine();
                }
                readLine();
            } else if (length >= 0) {
                scan.feed(in.readNBytes((int) length));
            }
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c != '\r') {
                    line.write(c);
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }
    }

    /** Finds the first content delta and the usage in an SSE (or whole JSON) body as it arrives. */
    private static final class SseScan {
        private final long start;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private double ttft = Double.NaN;
        private JsonNode usage = JsonCodec.mapper().createObjectNode();
        private Map<String, Double> hops = Map.of();
        private String error;

        SseScan(long start) {
            this.start = start;
        }

        void feed(byte[] bytes) {
            for (byte b : bytes) {
                if (b == '\n') {
                    line(pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                } else {
                    pending.write(b);
                }
            }
        }

        private void line(String line) {
            String data = line.startsWith("data: ") ? line.substring(6) : line.startsWith("{") ? line : null;
            if (data == null || data.equals("[DONE]")) {
                return;
            }
            JsonNode json = JsonCodec.decode(data.getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (json.has("error")) {
                error = "stream_" + json.path("error").path("code").asText("error");
            }
            JsonNode choice = json.path("choices").path(0);
            String text = choice.path("delta").path("content").asText(choice.path("message").path("content").asText(""));
            if (Double.isNaN(ttft) && !text.isEmpty()) {
                ttft = OpenAiClient.millisSince(start);
            }
            if (json.hasNonNull("usage")) {
                usage = json.get("usage");
            }
            if (json.has(HopReport.FIELD)) {
                hops = HopTimes.of(json.get(HopReport.FIELD));
            }
        }

        /** @param headerHops the hops of a {@code Server-Timing} header (a unary answer), used unless the body had some */
        RequestResult result(double e2e, String worker, String route, Map<String, Double> headerHops) {
            if (pending.size() > 0) {
                line(pending.toString(StandardCharsets.UTF_8));
            }
            if (error != null) {
                return RequestResult.failed(error, e2e);
            }
            return new RequestResult(null, Double.isNaN(ttft) ? e2e : ttft, e2e, usage.path("prompt_tokens").asInt(),
                    usage.path("completion_tokens").asInt(),
                    usage.path("prompt_tokens_details").path("cached_tokens").asInt(),
                    usage.path("cache_hit").asBoolean(), worker, route, hops.isEmpty() ? headerHops : hops);
        }
    }
}
