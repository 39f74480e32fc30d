package dev.npufleet.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvReaderTest {

    private static final Setting TTL = Setting.of("NPUFLEET_T_TTL", "24h", "t");
    private static final Setting COUNT = Setting.of("NPUFLEET_T_COUNT", "8", "t");
    private static final Setting BYTES = Setting.of("NPUFLEET_T_BYTES", "2g", "t");
    private static final Setting DIR = Setting.derived("NPUFLEET_T_DIR", "somewhere", "t");

    @Test
    void shouldReadTheDefaultTextWhenTheVariableIsUnsetOrBlank() {
        EnvReader env = new EnvReader(Map.of("NPUFLEET_T_COUNT", "  "));

        assertThat(env.duration(TTL)).isEqualTo(Duration.ofHours(24));
        assertThat(env.integer(COUNT)).isEqualTo(8);
        assertThat(env.positiveBytes(BYTES)).isEqualTo(2L << 30);
        assertThat(env.path(DIR)).isNull();
        assertThat(env.source(COUNT)).isEqualTo(EnvReader.Source.DEFAULT);
    }

    @Test
    void shouldReadValuesWithUnitsAndSayTheyCameFromTheEnvironment() {
        EnvReader env = new EnvReader(Map.of("NPUFLEET_T_TTL", "90m", "NPUFLEET_T_BYTES", "512k",
                "NPUFLEET_T_COUNT", " 3 "));

        assertThat(env.duration(TTL)).isEqualTo(Duration.ofMinutes(90));
        assertThat(env.positiveBytes(BYTES)).isEqualTo(512L << 10);
        assertThat(env.integer(COUNT)).isEqualTo(3);
        assertThat(env.source(TTL)).isEqualTo(EnvReader.Source.ENVIRONMENT);
    }

    @Test
    void shouldKeepTheOldZeroMeansDefaultRuleOnlyWhereAskedFor() {
        EnvReader env = new EnvReader(Map.of("NPUFLEET_T_COUNT", "0", "NPUFLEET_T_TTL", "0"));

        assertThat(env.integer(COUNT)).isZero();
        assertThat(env.positiveInteger(COUNT)).isEqualTo(8);
        assertThat(env.positiveDuration(TTL)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void shouldNameTheVariableOfAValueItCannotRead() {
        EnvReader env = new EnvReader(Map.of("NPUFLEET_T_TTL", "soon", "NPUFLEET_T_COUNT", "99999999999",
                "NPUFLEET_T_BYTES", "2x"));

        assertThatThrownBy(() -> env.duration(TTL)).hasMessageContaining("NPUFLEET_T_TTL");
        assertThatThrownBy(() -> env.integer(COUNT)).hasMessageContaining("NPUFLEET_T_COUNT");
        assertThatThrownBy(() -> env.positiveBytes(BYTES)).hasMessageContaining("NPUFLEET_T_BYTES");
        assertThatThrownBy(() -> env.parsed(COUNT, v -> {
            throw new IllegalArgumentException("must be red or blue");
        })).hasMessageContaining("NPUFLEET_T_COUNT").hasMessageContaining("red or blue");
    }

    @Test
    void shouldPassClientPropertiesThroughExceptTheProcessesOwnVariables() {
        EnvReader env = new EnvReader(Map.of("NPUFLEET_KAFKA_SECURITY_PROTOCOL", "SSL",
                "NPUFLEET_KAFKA_TIMEOUT_MS", "2000"));

        assertThat(env.prefixed("NPUFLEET_KAFKA_", Set.of("NPUFLEET_KAFKA_TIMEOUT_MS")))
                .containsOnly(Map.entry("security.protocol", "SSL"));
    }

    @Test
    void shouldMaskEverySecretLookingKafkaPropertyWithOneRule() {
        Map<String, String> shown = Secrets.masked(Map.of("ssl.keystore.key", "-----BEGIN", "ssl.key.password", "p",
                "sasl.jaas.config", "j", "sasl.oauthbearer.token.endpoint.url", "u", "ssl.truststore.password", "t",
                "security.protocol", "SSL"));

        assertThat(shown).containsEntry("security.protocol", "SSL").doesNotContainValue("-----BEGIN")
                .doesNotContainValue("p").doesNotContainValue("j").doesNotContainValue("t");
    }
}
