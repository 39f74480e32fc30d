package dev.npufleet.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 client on a socket, for what java.net.http hides: hanging up mid-response. */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final StringBuilder received = new StringBuilder();

    private RawClient(Socket socket) {
        this.socket = socket;
    }

    public static RawClient post(int port, String path, String json) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        RawClient client = new RawClient(socket);
        client.send(path, json);
        return client;
    }

    /** Sends a GET with the given extra header lines (each "Name: value"). */
    public static RawClient get(int port, String path, String... headers) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new RawClient(socket);
    }

    /** Sends another POST on the same connection (after an answer, or pipelined before it). */
    public void send(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Reads to the end of the connection (or the 10 s socket timeout fails the test); returns all received. */
    public String readToEnd() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return received.toString();
    }

    /** Reads until {@code text} has arrived (or the 10 s socket timeout fails the test). */
    public String readUntil(String text) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (received.indexOf(text) < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("connection closed before '" + text + "' arrived: " + received);
            }
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return received.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
