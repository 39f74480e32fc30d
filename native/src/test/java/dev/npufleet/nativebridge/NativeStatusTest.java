package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NativeStatusTest {

    @ParameterizedTest
    @EnumSource(NativeStatus.class)
    void shouldRoundTripThroughItsCode(NativeStatus status) {
        assertThat(NativeStatus.fromCode(status.code())).isSameAs(status);
    }

    @Test
    void shouldGiveEveryStatusItsOwnCodeWithOkZero() {
        assertThat(Arrays.stream(NativeStatus.values()).mapToInt(NativeStatus::code).distinct().count())
                .isEqualTo(NativeStatus.values().length);
        assertThat(NativeStatus.OK.code()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 14, 99, Integer.MAX_VALUE})
    void shouldRejectUnknownCodes(int code) {
        assertThatThrownBy(() -> NativeStatus.fromCode(code))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(code));
    }

    @Test
    void shouldPutTheStatusIntoTheExceptionAndItsMessage() {
        RkllmException e = new RkllmException(NativeStatus.CACHE_LOAD_FAILED, "bad magic");

        assertThat(e.status()).isEqualTo(NativeStatus.CACHE_LOAD_FAILED);
        assertThat(e).hasMessage("CACHE_LOAD_FAILED: bad magic");
    }
}
