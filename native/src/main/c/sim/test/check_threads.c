/* check_threads.c: abort, async runs, destroy while running, concurrent handles, board pacing, slow and stall. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    LLMHandle h;
    Collector *c;
    const char *prompt;
    int rc;
    double returned_ms;
} RunArgs;

static void *run_thread(void *arg)
{
    RunArgs *a = arg;
    a->rc = run_text(a->h, a->c, a->prompt, 0, NULL);
    a->returned_ms = now_ms();
    return NULL;
}

static double slack(void)
{
    return check_under_valgrind ? 20.0 : 1.0;
}

static void check_abort(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, -1, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    rkllm_sim_set_option(h, "slow_ms_per_token", "5"); /* a run of ~2000 tokens would take 10 s */
    RunArgs a = {h, &c, "Tell me a long story.", -2, 0};
    pthread_t t;
    pthread_create(&t, NULL, run_thread, &a);
    CHECK(collector_wait_tokens(&c, 10, 5000 * slack()), "tokens arrive");
    CHECK(rkllm_is_running(h) == 1, "is_running while generating");
    int at_abort = c.n_tokens;
    double t0 = now_ms();
    CHECK(rkllm_abort(h) == 0, "abort");
    pthread_join(t, NULL);
    CHECK(a.rc == 0 && c.n_finish == 1 && c.n_error == 0, "an aborted run sends FINISH and returns 0 (rc %d)", a.rc);
    CHECK(c.n_tokens - at_abort <= 3, "stops within a few tokens (%d after abort)", c.n_tokens - at_abort);
    CHECK(a.returned_ms - t0 < 500 * slack(), "promptly: %.0f ms", a.returned_ms - t0);
    CHECK(c.perf.generate_tokens == c.n_tokens, "perf so far: %d", c.perf.generate_tokens);
    CHECK(rkllm_is_running(h) == 0, "not running after return");

    rkllm_sim_set_option(h, "slow_ms_per_token", "");
    rkllm_sim_set_option(h, "prefill_tps", "100"); /* a paced prefill of ~1000 tokens: 10 s */
    char *text = make_text(1000, 5);
    a.prompt = text;
    pthread_create(&t, NULL, run_thread, &a);
    for (t0 = now_ms(); !rkllm_is_running(h) && now_ms() - t0 < 5000;) { /* until the thread's run has begun */
        sched_yield();
    }
    t0 = now_ms();
    rkllm_abort(h);
    pthread_join(t, NULL);
    CHECK(a.rc == 0 && c.n_tokens == 0 && c.n_finish == 1, "abort during prefill: FINISH, no tokens");
    CHECK(a.returned_ms - t0 < 500 * slack(), "abort during prefill is prompt: %.0f ms", a.returned_ms - t0);
    rkllm_sim_set_option(h, "prefill_tps", "");
    free(text);

    c.handle = h;
    c.abort_at = 3;
    CHECK(run_text(h, &c, "abort from the callback", 0, NULL) == 0 && c.n_tokens == 3 && c.n_finish == 1,
          "rkllm_abort inside the callback stops at once (%d tokens)", c.n_tokens);
    c.abort_at = 0;
    collector_destroy(&c);
    rkllm_destroy(h);
}

static void check_async(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, -1, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c, d;
    collector_init(&c);
    collector_init(&d);
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.input_type = RKLLM_INPUT_PROMPT;
    char prompt[] = "async please";
    in.prompt_input = prompt;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, 0, NULL);
    rkllm_sim_set_option(h, "slow_ms_per_token", "2");
    CHECK(rkllm_run_async(h, &in, &p, &c) == 0, "run_async returns at once");
    prompt[0] = 'X'; /* the run owns a copy of its input */
    CHECK(rkllm_is_running(h) == 1, "running after run_async");
    CHECK(rkllm_run(h, &in, &p, &d) == -1 && strstr(rkllm_sim_last_error(h), "already in progress"),
          "a second run on a busy handle is refused");
    CHECK(collector_wait_tokens(&c, 5, 5000 * slack()), "async tokens arrive");
    CHECK(rkllm_abort(h) == 0 && collector_wait_end(&c, 5000 * slack()) && c.n_finish == 1, "async abort");
    CHECK(rkllm_run_async(h, &in, &p, &d) == 0, "a new async run after the last one ended");
    CHECK(collector_wait_tokens(&d, 3, 5000 * slack()), "second async run produces");
    double t0 = now_ms();
    CHECK(rkllm_destroy(h) == 0, "destroy while an async run is going");
    CHECK(now_ms() - t0 < 500 * slack(), "destroy aborts and waits promptly (%.0f ms)", now_ms() - t0);
    CHECK(d.n_finish == 1, "the destroyed run got its FINISH");
    collector_destroy(&c);
    collector_destroy(&d);
}

