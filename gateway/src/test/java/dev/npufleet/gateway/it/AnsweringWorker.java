package dev.npufleet.gateway.it;

import dev.npufleet.protocol.CacheBuild;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Topics;
import dev.npufleet.protocol.Usage;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A worker on the wire that answers every job of one model at once (STARTED, one CHUNK, FINISH; a cache build
 * finishes as built), on a thread of its own, so that a test sending many requests gets every accepted one
 * answered without scripting each. Start with {@link #start}, stop with {@link #close}.
 */
final class AnsweringWorker implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> jobs;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicInteger answered = new AtomicInteger();
    private volatile boolean running = true;

    private AnsweringWorker(String bootstrap, Topics topics, String model) {
        jobs = new KafkaConsumer<>(ScriptedWorker.consumerProps(bootstrap));
        jobs.assign(Stream.concat(ScriptedWorker.partitions(jobs, topics.jobs(model)).stream(),
                ScriptedWorker.partitions(jobs, topics.background(model)).stream()).toList());
        jobs.seekToBeginning(jobs.assignment());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        thread = new Thread(this::loop, "answering-worker");
        thread.setDaemon(true);
    }

    static AnsweringWorker start(String bootstrap, Topics topics, String model) {
        AnsweringWorker worker = new AnsweringWorker(bootstrap, topics, model);
        worker.thread.start();
        return worker;
    }

    int answered() {
        return answered.get();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : jobs.poll(Duration.ofMillis(100))) {
                    answer(JsonCodec.decode(r.value(), Job.class));
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    private void answer(Job job) {
        String board = ScriptedWorker.BOARD;
        send(job, Event.started(job.id(), board, 1, null));
        if (job.kind() == JobKind.CACHE_BUILD) {
            CacheBuild build = new CacheBuild(board, job.cache().name(), "r1", true, 1024, 1, 4);
            send(job, Event.finish(job.id(), board, 1, 0, "stop", null, null, build));
        } else {
            send(job, Event.chunk(job.id(), board, 1, 0, "ok"));
            send(job, Event.finish(job.id(), board, 1, 2, "stop", Usage.of(3, 1, 0), null, null));
        }
        answered.incrementAndGet();
    }

    private void send(Job job, Event event) {
        producer.send(new ProducerRecord<>(job.replyTo(), job.id(), JsonCodec.encode(event)));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        jobs.wakeup();
        thread.join(10_000);
        jobs.close();
        producer.close();
    }
}
