package dev.npufleet.launcher.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.npufleet.protocol.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a benchmark's figures as JSON (for machines) and a Markdown table (for people), with
 * the command and the machine that produced them.
 */
public final class BenchReport {
    private final String scenario;
    private final String command;
    private final List<BenchSummary> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public BenchReport(String scenario, String command) {
        this.scenario = scenario;
        this.command = command;
    }

    public void add(BenchSummary summary) {
        rows.add(summary);
    }

    public void note(String line) {
        notes.add(line);
    }

    public List<BenchSummary> rows() {
        return List.copyOf(rows);
    }

    /** The machine, as a reader needs it to compare figures. */
    public static String machine() {
        return String.format(Locale.ROOT, "%s %s, %d cores, %d MiB max heap for this JVM, Java %s (%s)",
                System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(scenario).append("\n\n");
        sb.append("Command: `").append(command).append("`  \n");
        sb.append("Machine: ").append(machine()).append("  \n");
        sb.append("Date: ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)).append("\n\n");
        sb.append("| run | requests | errors | TTFT p50 ms | TTFT p90 ms | TTFT p99 ms | e2e p50 ms | tok/s per req (p50) |"
                + " tok/s total | req/s | cache hits | max/mean board load |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchSummary r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %s | %s |%n",
                    r.label(), r.requests(), r.errors(), r.ttftMs().p50(), r.ttftMs().p90(), r.ttftMs().p99(),
                    r.e2eMs().p50(), r.tokensPerSecondPerRequest().p50(), r.aggregateTokensPerSecond(),
                    r.requestsPerSecond(), percent(r.cacheHitRate()),
                    Double.isNaN(r.maxMeanLoad()) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.maxMeanLoad())));
        }
        for (BenchSummary r : rows) {
            if (!r.errorsByKind().isEmpty()) {
                sb.append("\nErrors in ").append(r.label()).append(": ").append(r.errorsByKind());
            }
        }
        if (!notes.isEmpty()) {
            sb.append("\n");
            notes.forEach(n -> sb.append("\n").append(n));
        }
        return sb.append("\n").toString();
    }

    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            var doc = JsonCodec.mapper().createObjectNode();
            doc.put("scenario", scenario);
            doc.put("command", command);
            doc.put("machine", machine());
            doc.put("date", OffsetDateTime.now(ZoneOffset.UTC).toString());
            doc.set("runs", JsonCodec.mapper().valueToTree(rows));
            doc.set("notes", JsonCodec.mapper().valueToTree(notes));
            Files.writeString(dir.resolve(scenario + ".json"),
                    JsonCodec.mapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc),
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(scenario + ".md"), markdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String percent(double rate) {
        return Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", rate * 100);
    }
}
