package dev.npufleet.launcher.chaos;

import dev.npufleet.launcher.bench.BenchReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes the chaos suite's figures into {@code docs/RELIABILITY.md}: what ran, on which machine, and each table, as
 * one section between {@link #BEGIN} and {@link #END}; the rest of the file (other work's figures, the notes
 * below the tables) is kept.
 */
final class ReliabilityReport {

    static final String BEGIN = "<!-- fleet chaos: begin (generated; the notes after the end marker are by hand) -->";
    static final String END = "<!-- fleet chaos: end -->";

    private static final Map<String, String> TITLES = Map.of(
            "kill", "Kill loop: a worker SIGKILLed and restarted every few seconds",
            "outage", "Broker outage under load, restarted on the same data",
            "poison", "Poison records on the job topic",
            "crash", "Crash injection: one prompt that kills every board's runtime");

    /** The first three fields of {@code /proc/loadavg}, or "unknown" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private ReliabilityReport() {
    }

    static String markdown(String command, Map<String, List<String>> sections, int workers, int slowMs,
            String loadAtStart, String loadAtEnd) {
        StringBuilder sb = new StringBuilder();
        sb.append(BEGIN).append("\n## Faults: kill loop, broker outage, poison records, crash injection\n\n");
        sb.append("Measured by the chaos suite (`fleet chaos`), never asserted by tests. It starts a local fleet ")
                .append("(embedded Kafka broker, the gateway and ").append(workers)
                .append(" worker processes on the simulator's tiny model, ").append(slowMs)
                .append(" ms per token, session timeout 6 s), computes each prompt's greedy reference answer ")
                .append("on the calm fleet, then runs the scenarios below one after another.\n\n");
        sb.append("Command: `").append(command).append("`  \n");
        sb.append("Machine: ").append(BenchReport.machine()).append("  \n");
        sb.append("Load average (1, 5, 15 min) at the start: ").append(loadAtStart).append(", at the end: ")
                .append(loadAtEnd).append(" (a load above the core count means other work shared the machine: ")
                .append("timings then stretch, the counts do not)  \n");
        sb.append("Date: ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE))
                .append("\n\n");
        for (Map.Entry<String, List<String>> e : sections.entrySet()) {
            sb.append("### ").append(TITLES.getOrDefault(e.getKey(), e.getKey())).append("\n\n");
            sb.append("| | |\n|---|---|\n");
            e.getValue().forEach(line -> sb.append(line).append('\n'));
            sb.append('\n');
        }
        return sb.append(END).append('\n').toString();
    }

    /** {@code existing} with its generated section replaced by {@code section}, or {@code section} appended. */
    static String merge(String existing, String section) {
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        if (begin < 0 || end < begin) {
            return existing.isEmpty() ? "# Reliability\n\n" + section
                    : existing.stripTrailing() + "\n\n" + section;
        }
        int after = existing.indexOf('\n', end);
        return existing.substring(0, begin) + section + (after < 0 ? "" : existing.substring(after + 1));
    }
}
