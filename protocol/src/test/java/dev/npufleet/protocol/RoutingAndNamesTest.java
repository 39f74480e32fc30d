package dev.npufleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingAndNamesTest {

    private static Job chat(String system, String user, Job.CacheRef cache) {
        List<ChatMessage> messages = system == null ? List.of(ChatMessage.user(user))
                : List.of(ChatMessage.system(system), ChatMessage.user(user));
        return new Job(1, JobIds.newId(), "m", JobKind.CHAT, messages, null, cache, null, "npu.events", 0, 0);
    }

    @Test
    void shouldRouteANamedCacheByModelAndName() {
        var def = new CacheDefinition("m", "coding", "r1", "You write code.", null, false, 0, 0);

        assertThat(RoutingKeys.forJob(chat(null, "hi", Job.CacheRef.of(def)))).isEqualTo("m/coding");
    }

    @Test
    void shouldRouteEqualSystemPromptsToTheSameKey() {
        String a = RoutingKeys.forJob(chat("You are terse.", "one", null));
        String b = RoutingKeys.forJob(chat("You are terse.", "two", null));
        String c = RoutingKeys.forJob(chat("You are verbose.", "one", null));

        assertThat(a).isEqualTo(b).startsWith("m/sys:").isNotEqualTo(c);
    }

    @Test
    void shouldKeepTheSystemPromptKeyOfEarlierVersions() {
        // gateways of two versions must agree on a key: the first 8 bytes of SHA-256 over each leading system
        // turn's UTF-8 and a NUL (values computed independently, with Python's hashlib)
        assertThat(RoutingKeys.forJob(chat("You are terse.", "one", null))).isEqualTo("m/sys:ee74d0f93391f7f8");
        List<ChatMessage> turns = List.of(ChatMessage.system("Be brief."), ChatMessage.system(""),
                ChatMessage.system("Caf\u00e9 rules."), ChatMessage.user("x"), ChatMessage.system("not leading"));
        Job job = new Job(1, JobIds.newId(), "m", JobKind.CHAT, turns, null, null, null, "npu.events", 0, 0);
        assertThat(RoutingKeys.forJob(job)).isEqualTo("m/sys:4265163cd6c48596");
    }

    @Test
    void shouldRouteAJobWithoutSystemPromptByItsId() {
        Job job = chat(null, "hi", null);

        assertThat(RoutingKeys.forJob(job)).isEqualTo(job.id());
    }

    @Test
    void shouldAcceptOnlySafeCacheNames() {
        assertThat(CacheDefinition.isValidName("coding-v2.1_x")).isTrue();
        assertThat(CacheDefinition.isValidName("a".repeat(64))).isTrue();
        assertThat(CacheDefinition.isValidName("a".repeat(65))).isFalse();
        assertThat(CacheDefinition.isValidName("../etc")).isFalse();
        assertThat(CacheDefinition.isValidName("..")).isFalse();
        assertThat(CacheDefinition.isValidName("with space")).isFalse();
        assertThat(CacheDefinition.isValidName("")).isFalse();
        assertThatThrownBy(() -> new CacheDefinition("m", "a/b", "r", "p", null, false, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache name");
    }

    @Test
    void shouldNameTopicsUnderThePrefixAndSanitizeModelIds() {
        var topics = new Topics("staging.");

        assertThat(topics.jobs("qwen3:0.6b")).isEqualTo("staging.npu.jobs.qwen3_0.6b");
        assertThat(topics.events()).isEqualTo("staging.npu.events");
        assertThatThrownBy(() -> new Topics("bad prefix")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldExpireADefinitionAfterItsTtl() {
        var def = new CacheDefinition("m", "c", "r", "p", null, false, 10, 1_000);

        assertThat(def.expiredAt(10_999)).isFalse();
        assertThat(def.expiredAt(11_000)).isTrue();
    }
}
