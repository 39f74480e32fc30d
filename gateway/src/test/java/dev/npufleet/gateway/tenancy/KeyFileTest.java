package dev.npufleet.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFileTest {

    @Test
    void shouldReadKeysHashesNamesAdminAndLimitsSkippingCommentsAndBlankLines() {
        String hash = HexFormat.of().formatHex(ApiKey.hash("sk-bob"));
        List<ApiKey> keys = KeyFile.parse(List.of("# team keys", "", "sk-alice name=alice rpm=60 tpm=1000",
                "sha256:" + hash.toUpperCase() + " name=bob", "  sk-ops   admin  "), "f");

        assertThat(keys).hasSize(3);
        assertThat(keys.get(0).name()).isEqualTo("alice");
        assertThat(keys.get(0).limits()).isEqualTo(new KeyLimits(60, 1000));
        assertThat(keys.get(0).matches(ApiKey.hash("sk-alice"))).isTrue();
        assertThat(keys.get(1).matches(ApiKey.hash("sk-bob"))).isTrue();
        assertThat(keys.get(2).admin()).isTrue();
        assertThat(keys.get(2).name()).isNull();
    }

    @Test
    void shouldNameTheBadLineButNeverTheKey() {
        assertThatThrownBy(() -> KeyFile.parse(List.of("sk-good", "sk-secret-123 rpm=lots"), "keys.txt"))
                .hasMessageContaining("keys.txt line 2").hasMessageContaining("rpm")
                .hasMessageNotContaining("sk-secret-123");
        assertThatThrownBy(() -> KeyFile.parse(List.of("sk-secret-123 colour=red"), "keys.txt"))
                .hasMessageContaining("line 1").hasMessageNotContaining("sk-secret-123");
        assertThatThrownBy(() -> KeyFile.parse(List.of("sha256:abc"), "keys.txt")).hasMessageContaining("64 hex");
    }

    @Test
    void shouldReadTheInlineListWithAdminNames() {
        List<ApiKey> keys = KeyFile.parseInline("sk-a, sk-b:bob ,sk-c:admin-ops");

        assertThat(keys).extracting(ApiKey::name).containsExactly(null, "bob", "admin-ops");
        assertThat(keys).extracting(ApiKey::admin).containsExactly(false, false, true);
    }

    @Test
    void shouldDeriveTheSameOwnerFromAKeyAndFromItsHashAndShowNeitherInToString() {
        String hash = HexFormat.of().formatHex(ApiKey.hash("sk-alice"));
        ApiKey fromKey = KeyFile.parse(List.of("sk-alice"), "f").get(0);
        ApiKey fromHash = KeyFile.parse(List.of("sha256:" + hash), "f").get(0);

        assertThat(fromKey.owner()).isEqualTo(fromHash.owner()).startsWith("key_").doesNotContain(hash.substring(0, 8));
        assertThat(fromKey.toString()).doesNotContain("sk-alice").doesNotContain(hash.substring(0, 8));
        assertThat(KeyFile.parse(List.of("sk-other"), "f").get(0).owner()).isNotEqualTo(fromKey.owner());
    }
}
