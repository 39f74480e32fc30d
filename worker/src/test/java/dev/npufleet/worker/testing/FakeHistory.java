package dev.npufleet.worker.testing;

import dev.npufleet.protocol.Job;
import dev.npufleet.worker.job.JobHistory;
import dev.npufleet.worker.job.PriorAttempt;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link JobHistory} that answers what the test put in, and remembers which jobs were looked up. */
public final class FakeHistory implements JobHistory {
    public final Map<String, PriorAttempt> priors = new ConcurrentHashMap<>();
    public final List<String> lookedUp = new CopyOnWriteArrayList<>();

    @Override
    public PriorAttempt lookup(Job job) {
        lookedUp.add(job.id());
        return priors.getOrDefault(job.id(), PriorAttempt.NONE);
    }
}
