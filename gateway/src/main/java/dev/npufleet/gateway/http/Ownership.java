package dev.npufleet.gateway.http;

import dev.npufleet.gateway.jobs.JobSnapshot;

/**
 * Whether a request's caller may see a job, file or batch: with keys off anyone, else the key that created it or
 * an admin key. What another key created is answered 404, as OpenAI answers for an id it does not know, so ids
 * cannot be probed. Stateless; any thread.
 */
final class Ownership {
    private Ownership() {
    }

    /** The job is known and {@code call}'s caller may see it. */
    static boolean readable(HttpCall call, JobSnapshot job) {
        return job.known() && AccessGuard.caller(call).mayRead(job.accepted().owner());
    }

    static boolean readable(HttpCall call, String owner) {
        return AccessGuard.caller(call).mayRead(owner);
    }
}
