package dev.npufleet.worker.job;

import dev.npufleet.protocol.DeadLetter;
import dev.npufleet.protocol.ErrorInfo;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes records no worker can process to the dead-letter topic, with the reason and where
 * they came from, and tells the job's client when its reply topic is known. Any thread.
 */
public final class DeadLetters {

    /** Payloads are kept as text up to this size; a huge bad record must not make a huge DLQ record. */
    private static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    private final EventSink sink;
    private final String dlqTopic;
    private final String worker;

    public DeadLetters(EventSink sink, String dlqTopic, String worker) {
        this.sink = sink;
        this.dlqTopic = dlqTopic;
        this.worker = worker;
    }

    /**
     * Dead-letters one record and, when {@code replyTo} and {@code jobId} are known, publishes an
     * ERROR event to it.
     *
     * @return completes when every record sent is acknowledged
     */
    public CompletableFuture<Void> send(RecordContext source, byte[] payload, String reason, String jobId,
            String replyTo, ErrorInfo error, int attempt) {
        DeadLetter letter = new DeadLetter(Protocol.VERSION, reason, source.topic(), source.partition(),
                source.offset(), source.key(), payloadText(payload), worker, System.currentTimeMillis());
        CompletableFuture<Void> dlq = sink.send(dlqTopic, source.key(), letter);
        if (jobId == null || replyTo == null) {
            return dlq;
        }
        CompletableFuture<Void> event = sink.send(replyTo, jobId, Event.error(jobId, worker, attempt, error));
        return CompletableFuture.allOf(dlq, event);
    }

    private static String payloadText(byte[] payload) {
        if (payload == null) {
            return null;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        return text.length() <= MAX_PAYLOAD_CHARS ? text : text.substring(0, MAX_PAYLOAD_CHARS);
    }
}
