package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class ReplyTopicsTest {

    @Test
    void shouldCallInternalMissingAndForbiddenTopicsUndeliverable() {
        ReplyTopics replies = new ReplyTopics(topic -> switch (topic) {
            case "gone" -> ReplyTopics.Found.MISSING;
            case "locked" -> ReplyTopics.Found.FORBIDDEN;
            case "internal" -> ReplyTopics.Found.INTERNAL;
            default -> ReplyTopics.Found.WRITABLE;
        });

        assertThat(replies.undeliverable("gone")).hasValueSatisfying(r -> assertThat(r).contains("does not exist"));
        assertThat(replies.undeliverable("locked")).hasValueSatisfying(r -> assertThat(r).contains("may not write"));
        assertThat(replies.undeliverable("internal")).hasValueSatisfying(r -> assertThat(r).contains("internal"));
        assertThat(replies.undeliverable("__consumer_offsets")).isPresent();
        assertThat(replies.undeliverable("npu.events")).isEmpty();
    }

    @Test
    void shouldRunTheJobWhenTheBrokerCannotSayAndRememberWritableTopics() {
        AtomicInteger asked = new AtomicInteger();
        ReplyTopics away = new ReplyTopics(topic -> {
            asked.incrementAndGet();
            return ReplyTopics.Found.UNKNOWN;
        });
        assertThat(away.undeliverable("npu.events")).isEmpty();
        assertThat(away.undeliverable("npu.events")).isEmpty();
        assertThat(asked).hasValue(2); // not known to be good: asked again

        AtomicInteger good = new AtomicInteger();
        ReplyTopics up = new ReplyTopics(topic -> {
            good.incrementAndGet();
            return ReplyTopics.Found.WRITABLE;
        });
        up.undeliverable("npu.events");
        up.undeliverable("npu.events");
        assertThat(good).hasValue(1);
    }

    @Test
    void shouldTellARefusedRecordFromABrokerAway() {
        assertThat(ReplyTopics.undeliverable(new java.util.concurrent.CompletionException(
                new RecordTooLargeException("too big")))).isPresent();
        assertThat(ReplyTopics.undeliverable(new TimeoutException("expired"))).isEmpty();
    }
}
