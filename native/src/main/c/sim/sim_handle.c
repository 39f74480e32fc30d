/* sim_handle.c: creating and freeing a simulator handle (model, KV cache, scratch, template, lock). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_handle.h"

static const char DEFAULT_SYSTEM[] = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n";
static const char DEFAULT_PREFIX[] = "<|im_start|>user\n";
static const char DEFAULT_POSTFIX[] = "<|im_end|>\n<|im_start|>assistant\n";

void sim_sampling_normalize(SimSampling *s)
{
    if (s->top_k < 0) {
        s->top_k = 0;
    }
    if (!(s->top_p > 0.0f && s->top_p <= 1.0f)) {
        s->top_p = 1.0f;
    }
    if (!(s->repeat_penalty > 0.0f)) {
        s->repeat_penalty = 1.0f;
    }
    if (!(s->temperature == s->temperature)) {
        s->temperature = 0.0f;
    }
    if (!(s->frequency_penalty == s->frequency_penalty)) {
        s->frequency_penalty = 0.0f;
    }
    if (!(s->presence_penalty == s->presence_penalty)) {
        s->presence_penalty = 0.0f;
    }
}

int sim_set_template(SimHandle *h, const char *system, const char *prefix, const char *postfix, int is_default)
{
    char *s = sim_strdup(system ? system : ""), *p = sim_strdup(prefix ? prefix : ""),
         *q = sim_strdup(postfix ? postfix : "");
    if (!s || !p || !q) {
        free(s);
        free(p);
        free(q);
        return SIM_FAIL;
    }
    free(h->tpl_system);
    free(h->tpl_prefix);
    free(h->tpl_postfix);
    h->tpl_system = s;
    h->tpl_prefix = p;
    h->tpl_postfix = q;
    h->tpl_is_default = is_default;
    return SIM_OK;
}

static int alloc_state(SimHandle *h)
{
    const SimModel *m = &h->model;
    size_t d = m->d_model, f = m->d_ff, c = SIM_PREFILL_CHUNK, kv = (size_t)m->n_layers * h->max_ctx * d;
    h->k_cache = malloc(kv * sizeof(float));
    h->v_cache = malloc(kv * sizeof(float));
    h->hist = malloc((size_t)h->max_ctx * sizeof(int32_t));
    float **bufs[] = {&h->x, &h->xn, &h->q, &h->att, &h->tmp, &h->gate, &h->up, &h->rope_cs, &h->scores, &h->logits};
    size_t sizes[] = {c * d, c * d, c * d, c * d, c * d, c * f, c * f, c * m->head_dim,
                      (size_t)h->max_ctx * m->n_heads, m->vocab};
    int ok = h->k_cache && h->v_cache && h->hist;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        *bufs[i] = malloc(sizes[i] * sizeof(float));
        ok = ok && *bufs[i];
    }
    return ok ? SIM_OK : SIM_FAIL;
}

static int init_sync(SimHandle *h)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) {
        return SIM_FAIL;
    }
    int ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&h->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) {
        return SIM_FAIL;
    }
    if (pthread_mutex_init(&h->mu, NULL) != 0) {
        pthread_cond_destroy(&h->cv);
        return SIM_FAIL;
    }
    return SIM_OK;
}

/* Refuses init parameters the simulator cannot run with; the thread's last error says why. */
static int check_init(const SimInit *in)
{
    if (in->n_batch < 1 || in->n_batch > 100) {
        sim_tls_error("extend_param.n_batch %d is outside 1..100", in->n_batch);
        return SIM_FAIL;
    }
    if (in->max_context_len < 2) {
        sim_tls_error("max_context_len %d is too small (need at least 2)", in->max_context_len);
        return SIM_FAIL;
    }
    if (!in->callback) {
        sim_tls_error("result callback is NULL");
        return SIM_FAIL;
    }
    return SIM_OK;
}

