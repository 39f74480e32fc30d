package dev.npufleet.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.broker.KafkaTestBroker;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/jobs/{id}/events} on the real path (broker, gateway, a worker process on the simulator, paced so
 * that a job runs for seconds): a stream resumed while the job runs follows it chunk by chunk, and joins the
 * history it read to the live events without a gap or a repeat; a client that hangs up lets go of the job.
 */
@ExtendWith(KafkaTestBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumedStreamIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern FOLLOWERS = Pattern.compile("(?m)^gateway_jobs_followers(?:\\{[^}]*})? (\\S+)$");

    private TestFleet fleet;

    @BeforeAll
    void startFleet(KafkaTestBroker.Broker broker, @TempDir Path dir) throws Exception {
        fleet = new TestFleet(broker.bootstrapServers(), KafkaTestBroker.uniqueName("resume") + ".", dir,
                Map.of("NPUFLEET_SSE_KEEPALIVE_MS", "200"));
        // 80 ms a token: a 60-token answer runs for about 5 s, long enough to be joined while it runs
        fleet.startWorker("board-a", Map.of("NPUFLEET_SIM_OPTIONS", "slow_ms_per_token=80"));
        fleet.awaitWorkers();
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldFollowARunningJobChunkByChunkAndEndWithTheLiveAnswer() throws Exception {
        // Given a live stream that has had 3 chunks of a long answer
        // (a completion: its live chunks are the job's chunks as they are, so frame ids can be compared)
        HttpResponse<Stream<String>> response = Http.postStreaming(fleet.baseUrl() + "/v1/completions", """
                {"model":"%s","stream":true,"max_tokens":60,"temperature":0,"prompt":"Once upon a time"}"""
                .formatted(TestFleet.MODEL));
        String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();
        Iterator<String> liveLines = response.body().iterator();
        Frames live = new Frames();
        live.read(liveLines, 3);
        long resumedAt = live.ids.get(live.ids.size() - 1);

        // When the job is resumed after that chunk, and again from the start a few chunks later
        CompletableFuture<Frames> resumed = CompletableFuture.supplyAsync(() -> resume(jobId, resumedAt, true));
        live.read(liveLines, 6);
        CompletableFuture<Frames> fromStart = CompletableFuture.supplyAsync(() -> resume(jobId, -1, false));
        live.read(liveLines, Integer.MAX_VALUE);
        Frames after = resumed.get(60, TimeUnit.SECONDS);
        Frames whole = fromStart.get(60, TimeUnit.SECONDS);

        // Then the resumed stream had chunks while the job still ran, each the live stream's own chunk
        assertThat(live.done).isTrue();
        assertThat(after.statusAtFirstFollowedChunk).isEqualTo("in_progress");
        assertThat(after.ids.size()).as("the history, then chunks as they came").isGreaterThan(2);
        List<Long> liveAfterHistory = live.ids.stream().filter(id -> id > after.ids.get(0)).toList();
        assertThat(after.ids.subList(1, after.ids.size())).isEqualTo(liveAfterHistory);
        // and both resumed streams hold the rest of the live answer, every code point once, to [DONE]
        assertThat(live.prefix(resumedAt) + after.text()).isEqualTo(live.text());
        assertThat(whole.text()).isEqualTo(live.text());
        assertThat(after.done).isTrue();
        assertThat(whole.done).isTrue();
        assertThat(live.text().codePointCount(0, live.text().length())).isGreaterThan(10);
        await().atMost(Duration.ofSeconds(30)).until(() -> followers() == 0);
    }

    @Test
    void shouldLetGoOfTheJobWhenTheResumingClientHangsUp() throws Exception {
        HttpResponse<Stream<String>> response = Http.postStreaming(fleet.baseUrl() + "/v1/completions", """
                {"model":"%s","stream":true,"max_tokens":60,"temperature":0,"prompt":"Far away"}"""
                .formatted(TestFleet.MODEL));
        String jobId = response.headers().firstValue("x-npufleet-job-id").orElseThrow();
        Iterator<String> liveLines = response.body().iterator();
        new Frames().read(liveLines, 2);

        HttpResponse<InputStream> resumed = CLIENT.send(HttpRequest.newBuilder(
                URI.create(fleet.baseUrl() + "/v1/jobs/" + jobId + "/events")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.body().read()).isNotNegative();
        assertThat(followers()).isEqualTo(1);

        resumed.body().close();

        await().atMost(Duration.ofSeconds(30)).until(() -> followers() == 0);
        new Frames().read(liveLines, Integer.MAX_VALUE); // the job itself runs on for its live client
    }

    /** Resumes the job after {@code after} (or from its start when negative) and reads the stream to its end. */
    private Frames resume(String jobId, long after, boolean askStatus) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fleet.baseUrl() + "/v1/jobs/" + jobId
                + "/events")).timeout(Duration.ofSeconds(60));
        if (after >= 0) {
            request.header("Last-Event-ID", Long.toString(after));
        }
        try {
            HttpResponse<Stream<String>> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            Frames frames = new Frames();
            Iterator<String> lines = response.body().iterator();
            frames.read(lines, 1);
            frames.read(lines, 2); // the first chunk after the history
            if (askStatus) {
                frames.statusAtFirstFollowedChunk = Http.json(Http.get(fleet.baseUrl() + "/v1/jobs/" + jobId).body())
                        .path("status").asText();
            }
            frames.read(lines, Integer.MAX_VALUE);
            return frames;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int followers() throws Exception {
        Matcher m = FOLLOWERS.matcher(Http.get(fleet.baseUrl() + "/metrics").body());
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    /** The text frames of an SSE completion stream: their ids and text; whether it ended with [DONE]. */
    private static final class Frames {
        final List<Long> ids = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        volatile String statusAtFirstFollowedChunk;
        boolean done;
        private long id = -1;

        /** Reads until {@code count} content frames are in, or the stream ends. */
        void read(Iterator<String> lines, int count) {
            while (ids.size() < count && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4).strip());
                } else if (line.equals("data: [DONE]")) {
                    done = true;
                } else if (line.startsWith("data: ")) {
                    JsonNode chunk = Http.json(line.substring(6));
                    assertThat(chunk.has("error")).as("an error event: %s", line).isFalse();
                    String content = chunk.at("/choices/0/text").asText("");
                    if (!content.isEmpty()) {
                        ids.add(id);
                        texts.add(content);
                    }
                }
            }
        }

        String text() {
            return String.join("", texts);
        }

        /** The text of the frames up to code point {@code offset}. */
        String prefix(long offset) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ids.size() && ids.get(i) <= offset; i++) {
                sb.append(texts.get(i));
            }
            return sb.toString();
        }
    }
}
