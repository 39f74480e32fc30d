package dev.npufleet.launcher.bench;

import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Timings;
import dev.npufleet.protocol.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for a fleet of fast boards when measuring one gateway's capacity: answers every job
 * on the wire with STARTED, then one chunk of {@code tokensPerChunk} tokens every
 * {@code 1000 * tokensPerChunk / tokensPerSecond} ms per job, then FINISH. It speaks the real
 * protocol on the real broker, so the gateway under test does exactly its production work.
 * Two threads: one consumes jobs, one emits events on a fixed tick.
 */
final class SyntheticResponder implements AutoCloseable {
    private static final String TOKEN = "tok ";

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final ConcurrentLinkedQueue<Job> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final double tokensPerSecond;
    private final int tokensPerChunk;
    private final Thread poller;
    private final Thread emitter;
    private volatile int assigned;

    SyntheticResponder(String bootstrap, String jobsTopic, double tokensPerSecond, int tokensPerChunk) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "synthetic-responder");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2"); // many streams at once: let records share batches
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        this.producer = new KafkaProducer<>(p);
        this.tokensPerSecond = tokensPerSecond;
        this.tokensPerChunk = tokensPerChunk;
        consumer.subscribe(List.of(jobsTopic));
        poller = new Thread(this::poll, "responder-poll");
        emitter = new Thread(this::emit, "responder-emit");
        poller.start();
        emitter.start();
    }

    /** Waits until the consumer has its partitions, so no job is published before it listens. */
    void awaitAssignment(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (assigned == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the synthetic responder got no partitions");
            }
            Thread.sleep(20); // polling another thread's view of the group; nothing to wait on
        }
    }

    private void poll() {
        while (running.get()) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                incoming.add(JsonCodec.decode(r.value(), Job.class));
            }
            assigned = consumer.assignment().size();
        }
        consumer.close();
    }

    private void emit() {
        List<Stream> active = new ArrayList<>();
        long chunkNanos = (long) (1e9 * tokensPerChunk / tokensPerSecond);
        while (running.get()) {
            long now = System.nanoTime();
            for (Job job; (job = incoming.poll()) != null; ) {
                send(job, Event.started(job.id(), "synthetic", 1, new Timings(0, 0, 0, 0, 0, 0, 0)));
                int max = job.params().maxTokens() == null ? 64 : job.params().maxTokens();
                active.add(new Stream(job, max, now));
            }
            for (Iterator<Stream> it = active.iterator(); it.hasNext(); ) {
                Stream s = it.next();
                while (s.sent < s.max && now >= s.next) {
                    int n = Math.min(tokensPerChunk, s.max - s.sent);
                    send(s.job, Event.chunk(s.job.id(), "synthetic", 1, (long) s.sent * TOKEN.length(), TOKEN.repeat(n)));
                    s.sent += n;
                    s.next += chunkNanos;
                }
                if (s.sent >= s.max) {
                    send(s.job, Event.finish(s.job.id(), "synthetic", 1, (long) s.sent * TOKEN.length(), "length",
                            Usage.of(8, s.max, 0), new Timings(0, 0, 0, 0, tokensPerSecond, 0, 0), null));
                    it.remove();
                }
            }
            try {
                Thread.sleep(2); // the emission tick
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(Job job, Event event) {
        producer.send(new ProducerRecord<>(job.replyTo(), job.id(), JsonCodec.encode(event)));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        poller.join(5000);
        emitter.join(5000);
        producer.close(Duration.ofSeconds(5));
    }

    private static final class Stream {
        final Job job;
        final int max;
        int sent;
        long next;

        Stream(Job job, int max, long start) {
            this.job = job;
            this.max = max;
            this.next = start;
        }
    }
}
