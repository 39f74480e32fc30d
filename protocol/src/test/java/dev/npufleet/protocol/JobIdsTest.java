package dev.npufleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdsTest {

    @Test
    void shouldEncodeTheCreationTime() {
        long now = 1_764_000_000_123L;

        String id = JobIds.newId(now);

        assertThat(JobIds.timestampMillis(id)).isEqualTo(now);
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
        assertThat(UUID.fromString(id).variant()).isEqualTo(2);
    }

    @Test
    void shouldSortByCreationTime() {
        String earlier = JobIds.newId(1_000_000);
        String later = JobIds.newId(1_000_001);

        assertThat(earlier.compareTo(later)).isNegative();
    }

    @Test
    void shouldRejectIdsThatAreNotVersion7() {
        String v4 = UUID.randomUUID().toString();

        assertThat(JobIds.isValid(v4)).isFalse();
        assertThat(JobIds.isValid("../../etc/passwd")).isFalse();
        assertThat(JobIds.isValid(JobIds.newId())).isTrue();
        assertThatThrownBy(() -> JobIds.timestampMillis(v4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFillEveryRandomBitOfTheId() {
        long msbOnes = 0;
        long msbZeros = 0;
        long lsbOnes = 0;
        long lsbZeros = 0;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String id = JobIds.newId(1_764_000_000_123L);
            ids.add(id);
            UUID u = UUID.fromString(id);
            msbOnes |= u.getMostSignificantBits();
            msbZeros |= ~u.getMostSignificantBits();
            lsbOnes |= u.getLeastSignificantBits();
            lsbZeros |= ~u.getLeastSignificantBits();
        }

        assertThat(ids).hasSize(2000);
        // rand_a (the low 12 bits of the high half) and rand_b (the low 62 bits of the low half) each took both values
        assertThat(msbOnes & msbZeros & 0xFFFL).isEqualTo(0xFFFL);
        assertThat(lsbOnes & lsbZeros & 0x3FFFFFFFFFFFFFFFL).isEqualTo(0x3FFFFFFFFFFFFFFFL);
    }
}
