package dev.npufleet.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.npufleet.protocol.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnswerSplitterTest {
    /** Records what came out, in order: "r:" reasoning, "c:" content, "t:" calls. */
    private static final class Parts implements AnswerSplitter.Sink {
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder content = new StringBuilder();
        final List<ToolCall> calls = new ArrayList<>();

        @Override
        public void reasoning(String text) {
            reasoning.append(text);
        }

        @Override
        public void content(String text) {
            content.append(text);
        }

        @Override
        public void toolCall(int index, ToolCall call) {
            assertThat(index).isEqualTo(calls.size());
            calls.add(call);
        }
    }

    /** Feeds the text one character at a time: every split point must give the same parts. */
    private static Parts split(AnswerSplitter s, String text) {
        Parts p = new Parts();
        text.codePoints().forEach(cp -> s.accept(new String(Character.toChars(cp)), p));
        s.finish(p);
        return p;
    }

    @Test
    void shouldReturnThinkingApartFromTheAnswer() {
        Parts p = split(new AnswerSplitter(false, Set.of(), true, "call_"), "<think>\nLet me add.\n</think>\n\n4.");

        assertThat(p.reasoning.toString()).isEqualTo("Let me add.\n");
        assertThat(p.content.toString()).isEqualTo("4.");
    }

    @Test
    void shouldTreatTextUpToTheCloseTagAsReasoningWhenThePromptOpenedTheBlock() {
        Parts p = split(new AnswerSplitter(true, Set.of(), true, "call_"), "Hmm, 2+2.</think>\n\nFour.");

        assertThat(p.reasoning.toString()).isEqualTo("Hmm, 2+2.");
        assertThat(p.content.toString()).isEqualTo("Four.");
    }

    @Test
    void shouldKeepAPlainAnswerWhole() {
        Parts p = split(new AnswerSplitter(false, Set.of("f"), true, "call_"), " <b>Hello</b> < world {x}");

        assertThat(p.content.toString()).isEqualTo(" <b>Hello</b> < world {x}");
        assertThat(p.reasoning.toString()).isEmpty();
        assertThat(p.calls).isEmpty();
    }

    @Test
    void shouldParseQwenToolCallsWithIdsNamesAndJsonArguments() {
        Parts p = split(new AnswerSplitter(false, Set.of("get_weather"), true, "call_j_"),
                "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>\n"
                        + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Bergen\"}}\n</tool_call>");

        assertThat(p.content.toString()).isEqualTo("Checking.\n");
        assertThat(p.calls).containsExactly(ToolCall.of("call_j_0", "get_weather", "{\"city\":\"Oslo\"}"),
                ToolCall.of("call_j_1", "get_weather", "{\"city\":\"Bergen\"}"));
    }

    @Test
    void shouldKeepOnlyTheFirstCallWithoutParallelCalls() {
        String two = "<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call><tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>";

        assertThat(split(new AnswerSplitter(false, Set.of("f"), false, "c"), two).calls).hasSize(1);
    }

    @Test
    void shouldReadLlamasJsonAnswerAsACallOfAnOfferedFunction() {
        Parts call = split(new AnswerSplitter(false, Set.of("get_weather"), true, "c"),
                "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}");
        Parts json = split(new AnswerSplitter(false, Set.of("get_weather"), true, "c"), "{\"answer\": 4}");

        assertThat(call.calls).containsExactly(ToolCall.of("c0", "get_weather", "{\"city\":\"Oslo\"}"));
        assertThat(json.content.toString()).isEqualTo("{\"answer\": 4}");
    }

    @Test
    void shouldReturnACallThatDoesNotParseOrWasNotOfferedAsText() {
        String broken = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {oops</tool_call>";
        String unknown = "<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>";
        String unterminated = "<tool_call>{\"name\": \"get_weather\"";

        for (String text : List.of(broken, unknown, unterminated)) {
            Parts p = split(new AnswerSplitter(false, Set.of("get_weather"), true, "c"), text);
            assertThat(p.calls).as(text).isEmpty();
            assertThat(p.content.toString()).as(text).isEqualTo(text);
        }
    }

    @Test
    void shouldSendTextAtOnceAndHoldBackOnlyWhatCouldStartATag() {
        AnswerSplitter s = new AnswerSplitter(false, Set.of(), true, "c");
        Parts p = new Parts();

        s.accept("Hello ", p);
        assertThat(p.content.toString()).isEqualTo("Hello ");
        s.accept("a <tool_", p);
        assertThat(p.content.toString()).isEqualTo("Hello a ");
        s.accept("x <", p);
        assertThat(p.content.toString()).isEqualTo("Hello a <tool_x ");
        s.accept("b> and ", p);
        assertThat(p.content.toString()).isEqualTo("Hello a <tool_x <b> and ");
        s.finish(p);
        assertThat(p.content.toString()).isEqualTo("Hello a <tool_x <b> and ");
    }

    @Test
    void shouldHoldBackAPossibleCloseTagOfTheThinkingBlock() {
        AnswerSplitter s = new AnswerSplitter(true, Set.of(), true, "c");
        Parts p = new Parts();

        s.accept("Hmm. </thi", p);
        assertThat(p.reasoning.toString()).isEqualTo("Hmm. ");
        s.accept("nk>Yes", p);
        assertThat(p.reasoning.toString()).isEqualTo("Hmm. ");
        assertThat(p.content.toString()).isEqualTo("Yes");
    }
}
