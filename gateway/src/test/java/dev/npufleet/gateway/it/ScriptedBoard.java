package dev.npufleet.gateway.it;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A board on the wire as the gateway sees one: it heartbeats a {@link WorkerStatus} (owned partitions, caches,
 * queue depth, as the test sets them) to the workers topic, reads the job partitions it claims, and publishes the
 * events the test scripts. Ownership is the test's word, not a consumer group's, so that each test decides who owns
 * what. The heartbeat runs on its own thread; everything else on the test thread.
 */
final class ScriptedBoard implements AutoCloseable {
    /** A job as it arrived at this board. */
    record Received(ScriptedBoard board, Job job, int partition) {
    }

    final String id;
    private final String model;
    private final Topics topics;
    private final KafkaConsumer<String, byte[]> jobs;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService heartbeat;
    private final Deque<Received> received = new ArrayDeque<>();
    private volatile List<Integer> partitions;
    private volatile List<WorkerStatus.CacheHolding> caches = List.of();
    private volatile long queueDepth;

    ScriptedBoard(String bootstrap, Topics topics, String model, String id, List<Integer> partitions) {
        this.id = id;
        this.model = model;
        this.topics = topics;
        this.jobs = new KafkaConsumer<>(ScriptedWorker.consumerProps(bootstrap));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        own(partitions);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-" + id);
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::publishStatus, 0, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims {@code owned} from now on, reading a partition it did not own before from its beginning (where a new
     * owner starts when nobody committed, as nobody does here; each test has its own job topic).
     */
    void own(List<Integer> owned) {
        List<TopicPartition> assignment = owned.stream().map(p -> new TopicPartition(topics.jobs(model), p)).toList();
        List<TopicPartition> fresh = new ArrayList<>(assignment);
        fresh.removeAll(jobs.assignment());
        jobs.assign(assignment);
        jobs.seekToBeginning(fresh);
        partitions = List.copyOf(owned);
    }

    void holds(String cache, String revision) {
        caches = List.of(new WorkerStatus.CacheHolding(cache, revision, 1 << 20, 0, System.currentTimeMillis()));
    }

    void queueDepth(long depth) {
        queueDepth = depth;
    }

    /** Stops heartbeating without a word, as a board that lost power. */
    void fallSilent() {
        heartbeat.shutdownNow();
        try {
            // a heartbeat being sent now must not land after a tombstone
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Leaves cleanly: no more heartbeats, then the tombstone. */
    void leave() {
        fallSilent();
        send(topics.workers(), id, null);
    }

    private void publishStatus() {
        long now = System.currentTimeMillis();
        WorkerStatus status = new WorkerStatus(Protocol.VERSION, id, model, "scripted", "1.3.0",
                queueDepth > 0 ? WorkerStatus.State.BUSY : WorkerStatus.State.IDLE, partitions, caches, queueDepth,
                null, 0, 0, 1.0, 0, 250, now, now);
        producer.send(new ProducerRecord<>(topics.workers(), id, JsonCodec.encode(status)));
    }

    /** Polls once for jobs on this board's partitions. */
    Received poll() {
        if (received.isEmpty()) {
            for (ConsumerRecord<String, byte[]> r : jobs.poll(Duration.ofMillis(50))) {
                received.add(new Received(this, JsonCodec.decode(r.value(), Job.class), r.partition()));
            }
        }
        return received.poll();
    }

    /** The next job any of {@code boards} gets, waiting up to {@code timeout}. */
    static Received nextJob(Duration timeout, ScriptedBoard... boards) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (ScriptedBoard b : boards) {
                Received r = b.poll();
                if (r != null) {
                    return r;
                }
            }
        }
        throw new AssertionError("no job arrived within " + timeout);
    }

    /** Runs the job: STARTED, one chunk, FINISH. */
    void answer(Job job, String text) {
        send(job.replyTo(), job.id(), JsonCodec.encode(Event.started(job.id(), id, 1, null)));
        send(job.replyTo(), job.id(), JsonCodec.encode(Event.chunk(job.id(), id, 1, 0, text)));
        send(job.replyTo(), job.id(), JsonCodec.encode(Event.finish(job.id(), id, 1, text.length(), "stop", null,
                null, null)));
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Leaves (so the next test's fleet view does not see this board) and closes the clients. */
    @Override
    public void close() {
        leave();
        jobs.close();
        producer.close();
    }
}
