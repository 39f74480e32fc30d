/* check_basic.c: determinism, sampling, templates, keep_history, pause, UTF-8 callbacks and the context limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void check_determinism(const char *tiny)
{
    HandleOpts o = default_opts();
    o.top_k = 40;
    o.temperature = 0.9f;
    o.max_new = 64;
    LLMHandle h = open_handle(tiny, &o, NULL);
    LLMHandle g = open_handle(tiny, &(HandleOpts){2048, 64, 1, 0.8f, 1}, NULL);
    if (!h || !g) {
        return;
    }
    Collector a, b, c;
    collector_init(&a);
    collector_init(&b);
    collector_init(&c);
    const char *prompt = "Tell me about the river.";
    CHECK(run_text(h, &a, prompt, 0, NULL) == 0 && run_text(h, &b, prompt, 0, NULL) == 0, "sampled runs");
    CHECK(a.n_tokens > 0 && collector_same_tokens(&a, &b), "same seed, same tokens (%d vs %d)", a.n_tokens,
          b.n_tokens);
    CHECK(a.n_finish == 1 && a.perf.generate_tokens == a.n_tokens, "FINISH perf counts %d tokens, got %d",
          a.n_tokens, a.perf.generate_tokens);
    CHECK(rkllm_sim_set_seed(h, 12345) == 0 && run_text(h, &c, prompt, 0, NULL) == 0, "seeded run");
    CHECK(!collector_same_tokens(&a, &c), "another seed gives other tokens");
    CHECK(run_text(g, &a, prompt, 0, NULL) == 0 && rkllm_sim_set_seed(g, 99) == 0 &&
              run_text(g, &b, prompt, 0, NULL) == 0,
          "greedy runs");
    CHECK(collector_same_tokens(&a, &b), "greedy ignores the seed");
    CHECK(run_text(g, &c, "Something else entirely, about bread and summer.", 0, NULL) == 0, "other prompt");
    CHECK(!collector_same_tokens(&a, &c), "another prompt gives other tokens (the output depends on the input)");
    CHECK(a.bad_text == 0 && a.after_end == 0, "each NORMAL text is exactly its token's byte; nothing after FINISH");
#if RKLLM_ABI_VERSION == 130
    RKLLMSamplingParam sp = {40, 0.95f, 1.0f, 1.1f, 0.0f, 0.0f, 0, 5.0f, 0.1f};
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = prompt;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, 0, NULL);
    p.sampling_params = &sp;
    p.max_new_tokens = 10;
    CHECK(run_input(g, &in, &p, &b) == 0 && b.n_tokens <= 10, "per-run max_new_tokens 10: %d", b.n_tokens);
    CHECK(run_input(g, &in, &p, &c) == 0 && collector_same_tokens(&b, &c), "per-run sampling is seeded");
    p.max_new_tokens = 0;
    CHECK(run_input(g, &in, &p, &c) == 0 && !collector_same_tokens(&a, &c), "per-run sampling overrides greedy");
#endif
    collector_destroy(&a);
    collector_destroy(&b);
    collector_destroy(&c);
    rkllm_destroy(h);
    rkllm_destroy(g);
}

static void check_template_and_history(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 8, 1, 0.8f, 3}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    CHECK(run_text(h, &c, "hello", 1, NULL) == 0, "first turn");
    int with_system = rkllm_sim_prompt_tokens(h);
    int sizes[3] = {-1, -1, -1};
    CHECK(rkllm_get_kv_cache_size(h, sizes) == 0 && sizes[1] == 0 && sizes[2] == 0, "n_batch 3 sizes filled");
    int after1 = sizes[0];
    CHECK(after1 == with_system + c.n_tokens + (c.n_tokens < 8), "KV %d = input %d + generated %d (+ stop)", after1,
          with_system, c.n_tokens);
    CHECK(run_text(h, &c, "hello", 1, NULL) == 0, "second turn");
    int no_system = rkllm_sim_prompt_tokens(h);
    CHECK(no_system < with_system && no_system > 5, "the system prompt is only added to an empty KV (%d, %d)",
          no_system, with_system);
    CHECK(kv_size(h) > after1 + no_system, "keep_history accumulates: %d > %d + %d", kv_size(h), after1, no_system);
    int five = 5, end = -1;
    CHECK(rkllm_clear_kv_cache(h, 0, &five, &end) == 0 && kv_size(h) == 5, "clear from 5 leaves 5: %d", kv_size(h));
    CHECK(rkllm_clear_kv_cache(h, 1, NULL, NULL) == 0 && kv_size(h) == 5, "keep_system_prompt keeps %d", kv_size(h));
    CHECK(rkllm_clear_kv_cache(h, 0, NULL, NULL) == 0 && kv_size(h) == 0, "clear all");
    CHECK(run_text(h, &c, "hello", 0, NULL) == 0 && kv_size(h) == 0, "keep_history 0 leaves no KV");
    CHECK(rkllm_sim_prompt_tokens(h) == with_system, "same prompt, same count");

    CHECK(rkllm_set_chat_template(h, "", "", "") == 0 && run_text(h, &c, "hello", 0, NULL) == 0, "raw template");
    CHECK(rkllm_sim_prompt_tokens(h) == 5, "raw prompt \"hello\" is 5 tokens, got %d", rkllm_sim_prompt_tokens(h));
    CHECK(run_text(h, &c, "<|im_start|>hi<|im_end|>", 0, NULL) == 0 && rkllm_sim_prompt_tokens(h) == 4,
          "special strings in prompt text are single tokens: %d", rkllm_sim_prompt_tokens(h));
    CHECK(rkllm_set_chat_template(h, "S:", "U:", "A:") == 0 && run_text(h, &c, "hello", 0, NULL) == 0, "custom");
    CHECK(rkllm_sim_prompt_tokens(h) == 11, "custom template: 2+2+5+2 tokens, got %d", rkllm_sim_prompt_tokens(h));
    int32_t ids[4] = {257, 'h', 'i', 258};
    CHECK(run_tokens(h, &c, ids, 4, 0, NULL) == 0 && rkllm_sim_prompt_tokens(h) == 4, "token input is raw");
    collector_destroy(&c);
    rkllm_destroy(h);
}

static void check_pause_and_limits(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){160, -1, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    rkllm_set_chat_template(h, "", "", "");
    char *text = make_text(100, 7);
    c.pause_at = 5;
    CHECK(run_text(h, &c, text, 1, NULL) == 0, "paused run returns 0");
    CHECK(c.n_tokens == 5 && c.n_finish == 1 && c.perf.generate_tokens == 5, "pause after 5: %d tokens",
          c.n_tokens);
    CHECK(kv_size(h) == 105, "paused KV keeps prompt and the 5 tokens: %d", kv_size(h));
    c.pause_at = 0;
    CHECK(run_text(h, &c, "x", 1, NULL) == -1 || kv_size(h) <= 160, "the context bounds the KV");
    CHECK(kv_size(h) <= 160, "KV %d within max_context_len 160", kv_size(h));
    CHECK(rkllm_clear_kv_cache(h, 0, NULL, NULL) == 0, "clear");
    CHECK(run_text(h, &c, text, 0, NULL) == 0 && c.n_tokens <= 60 && c.n_finish == 1,
          "generation stops at the context (%d tokens)", c.n_tokens);
    CHECK(c.perf.prefill_tokens == 100, "prefill_tokens %d", c.perf.prefill_tokens);
    CHECK(run_text(h, &c, text, 1, NULL) == 0 && run_text(h, &c, text, 1, NULL) == -1, "history overflow refused");
    CHECK(strstr(c.error, "does not fit max_context_len 160") != NULL, "error: %s", c.error);
    collector_destroy(&c);
    free(text);
    rkllm_destroy(h);
}

static void check_utf8(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 60, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    rkllm_set_chat_template(h, "", "", "");
    CHECK(run_text(h, &c, "今天的天气很好，我们去河边散步。", 0, NULL) == 0, "CJK prompt");
    CHECK(c.n_waiting > 0, "a CJK prompt yields multi-byte output, so WAITING (text: %s)", c.text);
    CHECK(utf8_valid(c.text, c.len), "the concatenated bytes are valid UTF-8");
    CHECK(c.bad_text == 0, "every callback carries only its own token's byte");
    LLMHandle s = open_handle(tiny, &(HandleOpts){2048, 400, 0, 1.3f, 1}, NULL);
    int waiting = 0;
    for (uint64_t seed = 1; s && seed <= 4; seed++) {
        rkllm_sim_set_seed(s, seed);
        CHECK(run_text(s, &c, "Write a short story.", 0, NULL) == 0 && utf8_valid(c.text, c.len),
              "sampled output is valid UTF-8 (seed %llu)", (unsigned long long)seed);
        waiting += c.n_waiting;
    }
    CHECK(waiting > 0, "hot sampling of English text sometimes writes multi-byte characters too");
    collector_destroy(&c);
    rkllm_destroy(h);
    if (s) {
        rkllm_destroy(s);
    }
}

/* The next byte boundary of a whole character at or after k (the delivered text ends on one). */
static size_t char_boundary(const char *text, size_t len, size_t k)
{
    while (k < len && ((unsigned char)text[k] & 0xC0) == 0x80) {
        k++;
    }
    return k;
}

