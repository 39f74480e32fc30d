package dev.npufleet.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** One server-sent event as a client reads it, and a parser for a whole SSE body. */
public record SseFrame(String id, String data) {

    public static List<SseFrame> parse(String body) {
        List<SseFrame> frames = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String id = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (id != null || data != null) { // a comment-only block (keep-alive) is no event
                frames.add(new SseFrame(id, data));
            }
        }
        return frames;
    }

    public boolean isDone() {
        return "[DONE]".equals(data);
    }

    public JsonNode json() {
        try {
            return JsonCodec.mapper().readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text a chunk adds: a chat delta's content or a completion choice's text ("" if none). */
    public String text() {
        if (isDone()) {
            return "";
        }
        JsonNode choice = json().path("choices").path(0);
        if (choice.has("delta")) {
            return choice.path("delta").path("content").asText("");
        }
        return choice.path("text").asText("");
    }
}
