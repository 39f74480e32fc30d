package dev.npufleet.launcher.chaos;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs greedy jobs against the fleet, every other one streamed and the rest asynchronous, over a fixed set of
 * prompts whose calm answers are the references, and tallies how each ended. Owns its client threads.
 */
final class ChaosLoad {

    /** One job as its client saw it. */
    record Result(boolean streamed, String prompt, ChaosClient.Outcome outcome) {
    }

    /** What a set of jobs came to. */
    record Tally(int jobs, int equal, int differing, Map<String, Integer> errors) {
        int completed() {
            return equal + differing;
        }

        String errorsText() {
            return errors.isEmpty() ? "none" : errors.toString();
        }
    }

    private final ChaosClient client;
    private final Map<String, String> references;
    private final List<String> prompts;
    final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();

    ChaosLoad(ChaosClient client, Map<String, String> references) {
        this.client = client;
        this.references = references;
        this.prompts = List.copyOf(references.keySet());
    }

    /** Runs {@code jobs} jobs, {@code concurrency} at a time (or until {@code more} turns false), and waits for them. */
    void run(int jobs, int concurrency, BooleanSupplier more) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < concurrency; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < jobs && more.getAsBoolean(); i = next.getAndIncrement()) {
                    String prompt = prompts.get(i % prompts.size());
                    boolean streamed = i % 2 == 0;
                    results.add(new Result(streamed, prompt, streamed ? client.streamed(prompt) : client.async(prompt)));
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(6, TimeUnit.HOURS);
    }

    Tally tally() {
        int equal = 0;
        int differing = 0;
        Map<String, Integer> errors = new TreeMap<>();
        for (Result r : results) {
            ChaosClient.Outcome o = r.outcome();
            if (o.finished()) {
                if (o.text().equals(references.get(r.prompt()))) {
                    equal++;
                } else {
                    differing++;
                }
            } else {
                errors.merge((r.streamed() ? "stream " : "async ") + o.errorCode(), 1, Integer::sum);
            }
        }
        return new Tally(results.size(), equal, differing, errors);
    }
}
