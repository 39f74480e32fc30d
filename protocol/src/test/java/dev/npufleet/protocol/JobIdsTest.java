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
}
