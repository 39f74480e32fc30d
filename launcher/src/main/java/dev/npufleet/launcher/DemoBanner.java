package dev.npufleet.launcher;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@code fleet demo} prints once the fleet is up: where things are and what to try. */
final class DemoBanner {
    private DemoBanner() {
    }

    static String text(int port, String bootstrap, Set<String> boards, String model, String preset, String board,
            List<ChildProcess> children) {
        String base = "http://localhost:" + port;
        String pids = children.stream().map(c -> c.name() + "=" + c.pid()).collect(Collectors.joining(", "));
        return """

                ======================================================================
                 npufleet demo is up
                   gateway   %s  (OpenAI API under /v1)
                   workers   %s on the RKLLM simulator (model preset '%s', board timing '%s')
                   kafka     %s (embedded, KRaft)
                   pids      %s
                ======================================================================

                Stream a chat completion:
                  curl -N %s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%s","stream":true,"messages":[{"role":"user","content":"Hello, board!"}]}'

                With the OpenAI SDK (pip install openai):
                  python3 -c 'from openai import OpenAI
                  c = OpenAI(base_url="%s/v1", api_key="none")
                  for ch in c.chat.completions.create(model="%s", stream=True,
                          messages=[{"role": "user", "content": "Hello, board!"}]):
                      print(ch.choices[0].delta.content or "", end="", flush=True)'

                A named prompt cache (built once on a board, then reused):
                  curl %s/v1/cache/%s -H 'Content-Type: application/json' \\
                    -d '{"cache_name":"coding","prompt":"You are a careful senior engineer. Answer with code."}'
                  curl %s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%s","use_cache":"coding","messages":[{"role":"user","content":"Sort a list."}]}'

                %s
                Fleet view: curl %s/v1/fleet    Metrics: curl %s/metrics
                Kill a worker (kill -9 <pid>) mid-stream: its jobs finish on the other board.
                Ctrl-C stops everything.
                """.formatted(base, String.join(", ", boards), preset, board, bootstrap, pids, base, model, base, model,
                base, model, base, model, tools(base, model), base, base);
    }

    /** The tool-calling and thinking examples (answered from the demo's scripted replies). */
    private static String tools(String base, String model) {
        return """
                Tool calling (scripted replies: the simulator's weights cannot call a tool):
                  curl %s/v1/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model":"%s","messages":[{"role":"user","content":"%s"}],
                         "tools":[{"type":"function","function":{"name":"get_weather",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}'
                  then send the call back with a {"role":"tool","tool_call_id":...} message for the answer.
                Thinking apart from the answer (reasoning_content): the same with
                    "reasoning_effort":"high" and the question "%s"
                """.formatted(base, model, DemoScript.WEATHER, DemoScript.THINK);
    }
}
