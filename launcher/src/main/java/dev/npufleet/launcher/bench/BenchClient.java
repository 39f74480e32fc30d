package dev.npufleet.launcher.bench;

import java.util.concurrent.CompletableFuture;

/** Sends one chat-completion request and times it. Implementations are thread-safe. */
interface BenchClient extends AutoCloseable {
    CompletableFuture<RequestResult> send(String body, boolean stream);

    @Override
    default void close() {
    }
}
