/* sim_bench.c: measures a simulator model's prefill, decode and prompt-cache figures (make bench-sim). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rkllm_abi.h"

#define REPEAT 5

typedef struct {
    int tokens;
    double first_token_ms;
    RKLLMPerfStat perf;
} Stats;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int on_result(RKLLMResult *r, void *userdata, LLMCallState state)
{
    Stats *s = userdata;
    if (state == RKLLM_RUN_NORMAL || state == RKLLM_RUN_WAITING) {
        if (s->tokens++ == 0) {
            s->first_token_ms = now_ms();
        }
    } else if (state == RKLLM_RUN_FINISH) {
        s->perf = r->perf;
    } else if (state == RKLLM_RUN_ERROR) {
        fprintf(stderr, "run failed: %s\n", r->text);
    }
    return 0;
}

static LLMHandle open_model(const char *model, int max_new, int raw)
{
    RKLLMParam p = rkllm_createDefaultParam();
    p.model_path = model;
    p.max_context_len = 4096;
    p.max_new_tokens = max_new;
    LLMHandle h = NULL;
#if RKLLM_ABI_VERSION == 130
    RKLLMCallback cb = {on_result, NULL, NULL, NULL, NULL, NULL};
    int rc = rkllm_init(&h, &p, &cb);
#else
    int rc = rkllm_init(&h, &p, on_result);
#endif
    if (rc != 0) {
        fprintf(stderr, "rkllm_init: %s\n", rkllm_sim_last_error(NULL));
        exit(1);
    }
    if (raw) {
        rkllm_set_chat_template(h, "", "", "");
    }
    return h;
}

/* Runs prompt; returns wall ms from the call to the first token; s gets the perf. */
static double run(LLMHandle h, const char *prompt, const char *save, Stats *s)
{
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = prompt;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc = {save != NULL, save};
    memset(&p, 0, sizeof p);
    p.prompt_cache_params = save ? &pc : NULL;
    memset(s, 0, sizeof *s);
    double t0 = now_ms();
    if (rkllm_run(h, &in, &p, s) != 0) {
        exit(1);
    }
    return s->first_token_ms - t0;
}

static char *text(size_t n)
{
    static const char *words[] = {"the", "board", "answers", "a", "question", "about", "rivers", "and", "rain"};
    char *s = malloc(n + 1);
    unsigned x = 7;
    for (size_t at = 0; at < n;) {
        x = x * 1103515245u + 12345u;
        for (const char *w = words[(x >> 16) % 9]; *w && at < n; w++) {
            s[at++] = *w;
        }
        if (at < n) {
            s[at++] = ' ';
        }
    }
    s[n] = '\0';
    return s;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v)
{
    qsort(v, REPEAT, sizeof v[0], cmp);
    return v[REPEAT / 2];
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <model file> <work dir>\n", argv[0]);
        return 2;
    }
    char cache[1024];
    snprintf(cache, sizeof cache, "%s/bench-1000.kvc", argv[2]);
    char *p1000 = text(1000), *p1020 = malloc(1021);
    memcpy(p1020, p1000, 1000);
    memcpy(p1020 + 1000, " and then the river.", 21);
    LLMHandle h = open_model(argv[1], 1, 1), g = open_model(argv[1], 200, 1);
    Stats s;
    double full[REPEAT], cpu[REPEAT], cached[REPEAT], load[REPEAT], ptps[REPEAT], dtps[REPEAT];
    run(h, p1000, cache, &s);
    for (int i = 0; i < REPEAT; i++) {
        rkllm_release_prompt_cache(h);
        double c0 = cpu_ms();
        full[i] = run(h, p1020, NULL, &s);
        cpu[i] = cpu_ms() - c0;
        ptps[i] = s.perf.prefill_tokens * 1000.0 / s.perf.prefill_time_ms;
        double t0 = now_ms();
        rkllm_load_prompt_cache(h, cache);
        load[i] = now_ms() - t0;
        cached[i] = load[i] + run(h, p1020, NULL, &s);
        if (s.perf.prefill_tokens != 20) {
            fprintf(stderr, "cached run computed %d tokens, expected 20\n", s.perf.prefill_tokens);
        }
        run(g, "Tell me about the river.", NULL, &s);
        dtps[i] = s.perf.generate_tokens * 1000.0 / s.perf.generate_time_ms;
    }
    printf("model %s (ABI %d), median of %d\n", argv[1], rkllm_sim_abi_version(), REPEAT);
    printf("  prefill 1020 tokens (no cache): %.0f ms to first token (%.0f ms CPU), %.0f tokens/s\n", median(full),
           median(cpu), median(ptps));
    printf("  load 1000-token cache + prefill 20: %.1f ms to first token (load %.1f ms)\n", median(cached),
           median(load));
    printf("  decode: %.0f tokens/s (200 tokens after a short prompt)\n", median(dtps));
    LLMHandle t = open_model(argv[1], 32, 0);
    double req[REPEAT];
    for (int i = 0; i < REPEAT; i++) {
        double t0 = now_ms();
        run(t, "Hello, how are you today?", NULL, &s);
        req[i] = now_ms() - t0;
    }
    printf("  short request (ChatML, up to 32 new tokens): %.1f ms\n", median(req));
    rkllm_destroy(h);
    rkllm_destroy(g);
    rkllm_destroy(t);
    free(p1000);
    free(p1020);
    return 0;
}
