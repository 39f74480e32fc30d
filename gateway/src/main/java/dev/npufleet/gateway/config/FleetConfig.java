package dev.npufleet.gateway.config;

import static dev.npufleet.protocol.config.Checks.positive;

import dev.npufleet.protocol.config.ConfigValues;
import dev.npufleet.protocol.config.DefaultModel;
import dev.npufleet.protocol.config.EnvReader;
import dev.npufleet.protocol.config.Setting;
import java.time.Duration;
import java.util.List;

/** The fleet as this gateway sees it: the models it serves, and when a silent board counts as gone. */
public record FleetConfig(List<String> models, Duration workerStaleAfter) {

    public static final Setting MODELS = Setting.of("NPUFLEET_MODELS", DefaultModel.ID,
            "model ids served, comma-separated (models that live workers announce are served too)");
    public static final Setting WORKER_STALE = Setting.of("NPUFLEET_WORKER_STALE_MS", "15000",
            "a board silent this long is shown as gone and no longer routed to");

    public FleetConfig {
        models = List.copyOf(models);
        if (models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(MODELS.name() + " must name at least one model, and no empty one");
        }
        positive(WORKER_STALE, workerStaleAfter);
    }

    public static FleetConfig read(EnvReader env) {
        List<String> models = env.list(MODELS);
        return new FleetConfig(models.isEmpty() ? List.of(DefaultModel.ID) : models, env.duration(WORKER_STALE));
    }

    public void describeTo(ConfigValues values) {
        values.add(MODELS, models).add(WORKER_STALE, workerStaleAfter.toMillis());
    }
}
