package dev.npufleet.worker.kafka;

import java.util.EnumMap;
import java.util.Map;

/**
 * Shares the board's one NPU slot between the two job lanes (see {@link dev.npufleet.protocol.Topics#background}):
 * the interactive lane's loop and the background lane's loop each ask for the slot through their {@link Gate}
 * before handing a record to the job thread. When the slot is free, a waiting interactive record wins, unless
 * {@code share} interactive jobs ran in a row while a background record waited: then the background record goes
 * first, so background work keeps a bounded share and is never starved. A running job is never interrupted; the
 * arbiter only decides who goes next. A lane whose job just ended counts as waiting until its loop has looked for
 * its next record ({@link Gate#idle()} after a poll that found none): a loop fetches its next record only once
 * its job is done, and the other lane must not slip into that gap (back-to-back interactive requests would
 * otherwise alternate with background jobs).
 *
 * <p>Thread-safe: each loop's consumer thread calls its gate; the job thread releases the slot. The wake-ups
 * (each loop's {@code consumer.wakeup()}) run outside the lock.
 */
public final class LaneArbiter {

    /** The two lanes, in order of priority. */
    public enum Lane { INTERACTIVE, BACKGROUND }

    private final int share;
    private final Map<Lane, Boolean> waiting = new EnumMap<>(Lane.class);
    private final Map<Lane, Runnable> wakers = new EnumMap<>(Lane.class);
    private Lane holder;
    private int interactiveInARow;

    /** @param share interactive jobs in a row after which a waiting background record goes first (at least 1) */
    public LaneArbiter(int share) {
        if (share < 1) {
            throw new IllegalArgumentException("background share must be at least 1: " + share);
        }
        this.share = share;
        for (Lane lane : Lane.values()) {
            waiting.put(lane, false);
            wakers.put(lane, () -> { });
        }
    }

    /**
     * The gate of one lane's loop.
     *
     * @param wakeup wakes that loop's poll (its consumer's {@code wakeup()}) when the slot may have become its
     */
    public synchronized Gate gate(Lane lane, Runnable wakeup) {
        wakers.put(lane, wakeup);
        return new Gate() {
            @Override
            public boolean tryTake() {
                return take(lane);
            }

            @Override
            public void release() {
                LaneArbiter.this.release(lane);
            }

            @Override
            public void idle() {
                LaneArbiter.this.idle(lane);
            }
        };
    }

    /** The lane holding the slot, or null. Any thread (tests, status). */
    public synchronized Lane holder() {
        return holder;
    }

    private boolean take(Lane lane) {
        Runnable wake;
        synchronized (this) {
            Lane other = other(lane);
            if (holder == null && (!waiting.get(other) || turnOf(lane))) {
                holder = lane;
                waiting.put(lane, false);
                interactiveInARow = lane == Lane.INTERACTIVE ? interactiveInARow + 1 : 0;
                return true;
            }
            boolean wasWaiting = waiting.put(lane, true);
            // newly waiting: the other loop may now have to yield (its turn is over), so let it look again
            wake = wasWaiting ? null : wakers.get(other);
        }
        if (wake != null) {
            wake.run();
        }
        return false;
    }

    private void release(Lane lane) {
        Runnable wake;
        synchronized (this) {
            if (holder != lane) {
                return;
            }
            holder = null;
            waiting.put(lane, true); // until its loop finds no next record
            wake = waiting.get(other(lane)) ? wakers.get(other(lane)) : null;
        }
        if (wake != null) {
            wake.run();
        }
    }

    private void idle(Lane lane) {
        Runnable wake;
        synchronized (this) {
            boolean wasWaiting = waiting.put(lane, false);
            wake = wasWaiting ? wakers.get(other(lane)) : null;
        }
        if (wake != null) {
            wake.run();
        }
    }

    /** Whether {@code lane} goes first when both wait (lock held). */
    private boolean turnOf(Lane lane) {
        boolean backgroundDue = interactiveInARow >= share;
        return lane == Lane.BACKGROUND ? backgroundDue : !backgroundDue;
    }

    private static Lane other(Lane lane) {
        return lane == Lane.INTERACTIVE ? Lane.BACKGROUND : Lane.INTERACTIVE;
    }

    /**
     * One loop's access to the slot. Its loop's consumer thread calls {@link #tryTake()} and {@link #idle()}; any
     * thread calls {@link #release()} (the job's completion).
     */
    public interface Gate {
        /** An open gate: the slot is this loop's alone (one lane). */
        Gate OPEN = new Gate() {
            @Override
            public boolean tryTake() {
                return true;
            }

            @Override
            public void release() {
            }

            @Override
            public void idle() {
            }
        };

        /** Takes the slot for the loop's next record; false: wait (the loop is woken when to ask again). */
        boolean tryTake();

        /** The job that took the slot has ended. */
        void release();

        /** The loop holds no record and its last poll found none: the other lane may have the slot. */
        void idle();
    }
}
