package dev.npufleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.protocol.ErrorCode;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.EventType;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobIds;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.kafka.TopicSetup;
import dev.npufleet.worker.testing.Jobs;
import dev.npufleet.worker.testing.KafkaProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WorkerMain} as its own process with {@code -Xmx128m}, restarted by the test as a supervisor
 * would: a job that kills the process (the simulator's crash injection) is dead-lettered after the
 * configured number of crashes, and a worker that cannot open its NPU exits non-zero.
 */
@ExtendWith(KafkaTestBroker.class)
class WorkerProcessIT {

    @TempDir
    Path state;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldDeadLetterAJobThatCrashedTwoBoardsThreeTimes(KafkaTestBroker.Broker broker) throws Exception {
        // Given topics, two boards whose runtime dies on a poison prompt, the job with it, and a good job behind it
        String prefix = KafkaTestBroker.uniqueName("poison") + ".";
        Topics topics = new Topics(prefix);
        List<Map<String, String>> boards = List.of(env(broker, prefix, "board-p"), env(broker, prefix, "board-q"));
        boards.forEach(env -> env.put("NPUFLEET_SIM_OPTIONS", "crash_on=POISON-PILL"));
        createTopics(broker, topics);
        try (KafkaProbe probe = new KafkaProbe(broker.bootstrapServers(), topics)) {
            Job poison = job(topics, "Please swallow the POISON-PILL now");
            Job good = job(topics, "Hello");
            // Same key: same partition, so the good job waits behind the poison one
            probe.send(topics.jobs("qwen3-0.6b-sim"), "same-key", poison);
            probe.send(topics.jobs("qwen3-0.6b-sim"), "same-key", good);

            // When a board is started after each crash, the two in turn (a fleet whose supervisors restart them)
            int crashes = 0;
            while (true) {
                process = start(boards.get(crashes % 2), "run-" + crashes);
                int exit = waitUntilExitOr(process, () -> probe.events(good.id()).stream()
                        .anyMatch(e -> e.type().isTerminal()));
                if (exit < 0) {
                    break; // still running: it got past the poison job
                }
                crashes++;
                assertThat(exit).as("exit code of a SIGKILLed worker").isEqualTo(137);
                assertThat(crashes).as("crashes before the job was given up").isLessThanOrEqualTo(3);
            }

            // Then it crashed three times on two boards, then went to the DLQ with the reason, and the next job ran
            assertThat(crashes).isEqualTo(3);
            Event last = probe.awaitLast(poison.id());
            assertThat(last.type()).isEqualTo(EventType.ERROR);
            assertThat(last.error().code()).isEqualTo(ErrorCode.POISON_JOB.wire());
            assertThat(last.attempt()).isEqualTo(4);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(probe.deadLetters()).singleElement()
                    .satisfies(d -> assertThat(d.reason()).isEqualTo("crashed 3 attempts on 2 boards")));
            assertThat(probe.awaitLast(good.id()).type()).isEqualTo(EventType.FINISH);

            // And a SIGTERM stops the worker through its shutdown hook: status tombstoned
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(143); // the JVM's status after SIGTERM
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.tombstoned("board-q"));
        }
    }

    @Test
    void shouldExitNonZeroWhenTheNpuCannotBeOpened(KafkaTestBroker.Broker broker) throws Exception {
        String prefix = KafkaTestBroker.uniqueName("nonpu") + ".";
        Map<String, String> env = env(broker, prefix, "board-n");
        Path model = Files.writeString(state.resolve("model.rkllm"), "not a model");
        env.put("NPUFLEET_RUNTIME_LIBRARY", state.resolve("missing/librkllmrt.so").toString());
        env.put("NPUFLEET_MODEL_PATH", model.toString());

        process = start(env, "nonpu");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
    }

    private Map<String, String> env(KafkaTestBroker.Broker broker, String prefix, String id) {
        Map<String, String> env = new HashMap<>();
        env.put("NPUFLEET_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("NPUFLEET_WORKER_ID", id);
        env.put("NPUFLEET_TOPIC_PREFIX", prefix);
        env.put("NPUFLEET_STATE_DIR", state.resolve(id).toString());
        env.put("NPUFLEET_SIM_MODEL_PRESET", "tiny");
        env.put("NPUFLEET_JOB_PARTITIONS", "2");
        env.put("NPUFLEET_SESSION_TIMEOUT_MS", "6000");
        env.put("NPUFLEET_MAX_NEW_TOKENS", "16");
        return env;
    }

    private Process start(Map<String, String> env, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(state.resolve(name + ".log").toFile());
        return pb.start();
    }

    /** The process's exit code, or -1 once {@code done} holds while it still runs. */
    private static int waitUntilExitOr(Process p, java.util.function.BooleanSupplier done) {
        int[] exit = {-1};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                exit[0] = p.exitValue();
                return true;
            }
            return done.getAsBoolean();
        });
        return exit[0];
    }

    private static void createTopics(KafkaTestBroker.Broker broker, Topics topics) {
        TopicSetup d = TopicSetup.defaults(topics);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            new TopicSetup(topics, 2, d.eventPartitions(), d.replicationFactor(), d.jobRetention(), d.eventRetention())
                    .ensure(admin, List.of("qwen3-0.6b-sim"), Duration.ofSeconds(30));
        }
    }

    private static Job job(Topics topics, String prompt) {
        return new Job(Protocol.VERSION, JobIds.newId(), "qwen3-0.6b-sim", JobKind.COMPLETION, null, prompt, null,
                Jobs.greedy(8), topics.events(), System.currentTimeMillis(), 0);
    }
}
