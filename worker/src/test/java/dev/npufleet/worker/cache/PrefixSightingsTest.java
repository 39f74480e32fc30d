package dev.npufleet.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrefixSightingsTest {

    private final PrefixSightings twice = new PrefixSightings(2, Duration.ofSeconds(10), 100);

    @Test
    void shouldReportARepeatOnlyOnceTheThresholdIsReached() {
        assertThat(twice.sight("a", 1_000)).isFalse();
        assertThat(twice.sight("a", 2_000)).isTrue();
        assertThat(twice.sight("a", 3_000)).isTrue();
    }

    @Test
    void shouldCountEachPromptSeparately() {
        assertThat(twice.sight("a", 1_000)).isFalse();
        assertThat(twice.sight("b", 1_001)).isFalse();
        assertThat(twice.sight("b", 1_002)).isTrue();
    }

    @Test
    void shouldForgetSightingsOlderThanTheWindow() {
        twice.sight("a", 1_000);

        // 10 s later the first sighting is out of the window
        assertThat(twice.sight("a", 11_000)).isFalse();
        assertThat(twice.sight("a", 20_999)).isTrue();
    }

    @Test
    void shouldTreatAThresholdOfOneAsEverySighting() {
        PrefixSightings once = new PrefixSightings(1, Duration.ofSeconds(1), 10);
        assertThat(once.sight("a", 0)).isTrue();
    }

    @Test
    void shouldTrackABoundedNumberOfPromptsForgettingTheLeastRecentlySeen() {
        PrefixSightings small = new PrefixSightings(2, Duration.ofMinutes(1), 2);
        small.sight("a", 1);
        small.sight("b", 2);
        small.sight("a", 3); // "a" is now the most recently seen: "b" goes first

        small.sight("c", 4);

        assertThat(small.tracked()).isEqualTo(2);
        assertThat(small.sight("b", 5)).isFalse(); // forgotten: counts from one again
        assertThat(small.sight("c", 6)).isTrue();
    }

    @Test
    void shouldRefuseAThresholdBelowOne() {
        assertThatThrownBy(() -> new PrefixSightings(0, Duration.ofSeconds(1), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
