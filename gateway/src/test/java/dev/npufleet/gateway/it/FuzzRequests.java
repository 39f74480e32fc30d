package dev.npufleet.gateway.it;

import dev.npufleet.gateway.batch.BatchIds;
import dev.npufleet.protocol.JobIds;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generated HTTP requests for the gateway's fuzz test: every route's method and path (and wrong ones), path
 * segments and query strings with bad %-encoding, huge numbers and repeated names, odd headers and content types,
 * and bodies from well-formed requests through mutated fields to random bytes.
 */
final class FuzzRequests {
    private static final String MODEL = GatewayUnderTest.MODEL;
    private static final List<String> TEMPLATES = List.of(
            "/v1/chat/completions", "/v1/completions", "/v1/models", "/v1/fleet", "/v1/cache/{model}",
            "/v1/cache/{model}/{name}", "/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/events", "/v1/jobs/{id}/cancel",
            "/v1/files", "/v1/files/{file}", "/v1/files/{file}/content", "/v1/batches", "/v1/batches/{batch}",
            "/v1/batches/{batch}/cancel", "/health", "/ready", "/metrics", "/", "/v1", "/v2/x", "/v1/chat/completions/x");

    private FuzzRequests() {
    }

    /** Ids of jobs, files and batches the gateway created during the run, so lookups also meet real ones. */
    static final List<String> KNOWN = new CopyOnWriteArrayList<>(List.of(JobIds.newId()));

