package dev.npufleet.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.ChatOptions;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import dev.npufleet.worker.engine.InferenceException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptPlanTest {
    private static final CacheDefinition CACHE = new CacheDefinition("m", "sys", "r1", null,
            List.of(ChatMessage.system("You are terse.")), false, 0, 1);

    private static Job chat(List<ChatMessage> messages, CacheDefinition cache, ChatOptions options) {
        return new Job(1, "id", "m", JobKind.CHAT, messages, null, cache == null ? null : Job.CacheRef.of(cache),
                GenerationParams.defaults(), "replies", 0, 0, options);
    }

    @Test
    void shouldAnswerACacheExactlyAsTheSameSystemTurnSentInTheRequestForEveryPreset() {
        for (String preset : List.of("chatml", "qwen2.5", "qwen3", "llama3", "gemma", "phi3", "deepseek-r1")) {
            ChatTemplate t = ChatTemplate.named(preset);
            PromptPlan cached = PromptPlan.of(chat(List.of(ChatMessage.user("Hi")), CACHE, null), CACHE, t);
            PromptPlan sent = PromptPlan.of(chat(List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hi")),
                    null, null), null, t);

            assertThat(cached.full()).as(preset).isEqualTo(sent.full());
            assertThat(cached.prefix()).as(preset).isNotNull();
        }
    }

    @Test
    void shouldRunWithoutTheCacheWhenToolsChangeTheSystemTurn() throws Exception {
        ChatOptions tools = new ChatOptions(List.of(JsonCodec.mapper().readTree(
                "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}")), "auto", null, null);

        PromptPlan plan = PromptPlan.of(chat(List.of(ChatMessage.user("Hi")), CACHE, tools), CACHE,
                ChatTemplate.named("qwen3"));

        assertThat(plan.prefix()).isNull();
        assertThat(plan.full()).startsWith("<|im_start|>system\nYou are terse.\n\n# Tools");
    }

    @Test
    void shouldRefuseToolsATemplateCannotRenderNamingTheField() throws Exception {
        ChatOptions tools = new ChatOptions(List.of(JsonCodec.mapper().readTree("{\"type\":\"function\"}")), "auto",
                null, null);
        List<ChatMessage> called = List.of(ChatMessage.user("Hi"),
                new ChatMessage("assistant", "", List.of(ToolCall.of("c", "f", "{}")), null));

        InferenceException offered = catchThrowableOfType(InferenceException.class,
                () -> PromptPlan.of(chat(List.of(ChatMessage.user("Hi")), null, tools), null, ChatTemplate.named("gemma")));
        InferenceException history = catchThrowableOfType(InferenceException.class,
                () -> PromptPlan.of(chat(called, null, null), null, ChatTemplate.named("phi3")));

        assertThat(offered.toErrorInfo().param()).isEqualTo("tools");
        assertThat(offered.toErrorInfo().detail()).isEqualTo("unsupported_value");
        assertThat(history.toErrorInfo().param()).isEqualTo("messages[1].tool_calls");
    }

    @Test
    void shouldTellWhenThePromptOpensTheThinkingBlock() {
        Job job = chat(List.of(ChatMessage.user("Hi")), null, null);

        assertThat(PromptPlan.of(job, null, ChatTemplate.named("deepseek-r1")).opensThinking()).isTrue();
        assertThat(PromptPlan.of(job, null, ChatTemplate.named("qwen3")).opensThinking()).isFalse();
    }
}
