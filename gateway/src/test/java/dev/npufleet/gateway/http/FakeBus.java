package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.JobBus;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory {@link JobBus}: records what the gateway publishes; can be told to fail like a dead broker. */
final class FakeBus implements JobBus {
    record Published(Job job, String key, OptionalInt partition) {
    }

    final BlockingQueue<Published> jobs = new LinkedBlockingQueue<>();
    final List<String> cancels = new CopyOnWriteArrayList<>();
    final List<CacheDefinition> definitions = new CopyOnWriteArrayList<>();
    final List<String> deletions = new CopyOnWriteArrayList<>();
    private final AtomicLong offsets = new AtomicLong();
    /** Events the gateway published itself (ACCEPTED), in order. */
    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;
    /** Fails only event publishing: the job is acknowledged, its ACCEPTED is not. */
    volatile RuntimeException eventFailure;

    @Override
    public CompletableFuture<Void> publishJob(Job job, String key, OptionalInt partition) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        jobs.add(new Published(job, key, partition));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> publishCacheDefinition(CacheDefinition definition) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        definitions.add(definition);
        return CompletableFuture.completedFuture(offsets.getAndIncrement());
    }

    @Override
    public CompletableFuture<Long> publishCacheDeletion(String model, String name) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        deletions.add(CacheDefinition.key(model, name));
        return CompletableFuture.completedFuture(offsets.getAndIncrement());
    }

    @Override
    public CompletableFuture<Void> publishEvent(Event event) {
        if (failure != null || eventFailure != null) {
            return CompletableFuture.failedFuture(failure != null ? failure : eventFailure);
        }
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> publishCancel(String jobId, String reason) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        cancels.add(jobId + ":" + reason);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void cancel(String jobId, String reason) {
        cancels.add(jobId + ":" + reason);
    }

    /** The next job published, waiting up to 5 s. */
    Published nextJob() throws InterruptedException {
        Published p = jobs.poll(5, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no job was published within 5 s");
        }
        return p;
    }
}
