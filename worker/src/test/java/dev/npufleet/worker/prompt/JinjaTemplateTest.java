package dev.npufleet.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.npufleet.protocol.ChatMessage;
import dev.npufleet.protocol.JsonCodec;
import dev.npufleet.protocol.ToolCall;
import dev.npufleet.worker.engine.InferenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's own Jinja template, rendered by Jinjava as transformers renders it. */
class JinjaTemplateTest {
    private static final Path QWEN25 = Path.of("src/test/resources/templates/qwen2.5.jinja");

    @TempDir
    Path dir;

    @Test
    void shouldRenderQwen25sPublishedTemplateExactlyAsThePresetDoes() throws Exception {
        JsonNode tool = JsonCodec.mapper().readTree("""
                {"type":"function","function":{"name":"get_weather","description":"Weather in a city",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""");
        List<ChatMessage> turns = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Weather in Oslo?"),
                new ChatMessage("assistant", "", List.of(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")), null),
                new ChatMessage("tool", "3 degrees", List.of(), "c1"), new ChatMessage("tool", "windy", List.of(), "c2"));
        ChatTemplate jinja = ChatTemplate.named("jinja:" + QWEN25);
        ChatTemplate preset = ChatTemplate.named("qwen2.5");

        for (Conversation c : List.of(new Conversation(turns, List.of(tool), true, null),
                Conversation.of(List.of(ChatMessage.user("Hi")), true), Conversation.of(turns.subList(0, 2), false))) {
            assertThat(jinja.render(c)).isEqualTo(preset.render(c));
        }
        assertThat(jinja.takesTools()).isTrue();
        assertThat(jinja.id()).startsWith("jinja/").isNotEqualTo(preset.id());
    }

    @Test
    void shouldReadTheTemplateAndSpecialTokensOfATokenizerConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<s>"}, "eos_token": "</s>",
                 "chat_template": "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}] {{ m['content'] | trim }}\\n{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}{% if enable_thinking is defined and not enable_thinking %} no-think{% endif %}"}""");
        ChatTemplate t = ChatTemplate.named("jinja:" + config);

        String text = t.render(new Conversation(List.of(ChatMessage.user("  Hi  ")), List.of(), true, false));

        assertThat(text).isEqualTo("<s>[user] Hi\n[assistant] no-think");
        assertThat(t.switchesThinking()).isTrue();
    }

    @Test
    void shouldRefuseMessagesTheTemplateRaisesOn() throws Exception {
        Path file = Files.writeString(dir.resolve("strict.jinja"),
                "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok");
        ChatTemplate t = ChatTemplate.named("jinja:" + file);

        assertThat(t.render(List.of(ChatMessage.user("x")), true)).isEqualTo("ok");
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.system("x")), true))
                .isInstanceOf(InferenceException.class).hasMessageContaining("System role not supported");
    }

    @Test
    void shouldRefuseAFileWithoutATemplate() throws Exception {
        Path config = Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\":\"</s>\"}");

        assertThatThrownBy(() -> ChatTemplate.named("jinja:" + config)).hasMessageContaining("no chat_template");
    }
}
