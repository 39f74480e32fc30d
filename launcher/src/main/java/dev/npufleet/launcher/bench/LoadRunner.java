package dev.npufleet.launcher.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A closed-loop load: {@code concurrency} virtual users, each sending its next request when the
 * last one ends, until {@code requests} have been sent or {@code duration} has passed. The first
 * {@code warmup} requests are sent but not counted. Drives everything from the HTTP client's
 * own threads; the caller's thread only waits and draws the progress bar.
 */
public final class LoadRunner {
    private final BenchClient client;
    private final PrintStream progress;
    private final Duration think;
    private Runnable onCounted = () -> { };

    /** @param think each virtual user waits this long after an answer before its next request */
    public LoadRunner(BenchClient client, PrintStream progress, Duration think) {
        this.client = client;
        this.progress = progress;
        this.think = think;
    }

    /**
     * Runs {@code action} once, when the warm-up is over, before the first counted request is sent (on the thread
     * that sends it, so it also delays that request's start, not its timing).
     */
    public LoadRunner onCounted(Runnable action) {
        this.onCounted = action;
        return this;
    }

    /** The results, and the wall time of the counted part. */
    public record Outcome(List<RequestResult> results, Duration wall) {
    }

    public Outcome run(int concurrency, int requests, Duration duration, int warmup, boolean stream,
            IntFunction<String> bodyOf) {
        List<RequestResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long[] countedStart = {0};
        int total = requests + warmup;
        List<CompletableFuture<Void>> users = new ArrayList<>();
        for (int u = 0; u < concurrency; u++) {
            users.add(user(next, done, total, warmup, deadline, stream, bodyOf, results, countedStart));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(users.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            drawProgress(done.get(), duration == null ? total : -1);
            try {
                all.get(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // redraw the bar
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("load generator failed", e.getCause());
            }
        }
        drawProgress(done.get(), duration == null ? total : -1);
        progress.println();
        long start = countedStart[0] == 0 ? System.nanoTime() : countedStart[0];
        return new Outcome(List.copyOf(results), Duration.ofNanos(System.nanoTime() - start));
    }

    private CompletableFuture<Void> user(AtomicInteger next, AtomicInteger done, int total, int warmup, long deadline,
            boolean stream, IntFunction<String> bodyOf, List<RequestResult> results, long[] countedStart) {
        int n = next.getAndIncrement();
        if (n >= total || System.nanoTime() > deadline) {
            return CompletableFuture.completedFuture(null);
        }
        if (n == warmup) {
            onCounted.run();
            synchronized (countedStart) {
                countedStart[0] = System.nanoTime();
            }
        }
        return client.send(bodyOf.apply(n), stream).thenComposeAsync(r -> {
            if (n >= warmup) {
                results.add(r);
            }
            done.incrementAndGet();
            return user(next, done, total, warmup, deadline, stream, bodyOf, results, countedStart);
        }, CompletableFuture.delayedExecutor(think.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    private void drawProgress(int done, int total) {
        if (total <= 0) {
            progress.print("\r  " + done + " requests");
            return;
        }
        int width = 40;
        int filled = (int) ((long) width * done / Math.max(1, total));
        progress.print("\r  [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        progress.flush();
    }
}
