package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.npufleet.protocol.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Issue 15 item 4: how far a resumed stream ({@code GET /v1/jobs/{id}/events} with {@code Last-Event-ID}) lags the
 * live stream of the same job. Each job is streamed live; once the live stream has a few chunks, the same job is
 * resumed after the last of them on a second connection; both are read to the end, and every chunk the resumed
 * stream gets after its history (the first frame) is timed against the live chunk with the same SSE id (the same
 * code-point offset). One job at a time, both readers in this JVM on one clock; blocking reads, a thread each.
 * The jobs are streamed completions: their live chunks are the job's chunks as they are (a chat's answer goes
 * through the reasoning/tool-call splitter, which may join chunks), so the ids of both streams match.
 */
final class ResumeLagBench {
    /** Content chunks the live stream reads before the job is resumed. */
    private static final int RESUME_AFTER_CHUNKS = 3;

    private final String baseUrl;

    ResumeLagBench(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** What one job's two streams gave. */
    record Run(List<Double> lagsMs, int unmatched, int resumedFrames) {
    }

    /** A streamed completion of up to {@code maxTokens} tokens; {@code n} varies the prompt. */
    static String completionBody(String model, int n, int maxTokens) {
        ObjectNode body = JsonCodec.mapper().createObjectNode();
        body.put("model", model).put("max_tokens", maxTokens).put("temperature", 0).put("stream", true)
                .put("prompt", "Story number " + n + ": once upon a time");
        return body.toString();
    }

    /** Runs {@code warmup} uncounted jobs, then {@code jobs} counted ones, and reports the lags. */
    void run(BenchReport report, int warmup, int jobs, IntFunction<String> body) throws InterruptedException {
        for (int i = 0; i < warmup; i++) {
            once(body.apply(i));
        }
        List<Double> lags = new ArrayList<>();
        int unmatched = 0;
        int frames = 0;
        for (int i = 0; i < jobs; i++) {
            Run run = once(body.apply(warmup + i));
            lags.addAll(run.lagsMs());
            unmatched += run.unmatched();
            frames += run.resumedFrames();
        }
        Stats s = Stats.of(lags.stream().mapToDouble(Double::doubleValue).toArray());
        report.note(String.format(Locale.ROOT, "Resumed-stream lag behind the live stream, per live chunk after the "
                + "history frame (against the resumed frame that first reached its SSE id): p50 %.2f ms, p90 %.2f ms, "
                + "p99 %.2f ms, max %.2f ms, mean %.2f ms; %d chunks over %d jobs (resumed after %d live frames); %d "
                + "live chunks never reached the resumed stream.",
                s.p50(), s.p90(), s.p99(), s.max(), s.mean(), s.n(), jobs, RESUME_AFTER_CHUNKS, unmatched));
        report.note("Resumed frames read in all (history frames included): " + frames + " (one per followed chunk, or "
                + "fewer where the resumed stream joins chunks).");
    }

    private Run once(String body) throws InterruptedException {
        CountDownLatch resumable = new CountDownLatch(1);
        Stream live = new Stream();
        CompletableFuture<Void> liveDone = CompletableFuture.runAsync(() -> live.read(post(body), RESUME_AFTER_CHUNKS,
                resumable));
        if (!resumable.await(5, TimeUnit.MINUTES) || live.jobId == null) {
            liveDone.join(); // surfaces the live stream's failure
            throw new IllegalStateException("the live stream ended before " + RESUME_AFTER_CHUNKS + " chunks");
        }
        Stream resumed = new Stream();
        resumed.read(get("/v1/jobs/" + live.jobId + "/events", live.lastId), Integer.MAX_VALUE, new CountDownLatch(1));
        liveDone.join();
        return lags(live.arrivals, resumed.arrivals);
    }

    /**
     * For each live chunk after the resumed stream's first frame (its history, written from the log when it
     * opened): how much later the resumed stream had that text, i.e. its first frame whose id (code-point offset)
     * reaches the chunk's. A resumed stream that joins chunks (as the polling one did) is charged for each.
     */
    static Run lags(Map<Long, Long> live, Map<Long, Long> resumed) {
        List<Map.Entry<Long, Long>> frames = new ArrayList<>(resumed.entrySet());
        List<Double> lags = new ArrayList<>();
        int unmatched = 0;
        long history = frames.isEmpty() ? Long.MAX_VALUE : frames.get(0).getKey();
        int next = 0;
        for (Map.Entry<Long, Long> chunk : live.entrySet()) {
            if (chunk.getKey() <= history) {
                continue;
            }
            while (next < frames.size() && frames.get(next).getKey() < chunk.getKey()) {
                next++;
            }
            if (next == frames.size()) {
                unmatched++;
            } else {
                lags.add((frames.get(next).getValue() - chunk.getValue()) / 1e6);
            }
        }
        return new Run(lags, unmatched, resumed.size());
    }

    private HttpURLConnection post(String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + "/v1/completions").toURL()
                    .openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpURLConnection get(String path, long lastEventId) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
            c.setRequestProperty("Last-Event-ID", Long.toString(lastEventId));
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One SSE response read as it arrives: when each {@code id:} line came. One reader thread. */
    private static final class Stream {
        final Map<Long, Long> arrivals = new LinkedHashMap<>();
        volatile String jobId;
        volatile long lastId;

        void read(HttpURLConnection c, int signalAfter, CountDownLatch signal) {
            try {
                if (c.getResponseCode() != 200) {
                    throw new IOException("HTTP " + c.getResponseCode() + " from " + c.getURL());
                }
                jobId = c.getHeaderField("x-npufleet-job-id");
                try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("id: ")) {
                            long id = Long.parseLong(line.substring(4).strip());
                            arrivals.putIfAbsent(id, System.nanoTime());
                            lastId = id;
                            if (arrivals.size() == signalAfter) {
                                signal.countDown();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                signal.countDown();
            }
        }
    }
}
