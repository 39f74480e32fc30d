/* check_hidden.c: GET_LAST_HIDDEN_LAYER mode: the input's final hidden states, deterministic and input-dependent. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    float *states; /* a copy: the runtime's pointer is valid only during the call */
    int embd, tokens, n_normal, n_finish, n_error, prefill_tokens, generate_tokens;
} Hidden;

static int hidden_callback(RKLLMResult *r, void *userdata, LLMCallState state)
{
    Hidden *h = userdata;
    if (state == RKLLM_RUN_NORMAL) {
        h->n_normal++;
        if (r->last_hidden_layer.hidden_states && r->last_hidden_layer.num_tokens > 0) {
            size_t n = (size_t)r->last_hidden_layer.num_tokens * (size_t)r->last_hidden_layer.embd_size;
            free(h->states);
            h->states = malloc(n * sizeof(float));
            memcpy(h->states, r->last_hidden_layer.hidden_states, n * sizeof(float));
            h->embd = r->last_hidden_layer.embd_size;
            h->tokens = r->last_hidden_layer.num_tokens;
        }
    } else if (state == RKLLM_RUN_FINISH) {
        h->n_finish++;
        h->prefill_tokens = r->perf.prefill_tokens;
        h->generate_tokens = r->perf.generate_tokens;
    } else if (state == RKLLM_RUN_ERROR) {
        h->n_error++;
    }
    return 0;
}

static int hidden_run(LLMHandle handle, const char *text, int mode, Hidden *out)
{
    free(out->states);
    memset(out, 0, sizeof *out);
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.role = "user";
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = text;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, 0, NULL);
    p.mode = mode;
    return rkllm_run(handle, &in, &p, out);
}

static LLMHandle open_hidden(const char *model)
{
    RKLLMParam p = rkllm_createDefaultParam();
    p.model_path = model;
    p.max_context_len = 512;
    p.max_new_tokens = 8;
    LLMHandle h = NULL;
#if RKLLM_ABI_VERSION == 130
    RKLLMCallback cb = {hidden_callback, NULL, NULL, NULL, NULL, NULL};
    int rc = rkllm_init(&h, &p, &cb);
#else
    int rc = rkllm_init(&h, &p, hidden_callback);
#endif
    CHECK(rc == 0 && h, "rkllm_init failed: %s", rkllm_sim_last_error(NULL));
    return rc == 0 ? h : NULL;
}

static int same(const Hidden *a, const Hidden *b)
{
    return a->tokens == b->tokens && a->embd == b->embd &&
           memcmp(a->states, b->states, (size_t)a->tokens * a->embd * sizeof(float)) == 0;
}

void check_hidden(const char *tiny)
{
    LLMHandle h = open_hidden(tiny);
    if (!h) {
        return;
    }
    Hidden a = {0}, b = {0}, c = {0};
    CHECK(hidden_run(h, "The river runs to the sea.", RKLLM_INFER_GET_LAST_HIDDEN_LAYER, &a) == 0, "hidden run");
    int prompt_tokens = rkllm_sim_prompt_tokens(h);
    CHECK(a.n_normal == 1 && a.n_finish == 1 && a.n_error == 0, "one NORMAL with the states, one FINISH (%d, %d)",
          a.n_normal, a.n_finish);
    CHECK(a.tokens == prompt_tokens && a.embd > 0, "a state per input token: %d of %d, embd %d", a.tokens,
          prompt_tokens, a.embd);
    CHECK(a.prefill_tokens == a.tokens && a.generate_tokens == 0, "prefilled %d, generated %d", a.prefill_tokens,
          a.generate_tokens);
    int finite = 1;
    for (int i = 0; a.states && i < a.tokens * a.embd; i++) {
        finite &= isfinite(a.states[i]) != 0;
    }
    CHECK(a.states && finite, "finite states");
    CHECK(hidden_run(h, "The river runs to the sea.", RKLLM_INFER_GET_LAST_HIDDEN_LAYER, &b) == 0 && same(&a, &b),
          "the same text gives the same states");
    CHECK(hidden_run(h, "Bread rises in a warm kitchen.", RKLLM_INFER_GET_LAST_HIDDEN_LAYER, &c) == 0 &&
              !same(&a, &c),
          "another text gives other states");
    CHECK(hidden_run(h, "x", RKLLM_INFER_GET_LOGITS, &c) != 0 && c.n_error == 1, "GET_LOGITS is refused");
    free(a.states);
    free(b.states);
    free(c.states);
    rkllm_destroy(h);
}
