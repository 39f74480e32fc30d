package dev.npufleet.worker.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks for the caches view to catch up with its topic: a job thread calls {@link #request()} and
 * waits on the future; the side-channel consumer thread takes the requests, notes the topic's end
 * offsets, and completes them once it has read that far. Thread-safe.
 */
public final class CatchUpRequests {

    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private volatile Runnable waker = () -> { };

    /** @return completes when every caches record written before this call has been applied */
    public CompletableFuture<Void> request() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (pending) {
            pending.add(f);
        }
        waker.run();
        return f;
    }

    /** Consumer thread: what to wake when a request arrives. */
    void onRequest(Runnable wake) {
        this.waker = wake;
    }

    /** Consumer thread: the requests made since the last call. */
    List<CompletableFuture<Void>> take() {
        synchronized (pending) {
            List<CompletableFuture<Void>> taken = List.copyOf(pending);
            pending.clear();
            return taken;
        }
    }
}