/* Copies the init parameters into a handle whose model is loaded (the context is capped by the model's). */
static void copy_init(SimHandle *h, const SimInit *in)
{
    h->max_ctx = in->max_context_len < (int)h->model.max_context ? in->max_context_len : (int)h->model.max_context;
    h->n_batch = in->n_batch;
    h->max_new_tokens = in->max_new_tokens;
    h->skip_special = in->skip_special;
    h->ignore_eos = in->ignore_eos;
    h->sampling = in->sampling;
    sim_sampling_normalize(&h->sampling);
    h->sample_seed = h->model.seed;
    h->callback = in->callback;
    h->init_userdata = in->userdata;
}

/* Builds a handle from neutral init parameters; on failure the thread's last error says why. */
int sim_handle_create(SimHandle **out, const SimInit *in)
{
    char err[SIM_ERR_LEN];
    *out = NULL;
    if (check_init(in) != SIM_OK) {
        return SIM_FAIL;
    }
    SimHandle *h = calloc(1, sizeof *h);
    if (!h) {
        sim_tls_error("out of memory for a handle");
        return SIM_FAIL;
    }
    if (sim_options_from_env(&h->opts, err) != SIM_OK || sim_model_load(&h->model, in->model_path, err) != SIM_OK) {
        sim_tls_error("%s", err);
        free(h);
        return SIM_FAIL;
    }
    if (init_sync(h) != SIM_OK) {
        sim_model_free(&h->model);
        free(h);
        sim_tls_error("cannot create the handle's lock");
        return SIM_FAIL;
    }
    copy_init(h, in);
    if (alloc_state(h) != SIM_OK || sim_set_template(h, DEFAULT_SYSTEM, DEFAULT_PREFIX, DEFAULT_POSTFIX, 1) != SIM_OK) {
        sim_tls_error("out of memory for a KV cache of %d positions x %u layers x %u", h->max_ctx,
                      h->model.n_layers, h->model.d_model);
        sim_handle_free(h);
        return SIM_FAIL;
    }
    *out = h;
    return SIM_OK;
}

void sim_handle_free(SimHandle *h)
{
    if (!h) {
        return;
    }
    sim_model_free(&h->model);
    sim_cache_release(&h->cache);
    void *bufs[] = {h->k_cache, h->v_cache, h->hist,   h->x,      h->xn,     h->q,          h->att,
                    h->tmp,     h->gate,    h->up,     h->rope_cs, h->scores, h->logits,    h->tpl_system,
                    h->tpl_prefix, h->tpl_postfix};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        free(bufs[i]);
    }
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

/* Marks the handle running (one run at a time); joins a finished async thread first. */
int sim_begin_run(SimHandle *h, int on_this_thread)
{
    pthread_mutex_lock(&h->mu);
    /* A run that has sent its last callback is over for the caller: wait out its return, not fail. */
    while (atomic_load(&h->running) && h->finishing && !h->destroying &&
           !(h->has_run_thread && pthread_equal(h->run_thread, pthread_self()))) {
        pthread_cond_wait(&h->cv, &h->mu);
    }
    if (atomic_load(&h->running) || h->destroying) {
        snprintf(h->err, sizeof h->err, "a run is already in progress on this handle");
        pthread_mutex_unlock(&h->mu);
        return SIM_FAIL;
    }
    if (h->async_joinable) {
        pthread_join(h->async_thread, NULL);
        h->async_joinable = 0;
    }
    atomic_store(&h->running, 1);
    atomic_store(&h->abort_flag, 0);
    h->has_run_thread = on_this_thread;
    if (on_this_thread) {
        h->run_thread = pthread_self();
    }
    pthread_mutex_unlock(&h->mu);
    return SIM_OK;
}

void sim_end_run(SimHandle *h)
{
    pthread_mutex_lock(&h->mu);
    atomic_store(&h->running, 0);
    h->has_run_thread = 0;
    h->finishing = 0;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void sim_mark_finishing(SimHandle *h)
{
    pthread_mutex_lock(&h->mu);
    h->finishing = 1;
    pthread_mutex_unlock(&h->mu);
}

void sim_request_free(SimRequest *rq)
{
    free(rq->role);
    free(rq->prompt);
    free(rq->token_ids);
    free(rq->cache_path);
    memset(rq, 0, sizeof *rq);
}
