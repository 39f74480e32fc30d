package dev.npufleet.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import dev.npufleet.gateway.http.RawClient;
import dev.npufleet.gateway.http.SseFrame;
import dev.npufleet.protocol.CancelRequest;
import dev.npufleet.protocol.Event;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.RoutingKeys;
import dev.npufleet.protocol.Usage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway on a real broker, the test playing the worker on the wire ({@link ScriptedWorker}):
 * jobs really go through the jobs topic, events through the events topic, cancels through control.
 */
@ExtendWith(KafkaTestBroker.class)
class GatewayKafkaIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHAT_STREAM = """
            {"model":"it-model","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}""";

    private static GatewayUnderTest gateway;
    private static ScriptedWorker worker;

    /** One gateway and worker for the class: starting them costs more than the tests. */
    @BeforeAll
    static void start(KafkaTestBroker.Broker kafka) {
        gateway = GatewayUnderTest.start(kafka.bootstrapServers(), KafkaTestBroker.uniqueName("gw") + ".", Map.of())
                .awaitReady();
        worker = new ScriptedWorker(kafka.bootstrapServers(), gateway.topics(), GatewayUnderTest.MODEL);
    }

    @AfterAll
    static void stop() {
        worker.close();
        gateway.close();
    }

    private static Event chunk(Job job, long seq, String text) {
        return Event.chunk(job.id(), ScriptedWorker.BOARD, 1, seq, text);
    }

    private static Event finish(Job job, long length, Usage usage) {
        return Event.finish(job.id(), ScriptedWorker.BOARD, 1, length, "stop", usage, null, null);
    }

    @Test
    void shouldPublishTheJobKeyedByItsRoutingKeyAndRelayTheStreamedAnswer() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = gateway.postAsync("/v1/chat/completions", CHAT_STREAM);
        ScriptedWorker.Received received = worker.nextJob(WAIT);
        Job job = received.job();
        worker.send(job, Event.started(job.id(), ScriptedWorker.BOARD, 1, null));
        worker.send(job, chunk(job, 0, "Hello"));
        worker.send(job, chunk(job, 5, " there"));
        worker.send(job, finish(job, 11, new Usage(12, 2, 14, 8, true)));

        HttpResponse<String> response = pending.get(30, TimeUnit.SECONDS);

        assertThat(received.key()).isEqualTo(RoutingKeys.forJob(job)).startsWith("it-model/sys:");
        assertThat(job.kind()).isEqualTo(JobKind.CHAT);
        assertThat(job.replyTo()).isEqualTo(gateway.topics().events());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-npufleet-job-id")).hasValue(job.id());
        List<SseFrame> frames = SseFrame.parse(response.body());
        assertThat(frames.stream().map(SseFrame::text).reduce("", String::concat)).isEqualTo("Hello there");
        JsonNode usage = frames.get(frames.size() - 2).json().path("usage");
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(8);
        assertThat(usage.path("cache_hit").asBoolean()).isTrue();
        assertThat(frames.get(frames.size() - 1).isDone()).isTrue();
    }

    @Test
    void shouldAnswerNonStreamedChatAndCompletionsThroughKafka() throws Exception {
        CompletableFuture<HttpResponse<String>> chat = gateway.postAsync("/v1/chat/completions",
                "{\"model\":\"it-model\",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
        Job chatJob = worker.nextJob(WAIT).job();
        worker.send(chatJob, chunk(chatJob, 0, "4"));
        worker.send(chatJob, finish(chatJob, 1, Usage.of(5, 1, 0)));
        CompletableFuture<HttpResponse<String>> completion = gateway.postAsync("/v1/completions",
                "{\"model\":\"it-model\",\"prompt\":\"Once upon\"}");
        Job completionJob = worker.nextJob(WAIT).job();
        worker.send(completionJob, chunk(completionJob, 0, " a time"));
        worker.send(completionJob, finish(completionJob, 7, Usage.of(2, 2, 0)));

        JsonNode chatBody = JsonCodec.mapper().readTree(chat.get(30, TimeUnit.SECONDS).body());
        JsonNode completionBody = JsonCodec.mapper().readTree(completion.get(30, TimeUnit.SECONDS).body());

        assertThat(chatBody.at("/choices/0/message/content").asText()).isEqualTo("4");
        assertThat(chatBody.at("/usage/total_tokens").asInt()).isEqualTo(6);
        assertThat(completionBody.path("object").asText()).isEqualTo("text_completion");
        assertThat(completionBody.at("/choices/0/text").asText()).isEqualTo(" a time");
        assertThat(completionJob.prompt()).isEqualTo("Once upon");
    }

    @Test
    void shouldDeliverTheChunksOfACrashedAndReRunJobExactlyOnce() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = gateway.postAsync("/v1/chat/completions", CHAT_STREAM);
        Job job = worker.nextJob(WAIT).job();
        worker.send(job, chunk(job, 0, "The quick"));
        worker.send(job, chunk(job, 9, " brown"));
        // attempt 2 on another board repeats the answer, chunked differently
        worker.send(job, Event.started(job.id(), "other-board", 2, null));
        worker.send(job, Event.chunk(job.id(), "other-board", 2, 0, "The qu"));
        worker.send(job, Event.chunk(job.id(), "other-board", 2, 6, "ick bro"));
        worker.send(job, Event.chunk(job.id(), "other-board", 2, 13, "wn fox"));
        worker.send(job, Event.finish(job.id(), "other-board", 2, 19, "stop", Usage.of(3, 4, 0), null, null));

        List<SseFrame> frames = SseFrame.parse(pending.get(30, TimeUnit.SECONDS).body());

        List<String> texts = frames.stream().filter(f -> !f.isDone()).map(SseFrame::text).filter(t -> !t.isEmpty())
                .toList();
        assertThat(texts).containsExactly("The quick", " brown", " fox");
    }

    @Test
    void shouldPublishACancelOnTheControlTopicWhenTheClientDisconnects() throws Exception {
        Job job;
        try (RawClient client = RawClient.post(gateway.port(), "/v1/chat/completions", CHAT_STREAM)) {
            job = worker.nextJob(WAIT).job();
            worker.send(job, chunk(job, 0, "Hello"));
            client.readUntil("Hello");
        }
        long[] seq = {5};
        // the worker keeps generating until it hears of the cancel
        await().atMost(WAIT).until(() -> {
            worker.send(job, chunk(job, seq[0]++, "."));
            return worker.cancels().stream().anyMatch(c -> c.jobId().equals(job.id()));
        });

        CancelRequest cancel = worker.cancels().stream().filter(c -> c.jobId().equals(job.id())).findFirst()
                .orElseThrow();
        assertThat(cancel.reason()).isEqualTo("client disconnected");
    }

    @Test
    void shouldAnswer504AndPublishACancelWhenNoAnswerComesInTime(KafkaTestBroker.Broker kafka) throws Exception {
        try (GatewayUnderTest impatient = GatewayUnderTest.start(kafka.bootstrapServers(),
                gateway.config.kafka().cluster().topicPrefix(), Map.of("NPUFLEET_REQUEST_TIMEOUT_MS", "1500")).awaitReady()) {
            CompletableFuture<HttpResponse<String>> pending = impatient.postAsync("/v1/completions",
                    "{\"model\":\"it-model\",\"prompt\":\"hello?\"}");
            Job job = worker.nextJob(WAIT).job();

            HttpResponse<String> response = pending.get(30, TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(JsonCodec.mapper().readTree(response.body()).at("/error/code").asText()).isEqualTo("timeout");
            assertThat(job.deadline() - job.createdAt()).isEqualTo(1500);
            await().atMost(WAIT).until(() -> worker.cancels().stream()
                    .anyMatch(c -> c.jobId().equals(job.id()) && c.reason().equals("timeout")));
        }
    }
}