static void check_concurrent(const char *tiny)
{
    LLMHandle h1 = open_handle(tiny, &(HandleOpts){2048, 200, 1, 0.8f, 1}, NULL);
    LLMHandle h2 = open_handle(tiny, &(HandleOpts){2048, 200, 1, 0.8f, 1}, NULL);
    if (!h1 || !h2) {
        return;
    }
    Collector s1, s2, p1, p2;
    collector_init(&s1);
    collector_init(&s2);
    collector_init(&p1);
    collector_init(&p2);
    char *t1 = make_text(600, 11), *t2 = make_text(700, 12);
    CHECK(run_text(h1, &s1, t1, 0, NULL) == 0 && run_text(h2, &s2, t2, 0, NULL) == 0, "sequential");
    RunArgs a1 = {h1, &p1, t1, -2, 0}, a2 = {h2, &p2, t2, -2, 0};
    pthread_t x, y;
    pthread_create(&x, NULL, run_thread, &a1);
    pthread_create(&y, NULL, run_thread, &a2);
    pthread_join(x, NULL);
    pthread_join(y, NULL);
    CHECK(a1.rc == 0 && a2.rc == 0, "concurrent runs succeed");
    CHECK(collector_same_tokens(&s1, &p1) && collector_same_tokens(&s2, &p2), "concurrent == sequential output");
    free(t1);
    free(t2);
    collector_destroy(&s1);
    collector_destroy(&s2);
    collector_destroy(&p1);
    collector_destroy(&p2);
    rkllm_destroy(h1);
    rkllm_destroy(h2);
}

static void check_pacing(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 6, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    rkllm_set_chat_template(h, "", "", "");
    rkllm_sim_set_option(h, "board", "rk3588");
    char *text = make_text(64, 9);
    CHECK(run_text(h, &c, text, 0, NULL) == 0 && c.n_finish == 1, "paced run");
    double want_prefill = 64 * 1000.0 / 640.0, want_decode = c.n_tokens * 1000.0 / 33.0;
    CHECK(c.perf.prefill_time_ms >= want_prefill * 0.97 && c.perf.prefill_time_ms < want_prefill * 3 * slack(),
          "rk3588 prefill of 64 tokens takes %.0f ms, want ~%.0f", c.perf.prefill_time_ms, want_prefill);
    CHECK(c.perf.generate_time_ms >= want_decode * 0.97 && c.perf.generate_time_ms < want_decode * 3 * slack(),
          "rk3588 decode of %d tokens takes %.0f ms, want ~%.0f", c.n_tokens, c.perf.generate_time_ms, want_decode);
    rkllm_sim_set_option(h, "board", "");
    rkllm_sim_set_option(h, "decode_tps", "200");
    CHECK(run_text(h, &c, text, 0, NULL) == 0, "explicit rate");
    want_decode = c.n_tokens * 1000.0 / 200.0;
    CHECK(c.perf.generate_time_ms >= want_decode * 0.97 && c.perf.prefill_time_ms < 50 * slack(),
          "decode_tps 200: %.0f ms for %d tokens; prefill unpaced %.0f ms", c.perf.generate_time_ms, c.n_tokens,
          c.perf.prefill_time_ms);
    rkllm_sim_set_option(h, "decode_tps", "");
    rkllm_sim_set_option(h, "slow_ms_per_token", "20");
    CHECK(run_text(h, &c, text, 0, NULL) == 0 && c.perf.generate_time_ms >= 20.0 * c.n_tokens * 0.97,
          "slow mode: %.0f ms for %d tokens", c.perf.generate_time_ms, c.n_tokens);
    free(text);
    collector_destroy(&c);
    rkllm_destroy(h);
}

static void check_stall(const char *tiny)
{
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, -1, 1, 0.8f, 1}, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    rkllm_sim_set_option(h, "stall_after_tokens", "3");
    RunArgs a = {h, &c, "stall here", -2, 0};
    pthread_t t;
    pthread_create(&t, NULL, run_thread, &a);
    CHECK(collector_wait_tokens(&c, 3, 5000 * slack()), "three tokens");
    CHECK(!collector_wait_tokens(&c, 4, 300), "then nothing more (stalled)");
    CHECK(rkllm_is_running(h) == 1, "still running while stalled");
    rkllm_abort(h);
    pthread_join(t, NULL);
    CHECK(a.rc == 0 && c.n_tokens == 3 && c.n_finish == 1, "abort ends the stall with FINISH");
    collector_destroy(&c);
    rkllm_destroy(h);
}

void check_threads(const char *tiny)
{
    check_abort(tiny);
    check_async(tiny);
    check_concurrent(tiny);
    check_pacing(tiny);
    check_stall(tiny);
}
