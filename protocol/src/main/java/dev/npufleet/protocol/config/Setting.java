package dev.npufleet.protocol.config;

import java.util.Objects;

/**
 * One environment variable of a process: its name, its default, and what it means. The default is
 * held as text in the variable's own syntax ({@code fallback}), so the reader parses it exactly as
 * it parses a value from the environment, and the README and {@code fleet config} show it as is.
 * Immutable; any thread.
 *
 * @param name the variable, e.g. {@code NPUFLEET_HEARTBEAT_MS}
 * @param fallback the default in the variable's syntax, or null where the default is derived from
 *     other settings (a host name, a folder under the state dir) or there is none
 * @param shownDefault the default as the README's table shows it (Markdown)
 * @param meaning what the variable sets, as the README's table says it (Markdown)
 */
public record Setting(String name, String fallback, String shownDefault, String meaning) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shownDefault, "shownDefault");
        Objects.requireNonNull(meaning, "meaning");
    }

    /** A setting whose default is {@code fallback}, shown as code ({@code ""} shows as "empty"). */
    public static Setting of(String name, String fallback, String meaning) {
        return new Setting(name, fallback, fallback.isEmpty() ? "empty" : "`" + fallback + "`", meaning);
    }

    /** A setting whose default is {@code fallback}, shown as {@code shownDefault}. */
    public static Setting of(String name, String fallback, String shownDefault, String meaning) {
        return new Setting(name, fallback, shownDefault, meaning);
    }

    /** A setting without a default of its own: unset, the reader gives null and the record derives one. */
    public static Setting derived(String name, String shownDefault, String meaning) {
        return new Setting(name, null, shownDefault, meaning);
    }
}
