package dev.npufleet.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheViewTest {
    private final CacheView view = new CacheView();

    private static CacheDefinition def(String name, String revision, long ttl) {
        return new CacheDefinition("m", name, revision, "prefix " + revision, List.of(), false, ttl, 1_000);
    }

    @Test
    void shouldKeepTheLatestDefinitionPerKeyAndForgetTombstoned() {
        view.apply("m/a", JsonCodec.encode(def("a", "r1", 0)), 0);
        view.apply("m/a", JsonCodec.encode(def("a", "r2", 0)), 1);
        view.apply("m/b", JsonCodec.encode(def("b", "r1", 0)), 2);
        view.apply("m/b", null, 3);

        assertThat(view.find("m", "a", 2_000)).map(CacheDefinition::revision).hasValue("r2");
        assertThat(view.find("m", "b", 2_000)).isEmpty();
        assertThat(view.list("m", 2_000)).extracting(CacheDefinition::name).containsExactly("a");
    }

    @Test
    void shouldNotLetAnOlderRecordUndoTheGatewaysOwnAcknowledgedWrite() {
        view.applyOwn(def("a", "mine", 0), 10);
        view.apply("m/a", JsonCodec.encode(def("a", "older", 0)), 7);
        assertThat(view.find("m", "a", 2_000)).map(CacheDefinition::revision).hasValue("mine");

        view.removeOwn("m", "a", 11);
        view.apply("m/a", JsonCodec.encode(def("a", "mine", 0)), 10);
        assertThat(view.find("m", "a", 2_000)).isEmpty();
    }

    @Test
    void shouldHideExpiredDefinitions() {
        view.apply("m/t", JsonCodec.encode(def("t", "r", 1)), 0); // created at 1 s, lives 1 s

        assertThat(view.find("m", "t", 1_500)).isPresent();
        assertThat(view.find("m", "t", 2_000)).isEmpty();
    }

    @Test
    void shouldSkipRecordsItCannotRead() {
        view.apply("m/x", "not json".getBytes(StandardCharsets.UTF_8), 0);

        assertThat(view.list("m", 0)).isEmpty();
    }
}
