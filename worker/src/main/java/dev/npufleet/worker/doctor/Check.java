package dev.npufleet.worker.doctor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of {@code fleet doctor}'s report: what was checked, how it went, what was seen, and the fix
 * when it did not pass; figures (a short run's rates) where the check measures. Immutable; any thread.
 *
 * @param name    the check ({@code npu device}, {@code runtime library}, ...)
 * @param status  pass, warn, fail or skip
 * @param detail  what was seen, one line
 * @param fix     what to do, one line; empty when it passed
 * @param figures measured numbers by name (JSON only), possibly empty
 */
public record Check(String name, Status status, String detail, String fix, Map<String, Object> figures) {
    /** How a check went. */
    public enum Status { PASS, WARN, FAIL, SKIP }

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
        figures = figures == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    public static Check pass(String name, String detail) {
        return new Check(name, Status.PASS, detail, "", Map.of());
    }

    public static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix, Map.of());
    }

    public static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix, Map.of());
    }

    public static Check skip(String name, String detail) {
        return new Check(name, Status.SKIP, detail, "", Map.of());
    }

    /** The line as printed: {@code PASS  name  detail}, then {@code fix: ...} indented when there is one. */
    public String render() {
        String line = String.format("%-4s  %-16s %s", status, name, detail);
        return fix.isEmpty() ? line : line + System.lineSeparator() + "      fix: " + fix;
    }
}
