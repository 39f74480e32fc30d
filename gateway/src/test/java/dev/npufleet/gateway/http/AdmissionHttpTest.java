package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Admission control: a busy model refuses new interactive requests with 429 and Retry-After; async jobs queue. */
class AdmissionHttpTest {
    private static final String CHAT = "{\"model\":\"test-model\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";
    private static HttpHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new HttpHarness(Map.of("NPUFLEET_ADMIT_MAX_WAIT_MS", "5000"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void clear() {
        harness.bus.jobs.clear();
    }

    /** One board of the model, with {@code queued} jobs waiting, at 10 tokens/s of decode. */
    private static void board(long queued) {
        long now = System.currentTimeMillis();
        harness.fleet.apply("board-1", JsonCodec.encode(new WorkerStatus(Protocol.VERSION, "board-1",
                HttpHarness.MODEL, "sim", "1.3.0", WorkerStatus.State.BUSY, List.of(0, 1), List.of(), queued, null,
                100, 10, 1.0, 0, 1000, now, now)));
    }

    @Test
    void shouldRefuseAnInteractiveRequestWhileTheEstimatedWaitIsAboveTheBoundButQueueAnAsyncJob() throws Exception {
        board(100);

        HttpResponse<String> refused = harness.send("POST", "/v1/chat/completions", CHAT);
        HttpResponse<String> queued = harness.send("POST", "/v1/jobs",
                "{\"endpoint\":\"/v1/chat/completions\",\"body\":" + CHAT + "}");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        JsonNode error = JsonCodec.mapper().readTree(refused.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("model_overloaded");
        long retryAfter = Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isPositive();
        assertThat(queued.statusCode()).isEqualTo(202);
        assertThat(harness.bus.jobs).hasSize(1); // the async job only
        assertThat(harness.router.inFlightJobs()).isEqualTo(1); // the refused one is forgotten
    }

    @Test
    void shouldAdmitAnInteractiveRequestWhenTheQueueIsShort() throws Exception {
        board(0);

        var answer = harness.postAsync("/v1/chat/completions", CHAT);
        FakeBus.Published job = harness.bus.nextJob();
        harness.publish(Events.started(job.job().id()));
        harness.publish(Events.chunk(job.job().id(), 0, "ok"));
        harness.publish(Events.finish(job.job().id(), 2, dev.npufleet.protocol.Usage.of(2, 1, 0)));

        assertThat(answer.get().statusCode()).isEqualTo(200);
    }
}
