package dev.npufleet.gateway.fleet;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The models this gateway accepts requests for: the configured ones, plus any a live board
 * announces (so adding a board with a new model needs no gateway restart). Any thread.
 */
public final class ModelCatalog {
    private final List<String> configured;
    private final FleetView fleet;

    public ModelCatalog(List<String> configured, FleetView fleet) {
        this.configured = List.copyOf(configured);
        this.fleet = fleet;
    }

    public boolean serves(String model) {
        return configured.contains(model) || fleet.liveModels(System.currentTimeMillis()).contains(model);
    }

    /** Configured and live models, sorted. */
    public Set<String> models() {
        Set<String> all = new TreeSet<>(configured);
        all.addAll(fleet.liveModels(System.currentTimeMillis()));
        return all;
    }
}
