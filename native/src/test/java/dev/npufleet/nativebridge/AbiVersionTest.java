package dev.npufleet.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class AbiVersionTest {

    @ParameterizedTest
    @CsvSource({"1.3, V1_3_0", "1.3.0, V1_3_0", " v1.3.0 , V1_3_0", "1.2, V1_2_X", "1.2.x, V1_2_X", "1.2.X, V1_2_X",
        "1.2.1, V1_2_X", "1.2.2, V1_2_X", "1.2.3, V1_2_X"})
    void shouldParseEveryAcceptedSpelling(String text, AbiVersion expected) {
        assertThat(AbiVersion.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "1", "1.1.2", "1.2.4", "1.3.1", "2.0", "latest", "1.2.0"})
    void shouldRejectOthersListingTheValidValues(String text) {
        assertThatThrownBy(() -> AbiVersion.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.3.0")
                .hasMessageContaining("1.2.x")
                .hasMessageContaining("1.2.3");
    }

    @ParameterizedTest
    @CsvSource({"V1_2_X, 122", "V1_3_0, 130"})
    void shouldCarryTheCodesTheBridgeAndSimulatorUse(AbiVersion abi, int code) {
        assertThat(abi.code()).isEqualTo(code);
        assertThat(AbiVersion.parse(abi.toString())).isEqualTo(abi);
    }
}
