package dev.npufleet.launcher.chaos;

import dev.npufleet.launcher.LocalFleet;
import dev.npufleet.protocol.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The four faults of the chaos suite, one after another on one local fleet: a kill loop, a broker outage, poison
 * records, a crash-injected prompt. Each returns the lines of its section of the report. The driver's thread.
 */
final class ChaosScenarios {

    /** The prompt the simulator of every board is told to crash on ({@code crash_on}). */
    static final String POISON_PROMPT = "Please swallow the POISON-PILL now";

    private final LocalFleet fleet;
    private final ChaosClient client;
    private final Map<String, String> references;
    private final ChaosSettings settings;
    private final WorkerSupervisor supervisor;
    private final DeadLetterTap dlq;
    private final PrintStream out;

    ChaosScenarios(LocalFleet fleet, ChaosClient client, Map<String, String> references, ChaosSettings settings,
            WorkerSupervisor supervisor, DeadLetterTap dlq, PrintStream out) {
        this.fleet = fleet;
        this.client = client;
        this.references = references;
        this.settings = settings;
        this.supervisor = supervisor;
        this.dlq = dlq;
        this.out = out;
    }

    /** Jobs while a worker is SIGKILLed every {@code killEvery} and restarted. */
    List<String> killLoop() throws InterruptedException {
        out.printf("kill loop: %d jobs, a worker SIGKILLed every %d s%n", settings.jobs(),
                settings.killEvery().toSeconds());
        int lettersBefore = dlq.count();
        ChaosLoad load = new ChaosLoad(client, references);
        List<ChaosFigures.Kill> kills = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread killer = new Thread(() -> killEvery(running, kills), "chaos-killer");
        long t0 = System.nanoTime();
        killer.start();
        load.run(settings.jobs(), settings.concurrency(), () -> true);
        running.set(false);
        killer.interrupt();
        killer.join();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        ChaosLoad.Tally t = load.tally();
        Map<String, List<String>> starts = JobStarts.read(fleet.bootstrapServers(), Topics.defaults().events());
        return List.of(
                "| jobs (half streamed, half async, greedy) | " + t.jobs() + " |",
                "| run time | " + seconds + " s |",
                "| workers SIGKILLed and restarted | " + kills.size() + " |",
                "| completed | " + t.completed() + " |",
                "| equal to their reference | " + t.equal() + " |",
                "| differing from their reference | " + t.differing() + " |",
                "| lost (ended with an error, or never) | " + (t.jobs() - t.completed()) + " " + t.errorsText() + " |",
                "| dead-lettered | " + (dlq.count() - lettersBefore) + " |",
                "| time from a kill to the next token of each stream the killed board was answering | "
                        + ChaosFigures.summary(ChaosFigures.nextTokensAfterKills(load.results, kills, starts),
                                "streams cut by a kill", "no stream was under way on a killed board") + " |",
                "| time from a kill to the end elsewhere of each async job the killed board was running | "
                        + ChaosFigures.summary(ChaosFigures.finishesAfterKills(load.results, kills),
                                "async jobs cut by a kill", "no async job was running on a killed board") + " |");
    }

    private void killEvery(AtomicBoolean running, List<ChaosFigures.Kill> kills) {
        Random random = new Random(42);
        try {
            while (running.get()) {
                Thread.sleep(settings.killEvery().toMillis()); // the kill period is the experiment's input
                List<String> alive = supervisor.alive();
                if (!alive.isEmpty()) {
                    String victim = alive.get(random.nextInt(alive.size()));
                    kills.add(new ChaosFigures.Kill(System.nanoTime(), victim));
                    fleet.killWorker(victim);
                    supervisor.restart(victim);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Jobs under way while the broker is stopped for {@code outage} and started again on its data. */
    List<String> brokerOutage() throws Exception {
        Duration outage = settings.outage();
        out.printf("broker outage: %d s under load%n", outage.toSeconds());
        ChaosLoad load = new ChaosLoad(client, references);
        int jobs = settings.outageJobs();
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                load.run(jobs, settings.concurrency(), () -> true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(5_000); // let the load get under way: the outage must fall mid-answer
        long t0 = System.nanoTime();
        fleet.stopBroker();
        Thread.sleep(outage.toMillis()); // the outage's length is the experiment's input
        fleet.startBroker();
        long down = (System.nanoTime() - t0) / 1_000_000_000L;
        running.get();
        ChaosLoad.Tally t = load.tally();
        return List.of(
                "| jobs (half streamed, half async, greedy) | " + t.jobs() + " |",
                "| broker down (stop to ready again) | " + down + " s |",
                "| completed, equal to their reference | " + t.equal() + " |",
                "| completed, differing from their reference | " + t.differing() + " |",
                "| ended with an explicit error | " + (t.jobs() - t.completed()) + " " + t.errorsText() + " |");
    }

    /** Records no worker can run, put on the job topic while jobs are served. */
    List<String> poison() throws Exception {
        out.println("poison records");
        ChaosLoad load = new ChaosLoad(client, references);
        Map<String, String> sent = PoisonRecords.send(fleet.bootstrapServers());
        load.run(settings.sideJobs(), settings.concurrency(), () -> true);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : sent.entrySet()) {
            int copies = dlq.awaitKey(e.getValue(), Duration.ofSeconds(60));
            lines.add("| " + e.getKey() + " | " + copies + " in npu.dlq: " + dlq.reasonOf(e.getValue()) + " |");
        }
        ChaosLoad.Tally t = load.tally();
        lines.add("| jobs served meanwhile | " + t.jobs() + ", " + t.equal() + " equal to their reference, errors "
                + t.errorsText() + " |");
        return lines;
    }

    /** One prompt that crashes every board's runtime, among ordinary jobs. */
    List<String> crashInjection() throws Exception {
        out.println("crash injection");
        int restartsBefore = supervisor.restarts();
        ChaosLoad load = new ChaosLoad(client, references);
        CompletableFuture<ChaosClient.Outcome> poison = CompletableFuture.supplyAsync(() -> client.async(POISON_PROMPT));
        load.run(settings.sideJobs(), settings.concurrency(), () -> true);
        ChaosClient.Outcome o = poison.get();
        ChaosLoad.Tally t = load.tally();
        return List.of(
                "| the poison job | " + (o.finished() ? "completed (not expected)" : "ended with " + o.errorCode()) + " |",
                "| boards it crashed (restarted by the supervisor) | " + (supervisor.restarts() - restartsBefore) + " |",
                "| its attempts, board by board in order | " + String.join(", ", JobStarts.read(
                        fleet.bootstrapServers(), Topics.defaults().events()).getOrDefault(o.jobId(), List.of())) + " |",
                "| ordinary jobs meanwhile | " + t.jobs() + ", " + t.equal() + " equal to their reference, errors "
                        + t.errorsText() + " |");
    }
}
