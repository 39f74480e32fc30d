package dev.npufleet.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerCursorTest {
    private final AnswerCursor cursor = new AnswerCursor();

    @Test
    void shouldDeliverConsecutiveChunksAsTheyAre() {
        assertThat(cursor.accept(0, "Hello")).isEqualTo("Hello");
        assertThat(cursor.accept(5, " world")).isEqualTo(" world");
        assertThat(cursor.delivered()).isEqualTo(11);
    }

    @Test
    void shouldDropAChunkDeliveredBefore() {
        cursor.accept(0, "Hello");
        cursor.accept(5, " world");

        assertThat(cursor.accept(5, " world")).isEmpty();
        assertThat(cursor.accept(0, "Hel")).isEmpty();
        assertThat(cursor.dropped()).isEqualTo(2);
        assertThat(cursor.delivered()).isEqualTo(11);
    }

    @Test
    void shouldTrimARerunChunkThatOverlapsTheDeliveredText() {
        cursor.accept(0, "Hello wo");

        assertThat(cursor.accept(6, "world!")).isEqualTo("rld!");
        assertThat(cursor.trimmed()).isEqualTo(1);
        assertThat(cursor.delivered()).isEqualTo(12);
    }

    @Test
    void shouldCountOffsetsInCodePointsSoEmojiAreNeverSplit() {
        cursor.accept(0, "a👋"); // 2 code points, 3 UTF-16 chars

        assertThat(cursor.delivered()).isEqualTo(2);
        assertThat(cursor.accept(1, "👋🎉b")).isEqualTo("🎉b");
        assertThat(cursor.delivered()).isEqualTo(4);
    }

    @Test
    void shouldNeverDeliverPastAHoleButLetTheReRunFillIt() {
        // Given "ab" delivered and a chunk that starts at 5 (3 characters lost)
        cursor.accept(0, "ab");

        // Then that chunk is held back and counted
        assertThat(cursor.accept(5, "xy")).isEmpty();
        assertThat(cursor.gaps()).isEqualTo(1);
        assertThat(cursor.delivered()).isEqualTo(2);
        assertThat(cursor.isCut(7)).isTrue();

        // And a re-run that sends the text again from the start fills the hole in order
        assertThat(cursor.accept(0, "abcde")).isEqualTo("cde");
        assertThat(cursor.accept(5, "xy")).isEqualTo("xy");
        assertThat(cursor.isCut(7)).isFalse();
    }

    @Test
    void shouldIgnoreEmptyChunks() {
        assertThat(cursor.accept(0, "")).isEmpty();
        assertThat(cursor.accept(0, null)).isEmpty();
        assertThat(cursor.delivered()).isZero();
        assertThat(cursor.dropped()).isZero();
    }

    @Test
    void shouldGoOnAfterTextReadElsewhere() {
        AnswerCursor resumed = new AnswerCursor(5); // "Hello" came from the log

        assertThat(resumed.accept(0, "Hello, bo")).isEqualTo(", bo");
        assertThat(resumed.accept(12, "!")).isEmpty();
        assertThat(resumed.isCut(13)).isTrue();
        assertThat(resumed.delivered()).isEqualTo(9);
    }
}
