package dev.npufleet.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.gateway.tenancy.ApiKey;
import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.Protocol;
import dev.npufleet.protocol.WorkerStatus;
import dev.npufleet.protocol.JsonCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys on: who gets in, on which routes, with which key; the keys file re-read without a restart. */
class ApiKeysHttpTest {
    @TempDir
    static Path dir;
    private static Path keysFile;
    private static HttpHarness harness;

    @BeforeAll
    static void start() throws Exception {
        keysFile = dir.resolve("keys.txt");
        Files.writeString(keysFile, "# keys\nsk-alice name=alice\nsha256:"
                + HexFormat.of().formatHex(ApiKey.hash("sk-bob")) + " name=bob\nsk-ops name=ops admin\n");
        harness = new HttpHarness(Map.of("NPUFLEET_API_KEYS_FILE", keysFile.toString(), "NPUFLEET_API_KEYS", "sk-inline"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static HttpResponse<String> send(String method, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(harness.uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            b.header("Authorization", key);
        }
        return harness.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body()).path("error");
    }

    @Test
    void shouldAnswer401InvalidApiKeyOnEveryRouteWithoutAKnownKey() throws Exception {
        for (String path : new String[] {"/v1/models", "/v1/fleet", "/metrics", "/v1/jobs/x", "/v1/batches", "/nope"}) {
            for (String auth : new String[] {null, "Bearer", "Bearer sk-wrong", "Basic c2stYWxpY2U6", "sk-alice"}) {
                HttpResponse<String> response = send("GET", path, auth);

                assertThat(response.statusCode()).as(path + " " + auth).isEqualTo(401);
                assertThat(error(response).path("code").asText()).isEqualTo("invalid_api_key");
                assertThat(response.body()).doesNotContain("sk-wrong");
            }
        }
        HttpResponse<String> post = harness.send("POST", "/v1/chat/completions",
                "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(harness.bus.jobs).isEmpty();
    }

    @Test
    void shouldServeHealthAndReadyWithoutAKey() throws Exception {
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAdmitAKeyGivenAsItselfAsItsHashOrInline() throws Exception {
        assertThat(send("GET", "/v1/models", "Bearer sk-alice").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/models", "bearer sk-bob").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/models", "Bearer sk-inline").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepMetricsForAdminKeys() throws Exception {
        HttpResponse<String> metrics = send("GET", "/metrics", "Bearer sk-alice");

        assertThat(metrics.statusCode()).isEqualTo(403);
        assertThat(error(metrics).path("code").asText()).isEqualTo("admin_key_required");
        assertThat(send("GET", "/metrics", "Bearer sk-ops").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldShowBoardsRunningJobIdsToAdminKeysOnly() throws Exception {
        long now = System.currentTimeMillis();
        harness.fleet.apply("board-1", JsonCodec.encode(new WorkerStatus(Protocol.VERSION, "board-1", HttpHarness.MODEL,
                "sim", "1.3.0", WorkerStatus.State.BUSY, List.of(0), List.of(), 0, "job-of-someone", 100, 10, 1.0, 0,
                1000, now, now)));

        String asUser = send("GET", "/v1/fleet", "Bearer sk-alice").body();
        String asAdmin = send("GET", "/v1/fleet", "Bearer sk-ops").body();

        assertThat(asUser).contains("board-1").doesNotContain("job-of-someone").doesNotContain("current_job");
        assertThat(asAdmin).contains("\"current_job\":\"job-of-someone\"");
    }

    @Test
    void shouldLetOnlyAnAdminKeyDeleteASharedNamedCache() throws Exception {
        harness.caches.applyOwn(new CacheDefinition(HttpHarness.MODEL, "shared", "r1", "You are brief.", null, false,
                0, System.currentTimeMillis()), 1);

        HttpResponse<String> refused = send("DELETE", "/v1/cache/" + HttpHarness.MODEL + "/shared", "Bearer sk-alice");
        HttpResponse<String> deleted = send("DELETE", "/v1/cache/" + HttpHarness.MODEL + "/shared", "Bearer sk-ops");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(error(refused).path("code").asText()).isEqualTo("admin_key_required");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    }

    @Test
    void shouldReReadTheKeysFileWithoutARestart() throws Exception {
        assertThat(send("GET", "/v1/models", "Bearer sk-carol").statusCode()).isEqualTo(401);

        Files.writeString(keysFile, "sk-carol name=carol\nsk-ops name=ops admin\n");
        Files.setLastModifiedTime(keysFile, FileTime.fromMillis(System.currentTimeMillis() + 5000));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send("GET", "/v1/models", "Bearer sk-carol").statusCode()).isEqualTo(200));
        assertThat(send("GET", "/v1/models", "Bearer sk-alice").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/models", "Bearer sk-inline").statusCode()).isEqualTo(200);

        Files.writeString(keysFile, "sk-carol rpm=lots\n"); // malformed: the keys read last stay
        Files.setLastModifiedTime(keysFile, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send("GET", "/v1/models", "Bearer sk-carol").statusCode()).isEqualTo(200));
        restore();
    }

    private static void restore() throws Exception {
        Files.writeString(keysFile, "sk-alice name=alice\nsha256:" + HexFormat.of().formatHex(ApiKey.hash("sk-bob"))
                + " name=bob\nsk-ops name=ops admin\n");
        Files.setLastModifiedTime(keysFile, FileTime.fromMillis(System.currentTimeMillis() + 15_000));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(send("GET", "/v1/models", "Bearer sk-alice").statusCode()).isEqualTo(200));
    }
}
