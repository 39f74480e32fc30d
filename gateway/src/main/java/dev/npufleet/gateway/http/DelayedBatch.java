package dev.npufleet.gateway.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs each task added once {@code delay} has passed since it was added, on the shared timers, with one scheduled
 * drain for every pending task instead of a timer task each. A task scheduled on the shared timer wakes the timer
 * thread whenever it becomes the earliest one, and a short delay (an interactive job's ACCEPTED fallback) always
 * would: a thread wake-up on every request's path, on a machine of two cores. Here only the first task of a quiet
 * spell schedules anything. Tasks come due in the order they were added (one delay for all).
 *
 * <p>Any thread adds; the tasks run on a timer thread and must be quick. When the timers are stopping, the pending
 * tasks run at once.
 */
final class DelayedBatch {
    private record Entry(long dueNanos, Runnable task) {
    }

    private final ScheduledExecutorService timers;
    private final long delayNanos;
    private final ConcurrentLinkedQueue<Entry> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    DelayedBatch(ScheduledExecutorService timers, Duration delay) {
        this.timers = timers;
        this.delayNanos = delay.toNanos();
    }

    void add(Runnable task) {
        pending.add(new Entry(System.nanoTime() + delayNanos, task));
        if (scheduled.compareAndSet(false, true)) {
            schedule(delayNanos);
        }
    }

    private void schedule(long nanos) {
        try {
            timers.schedule(this::drain, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            for (Entry entry; (entry = pending.poll()) != null;) {
                entry.task().run(); // stopping: no timer to wait for
            }
            scheduled.set(false);
        }
    }

    private void drain() {
        long now = System.nanoTime();
        for (Entry entry; (entry = pending.peek()) != null && entry.dueNanos() - now <= 0;) {
            pending.poll();
            entry.task().run();
        }
        scheduled.set(false);
        // a task added after the peek above saw none, while "scheduled" was still set, is picked up here
        Entry next = pending.peek();
        if (next != null && scheduled.compareAndSet(false, true)) {
            schedule(Math.max(0, next.dueNanos() - System.nanoTime()));
        }
    }

    /** Tasks not yet run (for tests). */
    int pending() {
        return pending.size();
    }
}