    static Arbitrary<RawHttp.Request> requests() {
        Arbitrary<RawHttp.Request> random = Combinators.combine(methods(), paths(), queries(), headers(), bodies())
                .as((method, path, query, headers, body) -> new RawHttp.Request(method,
                        query.isEmpty() ? path : path + "?" + query, headers, body));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, random), net.jqwik.api.Tuple.of(1, wellFormed()));
    }

    /** A request a route serves, with at most one of query, headers or body changed. */
    private static Arbitrary<RawHttp.Request> wellFormed() {
        Arbitrary<String> known = Arbitraries.create(() -> KNOWN.get(ThreadLocalRandom.current().nextInt(KNOWN.size())));
        Arbitrary<RawHttp.Request> base = Combinators.combine(Arbitraries.integers().between(0, 19), known)
                .as(FuzzRequests::route);
        return Combinators.combine(base, Arbitraries.integers().between(0, 5), queries(), headers(), FuzzBodies.json())
                .as((request, change, query, headers, body) -> switch (change) {
                    case 0 -> new RawHttp.Request(request.method(), request.target() + "?" + query, request.headers(),
                            request.body());
                    case 1 -> new RawHttp.Request(request.method(), request.target(), headers, request.body());
                    case 2 -> new RawHttp.Request(request.method(), request.target(), request.headers(),
                            body.getBytes(StandardCharsets.UTF_8));
                    default -> request;
                });
    }

    private static RawHttp.Request route(int which, String id) {
        String chat = FuzzBodies.valid(0);
        return switch (which) {
            case 0 -> post("/v1/chat/completions", chat);
            case 1 -> post("/v1/chat/completions", FuzzBodies.valid(1));
            case 2 -> post("/v1/completions", FuzzBodies.valid(2));
            case 3 -> post("/v1/jobs", FuzzBodies.valid(3));
            case 4 -> get("/v1/jobs/" + id + "?wait=1");
            case 5 -> get("/v1/jobs/" + id + "/events");
            case 6 -> post("/v1/jobs/" + id + "/cancel", "");
            case 7 -> post("/v1/cache/" + MODEL, FuzzBodies.valid(5));
            case 8 -> get("/v1/cache/" + MODEL);
            case 9 -> get("/v1/cache/" + MODEL + "/c1");
            case 10 -> new RawHttp.Request("DELETE", "/v1/cache/" + MODEL + "/c2", Map.of(), new byte[0]);
            case 11 -> new RawHttp.Request("POST", "/v1/files", Map.of("Content-Type", "multipart/form-data; boundary=XyZ"),
                    FuzzBodies.upload().getBytes(StandardCharsets.UTF_8));
            case 12 -> get("/v1/files/" + id);
            case 13 -> get("/v1/files/" + id + "/content");
            case 14 -> post("/v1/batches", FuzzBodies.valid(4).replace("file-abc", id));
            case 15 -> get("/v1/batches/" + id);
            case 16 -> get("/v1/batches?limit=5");
            case 17 -> post("/v1/batches/" + id + "/cancel", "");
            case 18 -> get("/v1/fleet");
            default -> get("/v1/models");
        };
    }

    private static RawHttp.Request post(String path, String json) {
        return new RawHttp.Request("POST", path, Map.of("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Request get(String path) {
        return new RawHttp.Request("GET", path, Map.of(), new byte[0]);
    }

    private static Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("GET", "POST")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("DELETE", "PUT", "PATCH", "HEAD", "OPTIONS")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("TRACE", "FOO", "get", "CONNECT")));
    }

    private static Arbitrary<String> paths() {
        return Combinators.combine(Arbitraries.of(TEMPLATES), segments(), segments())
                .as((template, a, b) -> template.replace("{model}", a).replace("{name}", b).replace("{id}", a)
                        .replace("{file}", a).replace("{batch}", a));
    }

    private static Arbitrary<String> segments() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(MODEL, "c1", "auto-x", "file-abc", "batch_abc").map(s -> s)),
                net.jqwik.api.Tuple.of(4, Arbitraries.create(JobIds::newId)),
                net.jqwik.api.Tuple.of(2, Arbitraries.create(BatchIds::newFileId)),
                net.jqwik.api.Tuple.of(2, Arbitraries.create(BatchIds::newBatchId)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("%zz", "%", "%4", "%41", "%2F", "%00", "..", ".", "%C3%A9",
                        "%FF%FE", "a%20b", "%E2%82", ";x=1", "%25")),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1)
                        .ofMaxLength(40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofLength(3000)));
    }

    private static Arbitrary<String> queries() {
        Arbitrary<String> one = Arbitraries.of("wait=0", "wait=1", "wait=-1", "wait=99999999999999999999", "wait=%zz",
                "wait=", "wait", "wait=1.5", "wait=%2B1", "limit=1", "limit=0", "limit=100", "limit=101",
                "limit=%zz", "limit=99999999999999999999", "after=batch_x", "after=%zz", "after=-1", "after=12",
                "after=99999999999999999999", "=", "&", "%", "x=%FF%FE", "x=%E2%82", "a=b", "%zz=1", "wait=0&wait=1",
                "limit=1&limit=2", "after=1&after=2");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(5, one.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("&", l))),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMinLength(1).ofMaxLength(3000).withCharRange('a', 'f')
                        .map(s -> "q=" + s)));
    }

    private static Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                "multipart/form-data; boundary=XyZ", "multipart/form-data; boundary=", "application/jsonl", "*/*",
                "\u00e9/\u00e8", "");
        Arbitrary<String> auth = Arbitraries.of("", "Bearer", "Bearer x", "Basic Zm9vOmJhcg==", "Bearer " + "k".repeat(500));
        Arbitrary<String> lastEventId = Arbitraries.of("", "0", "-1", "abc", "99999999999999999999", "1.5");
        Arbitrary<String> accept = Arbitraries.of("", "text/event-stream", "application/json", "*/*", "garbage");
        return Combinators.combine(contentType, auth, lastEventId, accept).as((ct, a, l, acc) -> {
            Map<String, String> h = new LinkedHashMap<>();
            putIfSet(h, "Content-Type", ct);
            putIfSet(h, "Authorization", a);
            putIfSet(h, "Last-Event-ID", l);
            putIfSet(h, "Accept", acc);
            return h;
        });
    }

    private static void putIfSet(Map<String, String> headers, String name, String value) {
        if (!value.isEmpty()) {
            headers.put(name, value);
        }
    }

    private static Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new byte[0])),
                net.jqwik.api.Tuple.of(6, FuzzBodies.json().map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, FuzzBodies.multipart().map(s -> s.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)));
    }
}
