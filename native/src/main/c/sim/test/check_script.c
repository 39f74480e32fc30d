/* check_script.c: the scripted mode answers a prompt holding a key with its reply, token by token. */
#include <stdio.h>
#include <string.h>

#include "check.h"

static const char *write_script(const char *text)
{
    const char *path = work_file("script.txt");
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

void check_script(const char *tiny)
{
    const char *path = write_script("# replies for the checks\n"
                                    ">>> weather in Oslo\n"
                                    "<tool_call>\n{\"name\": \"get_weather\"}\n</tool_call>\n"
                                    ">>> <tool_response>\\n3\n"
                                    "It is 3 \xc2\xb0" "C.\n");
    Collector c;
    collector_init(&c);
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 100, 40, 0.8f, 1}, NULL);
    CHECK(h != NULL, "open");
    CHECK(rkllm_sim_set_option(h, "script", path) == 0, "script option");

    CHECK(run_text(h, &c, "What is the weather in Oslo?", 0, NULL) == 0, "scripted run");
    CHECK(strncmp(c.text, "<tool_call>\n{\"name\": \"get_weather\"}\n</tool_call>", 48) == 0,
          "the reply, byte for byte: \"%s\"", c.text);
    CHECK(c.n_tokens >= 48 && c.perf.generate_tokens == 48 && c.perf.prefill_tokens > 0,
          "one token per byte through the callback, after a real prefill (%d tokens, %d generated, %d prefilled)",
          c.n_tokens, c.perf.generate_tokens, c.perf.prefill_tokens);

    collector_reset(&c);
    CHECK(run_text(h, &c, "weather in Oslo ... <tool_response>\n3", 0, NULL) == 0, "later key");
    CHECK(strncmp(c.text, "It is 3 \xc2\xb0" "C.", 11) == 0 && c.n_waiting == 1,
          "the key that ends latest wins; a two-byte character is one WAITING then one NORMAL (\"%s\", %d waiting)",
          c.text, c.n_waiting);

    collector_reset(&c);
    CHECK(run_text(h, &c, "no key here", 0, NULL) == 0 && c.len > 0 && strstr(c.text, "tool_call") == NULL,
          "a prompt without a key is answered by the model");

    collector_reset(&c);
    CHECK(rkllm_sim_set_option(h, "script", work_file("missing-script.txt")) == 0, "set a missing file");
    CHECK(run_text(h, &c, "weather in Oslo", 0, NULL) != 0 && c.n_error == 1 && strstr(c.error, "script") != NULL,
          "an unreadable script fails the run with a reason (%s)", c.error);
    rkllm_destroy(h);
    collector_destroy(&c);
}
