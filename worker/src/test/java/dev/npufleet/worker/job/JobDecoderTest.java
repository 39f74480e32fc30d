package dev.npufleet.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobDecoderTest {

    private final JobDecoder decoder = new JobDecoder("tiny");

    @Test
    void shouldAcceptAValidJobForItsModel() {
        assertThat(decoder.decode(bytes("{\"v\":1,\"id\":\"j1\",\"model\":\"tiny\",\"kind\":\"COMPLETION\","
                + "\"prompt\":\"hi\",\"reply_to\":\"replies\"}"))).isInstanceOf(JobDecoder.Valid.class);
    }

    @Test
    void shouldRejectTextThatIsNotJsonWithoutAReplyAddress() {
        JobDecoder.Malformed m = (JobDecoder.Malformed) decoder.decode(bytes("not json"));
        assertThat(m.code()).isEqualTo(ErrorCode.MALFORMED_JOB);
        assertThat(m.canReply()).isFalse();
    }

    @Test
    void shouldRecoverIdAndReplyTopicFromAJobThatFailsValidation() {
        // A chat job without messages: valid JSON, invalid job
        JobDecoder.Malformed m = (JobDecoder.Malformed) decoder.decode(bytes(
                "{\"id\":\"j2\",\"model\":\"tiny\",\"kind\":\"CHAT\",\"reply_to\":\"replies\"}"));
        assertThat(m.reason()).contains("needs messages");
        assertThat(m.jobId()).isEqualTo("j2");
        assertThat(m.replyTo()).isEqualTo("replies");
    }

    @Test
    void shouldRejectAJobForAnotherModel() {
        JobDecoder.Malformed m = (JobDecoder.Malformed) decoder.decode(bytes("{\"id\":\"j3\",\"model\":\"big\","
                + "\"kind\":\"COMPLETION\",\"prompt\":\"hi\",\"reply_to\":\"replies\"}"));
        assertThat(m.code()).isEqualTo(ErrorCode.MODEL_NOT_SERVED);
        assertThat(m.canReply()).isTrue();
    }

    @Test
    void shouldNotReplyToAnIllegalTopicName() {
        JobDecoder.Malformed m = (JobDecoder.Malformed) decoder.decode(bytes("{\"id\":\"j4\",\"model\":\"tiny\","
                + "\"kind\":\"COMPLETION\",\"prompt\":\"hi\",\"reply_to\":\"bad topic!\"}"));
        assertThat(m.replyTo()).isNull();
        assertThat(m.canReply()).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
