package dev.npufleet.launcher.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A process's garbage collections so far, read from its Prometheus {@code jvm_gc_pause_seconds} (every collector and
 * cause together): the difference of two reads is what a run cost in pauses. Immutable.
 */
record GcPauses(long count, double seconds) {
    private static final String COUNT = "jvm_gc_pause_seconds_count";
    private static final String SUM = "jvm_gc_pause_seconds_sum";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** Reads {@code metrics} (a {@code /metrics} URL); {@code null} when it cannot be read. */
    static GcPauses scrape(URI metrics) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? parse(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** This JVM's collections so far, from its collectors' beans (young and full ones; G1's remarks not counted). */
    static GcPauses ofThisJvm() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new GcPauses(count, millis / 1000.0);
    }

    /** Sums the pauses' count and seconds over all their series in Prometheus text. */
    static GcPauses parse(String prometheusText) {
        long count = 0;
        double seconds = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(COUNT + "{") || line.startsWith(COUNT + " ")) {
                count += (long) value(line);
            } else if (line.startsWith(SUM + "{") || line.startsWith(SUM + " ")) {
                seconds += value(line);
            }
        }
        return new GcPauses(count, seconds);
    }

    GcPauses since(GcPauses earlier) {
        return new GcPauses(count - earlier.count, seconds - earlier.seconds);
    }

    /** The sample's value: the last field of its line (Micrometer writes no timestamps). */
    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
