package dev.npufleet.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequenceFilterTest {

    @Test
    void shouldPassTextThroughWithoutStopStrings() {
        StopSequenceFilter f = new StopSequenceFilter(List.of());
        assertThat(f.accept("Hello")).isEqualTo("Hello");
        assertThat(f.flush()).isEmpty();
        assertThat(f.stopped()).isFalse();
    }

    @Test
    void shouldCutTheTextAtTheStopStringAndStop() {
        StopSequenceFilter f = new StopSequenceFilter(List.of("END"));
        assertThat(f.accept("one two END three")).isEqualTo("one two ");
        assertThat(f.stopped()).isTrue();
        assertThat(f.accept("more")).isEmpty();
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void shouldHoldBackTextThatMayStartAStopStringAcrossChunks() {
        // Given the stop string "\n\nUser:"
        StopSequenceFilter f = new StopSequenceFilter(List.of("\n\nUser:"));

        // When it arrives split over several tokens
        String a = f.accept("Sure.\n");
        String b = f.accept("\nUs");
        String c = f.accept("er:");

        // Then nothing of it was released, and the text before it was
        assertThat(a).isEqualTo("Sure.");
        assertThat(b).isEmpty();
        assertThat(c).isEmpty();
        assertThat(f.stopped()).isTrue();
    }

    @Test
    void shouldReleaseHeldTextWhenItTurnsOutNotToBeAStopString() {
        StopSequenceFilter f = new StopSequenceFilter(List.of("</s>"));
        assertThat(f.accept("a </")).isEqualTo("a ");
        assertThat(f.accept("b> c")).isEqualTo("</b> c");
        assertThat(f.accept("<")).isEmpty();
        assertThat(f.flush()).isEqualTo("<");
        assertThat(f.stopped()).isFalse();
    }

    @Test
    void shouldStopAtTheEarliestOfSeveralStopStrings() {
        StopSequenceFilter f = new StopSequenceFilter(List.of("world", "lo"));
        assertThat(f.accept("hello world")).isEqualTo("hel");
    }

    @Test
    void shouldIgnoreEmptyStopStrings() {
        StopSequenceFilter f = new StopSequenceFilter(List.of("", "x"));
        assertThat(f.accept("abc")).isEqualTo("abc");
    }

    @Test
    void shouldKeepSurrogatePairsWhole() {
        StopSequenceFilter f = new StopSequenceFilter(List.of("\uD83D\uDE00!"));
        assertThat(f.accept("ok \uD83D\uDE00")).isEqualTo("ok ");
        assertThat(f.accept("?")).isEqualTo("\uD83D\uDE00?");
    }
}