/* A seeded run continued from a cut (prompt + the text up to it, the tokens left) writes the rest of the
 * uninterrupted run: the draw at a position depends on the seed and the position only, not on a stream. */
static void check_seeded_continuation(const char *tiny)
{
    const int max_new = 120;
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, max_new, 40, 1.2f, 1}, NULL);
    if (!h) {
        return;
    }
    const char *prompt = "Write a short story about the river. ";
    Collector ref, c;
    collector_init(&ref);
    collector_init(&c);
    rkllm_set_chat_template(h, "", "", "");
    rkllm_sim_set_seed(h, 4242);
    CHECK(run_text(h, &ref, prompt, 0, NULL) == 0 && ref.len > 8, "seeded reference run (%zu bytes)", ref.len);
    size_t cuts[] = {1, ref.len / 4, ref.len / 2, ref.len - 2};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0] && ref.len > 8; i++) {
        size_t k = char_boundary(ref.text, ref.len, cuts[i]);
        if (k == 0 || k >= ref.len) {
            continue;
        }
        char *cont = malloc(strlen(prompt) + k + 1);
        memcpy(cont, prompt, strlen(prompt));
        memcpy(cont + strlen(prompt), ref.text, k);
        cont[strlen(prompt) + k] = '\0';
        LLMHandle g = open_handle(tiny, &(HandleOpts){2048, max_new - (int)k, 40, 1.2f, 1}, NULL);
        CHECK(g && rkllm_set_chat_template(g, "", "", "") == 0 && rkllm_sim_set_seed(g, 4242) == 0 &&
                  run_text(g, &c, cont, 0, NULL) == 0,
              "continued run from byte %zu", k);
        CHECK(c.len == ref.len - k && memcmp(c.text, ref.text + k, c.len) == 0,
              "continued from byte %zu, it writes the rest of the uninterrupted run (%zu of %zu bytes; \"%s\")", k,
              c.len, ref.len - k, c.text);
        free(cont);
        if (g) {
            rkllm_destroy(g);
        }
    }
    collector_reset(&c);
    rkllm_sim_set_seed(h, 4243);
    CHECK(run_text(h, &c, prompt, 0, NULL) == 0 && !(c.len == ref.len && memcmp(c.text, ref.text, c.len) == 0),
          "the next seed writes another text");
    collector_destroy(&ref);
    collector_destroy(&c);
    rkllm_destroy(h);
}

#if RKLLM_ABI_VERSION == 130
static void check_init_userdata(const char *tiny)
{
    Collector init_c, run_c;
    collector_init(&init_c);
    collector_init(&run_c);
    LLMHandle h = open_handle(tiny, &(HandleOpts){256, 4, 1, 0.8f, 1}, &init_c);
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = "hi";
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, 0, NULL);
    CHECK(h && rkllm_run(h, &in, &p, NULL) == 0 && init_c.n_finish == 1, "NULL run userdata: init userdata used");
    CHECK(h && rkllm_run(h, &in, &p, &run_c) == 0 && run_c.n_finish == 1 && init_c.n_finish == 1, "run userdata");
    collector_destroy(&init_c);
    collector_destroy(&run_c);
    if (h) {
        rkllm_destroy(h);
    }
}
#endif

void check_basic(const char *tiny)
{
    check_determinism(tiny);
    check_template_and_history(tiny);
    check_pause_and_limits(tiny);
    check_utf8(tiny);
    check_seeded_continuation(tiny);
#if RKLLM_ABI_VERSION == 130
    check_init_userdata(tiny);
#endif
}
