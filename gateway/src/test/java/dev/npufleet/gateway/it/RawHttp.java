package dev.npufleet.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 exchange on a fresh socket, with nothing checked on the client side: any method token, any
 * request target (bad %-encoding included), any header, any body. {@code java.net.http} refuses most of what a
 * fuzz test must send.
 */
final class RawHttp {
    /** A request as sent: method, target (path and query), headers, body. */
    record Request(String method, String target, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + target + " " + headers + " body(" + body.length + ")=" + shown;
        }
    }

    /** The answer: status, and the whole response as text (head and body). */
    record Response(int status, String text) {
        String body() {
            int at = text.indexOf("\r\n\r\n");
            return at < 0 ? "" : text.substring(at + 4);
        }

        String header(String name) {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            int head = lower.indexOf("\r\n\r\n");
            int at = lower.indexOf("\r\n" + name.toLowerCase(java.util.Locale.ROOT) + ":");
            if (at < 0 || (head >= 0 && at > head)) {
                return null;
            }
            int end = text.indexOf("\r\n", at + 2);
            return text.substring(at + name.length() + 3, end).strip();
        }
    }

    private RawHttp() {
    }

    static Response send(int port, Request request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder();
            head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
            request.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (!request.headers().containsKey("Content-Length") && !request.headers().containsKey("Transfer-Encoding")) {
                head.append("Content-Length: ").append(request.body().length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                out.write(request.body());
                out.flush();
            } catch (IOException e) {
                // the server answered and closed before taking all of the body (an early 4xx): read its answer
            }
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // a reset after the answer (the server closed with bytes of ours unread): keep what arrived
        }
        String text = all.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return new Response(0, text);
        }
        return new Response(Integer.parseInt(text.substring(9, 12)), text);
    }
}
