package dev.npufleet.gateway.tenancy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all uploads in progress may hold at once ({@code NPUFLEET_MAX_UPLOAD_MEMORY_BYTES}): each upload
 * reserves what its body may take before it is read and gives it back when its answer is sent, so a crowd of
 * clients uploading at once cannot hold more than this of the gateway's heap. Any thread.
 */
public final class UploadBudget {
    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();

    public UploadBudget(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the upload budget must be positive, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Reserves {@code bytes}; false (and nothing reserved) when that would pass the budget. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > maxBytes) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    public long held() {
        return held.get();
    }
}
