package dev.npufleet.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.protocol.CacheDefinition;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.GenerationParams;
import dev.npufleet.protocol.Job;
import dev.npufleet.protocol.JobKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMlTemplateTest {

    private final ChatTemplate chatml = ChatTemplate.named("chatml");

    @Test
    void shouldRenderEachMessageAndOpenTheAssistantTurn() {
        // Given a system and a user message
        List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));

        // When rendered with the generation prompt
        String text = chatml.render(messages, true);

        // Then it is ChatML, ending with an open assistant turn
        assertThat(text).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void shouldRenderWithoutGenerationPromptForACachePrefix() {
        assertThat(chatml.render(List.of(ChatMessage.system("S")), false))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n");
    }

    @Test
    void shouldMakeTheCachePrefixExactlyTheStartOfTheFullChatPrompt() {
        // Given a chat cache with two system messages and a chat job naming it
        CacheDefinition cache = new CacheDefinition("m", "docs", "r1", null,
                List.of(ChatMessage.system("You answer from the manual."), ChatMessage.system("Manual: ...")),
                false, 0, 1);
        Job job = new Job(1, "id", "m", JobKind.CHAT, List.of(ChatMessage.user("How do I reset?")), null,
                Job.CacheRef.of(cache), GenerationParams.defaults(), "replies", 0, 0);

        // When planned
        PromptPlan plan = PromptPlan.of(job, cache, chatml);

        // Then the full prompt is the cache messages followed by the job's, and starts with the prefix
        assertThat(plan.full()).isEqualTo(chatml.render(List.of(cache.messages().get(0), cache.messages().get(1),
                job.messages().get(0)), true));
        assertThat(plan.full()).startsWith(plan.prefix());
        assertThat(PromptPlan.templateIdOf(cache, chatml)).isEqualTo("chatml/1");
    }

    @Test
    void shouldPutATextCacheInFrontOfACompletionPrompt() {
        CacheDefinition cache = new CacheDefinition("m", "code", "r1", "def f():\n", null, false, 0, 1);
        Job job = new Job(1, "id", "m", JobKind.COMPLETION, null, "    return 1", Job.CacheRef.of(cache), null,
                "replies", 0, 0);

        PromptPlan plan = PromptPlan.of(job, cache, chatml);

        assertThat(plan.prefix()).isEqualTo("def f():\n");
        assertThat(plan.full()).isEqualTo("def f():\n    return 1");
        assertThat(PromptPlan.templateIdOf(cache, chatml)).isEqualTo("raw");
    }

    @Test
    void shouldRefuseAnUnknownTemplateName() {
        assertThatThrownBy(() -> ChatTemplate.named("vicuna")).hasMessageContaining("unknown chat template");
    }
}
