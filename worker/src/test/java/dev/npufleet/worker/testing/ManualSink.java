package dev.npufleet.worker.testing;

import dev.npufleet.protocol.Event;
import dev.npufleet.worker.job.EventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An {@link EventSink} whose acks the test gives (in order), recording every record. */
public final class ManualSink implements EventSink {

    /** One record sent. */
    public record Sent(String topic, String key, Object value, CompletableFuture<Void> ack) {
    }

    private final List<Sent> sent = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Void> send(String topic, String key, Object value) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        sent.add(new Sent(topic, key, value, ack));
        return ack;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public List<Event> events() {
        return sent().stream().filter(s -> s.value() instanceof Event).map(s -> (Event) s.value()).toList();
    }

    /** Acknowledges every record sent so far, and those sent by the acks' callbacks. */
    public void ackAll() {
        int done = 0;
        while (true) {
            List<Sent> now = sent();
            if (done >= now.size()) {
                return;
            }
            for (int i = done; i < now.size(); i++) {
                now.get(i).ack().complete(null);
            }
            done = now.size();
        }
    }

    public void ack(int index) {
        sent().get(index).ack().complete(null);
    }

    public void fail(int index, Throwable error) {
        sent().get(index).ack().completeExceptionally(error);
    }
}
