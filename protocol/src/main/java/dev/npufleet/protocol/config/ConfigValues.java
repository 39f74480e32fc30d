package dev.npufleet.protocol.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A process's effective configuration as shown to people: each {@link Setting} with its value as
 * text (secrets already masked by whoever adds them). Built by the config records' {@code values}
 * methods; read by the start-up log line, {@code fleet config} and the README check. Not
 * thread-safe while being built; read-only after.
 */
public final class ConfigValues {

    /** One setting and its effective value. */
    public record Entry(Setting setting, String value) {
        public Entry {
            Objects.requireNonNull(setting, "setting");
            value = String.valueOf(value);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Adds a setting's effective value; returns this, to chain. */
    public ConfigValues add(Setting setting, Object value) {
        entries.add(new Entry(setting, String.valueOf(value)));
        return this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public List<Setting> settings() {
        return entries.stream().map(Entry::setting).toList();
    }

    /** One line for the start-up log: {@code NAME=value ...}. */
    public String line() {
        return entries.stream().map(e -> e.setting().name() + "=" + e.value()).collect(Collectors.joining(" "));
    }

    /** The README's table of these settings (variable, default, meaning), one row each. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
        for (Setting s : settings()) {
            b.append("| `").append(s.name()).append("` | ").append(s.shownDefault()).append(" | ")
                    .append(s.meaning()).append(" |\n");
        }
        return b.toString();
    }
}
