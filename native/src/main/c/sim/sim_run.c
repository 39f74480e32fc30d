/* sim_run.c: one simulator run: template, cache reuse, chunked prefill, generation, callbacks, faults, pacing. */
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_handle.h"

typedef struct {
    SimHandle *h;
    const SimRequest *rq;
    SimOptions opts;
    SimSampling sampling;
    uint64_t seed;
    void *userdata;
    int max_new;
    RKLLMPerfStat perf;
    char *script;      /* the scripted reply (sim_script.c), emitted byte by byte instead of sampling; or NULL */
    size_t script_at;
    float *hidden; /* GET_LAST_HIDDEN_LAYER: [n][d_model] of the input, else NULL */
} Run;

/* Sleeps up to ms (INFINITY: until aborted); returns 1 when the handle is (or becomes) aborted. */
int sim_wait_ms(SimHandle *h, double ms)
{
    pthread_mutex_lock(&h->mu);
    if (isinf(ms)) {
        while (!atomic_load(&h->abort_flag)) {
            pthread_cond_wait(&h->cv, &h->mu);
        }
    } else if (ms > 0.0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double ns = (double)ts.tv_nsec + ms * 1e6;
        ts.tv_sec += (time_t)(ns / 1e9);
        ts.tv_nsec = (long)fmod(ns, 1e9);
        while (!atomic_load(&h->abort_flag)) {
            if (pthread_cond_timedwait(&h->cv, &h->mu, &ts) != 0) {
                break;
            }
        }
    }
    int aborted = atomic_load(&h->abort_flag);
    pthread_mutex_unlock(&h->mu);
    return aborted;
}

static int aborted(const SimHandle *h)
{
    return atomic_load(&h->abort_flag);
}

static int emit(Run *r, const char *text, int token, LLMCallState state)
{
    RKLLMResult res;
    memset(&res, 0, sizeof res);
    res.text = text;
    res.token_id = token;
    if (state == RKLLM_RUN_FINISH) {
        res.perf = r->perf;
    }
    if (state == RKLLM_RUN_FINISH || state == RKLLM_RUN_ERROR) {
        sim_mark_finishing(r->h);
    }
    return r->h->callback(&res, r->userdata, state);
}

static int fail(Run *r)
{
    char msg[SIM_ERR_LEN];
    pthread_mutex_lock(&r->h->mu);
    memcpy(msg, r->h->err, sizeof msg);
    pthread_mutex_unlock(&r->h->mu);
    emit(r, msg, -1, RKLLM_RUN_ERROR);
    return SIM_FAIL;
}

static int check_fit(SimHandle *h, int n)
{
    if (h->n_pos + n < h->max_ctx) {
        return SIM_OK;
    }
    if (h->n_pos > 0) {
        sim_set_error(h, "history of %d tokens plus input of %d tokens does not fit max_context_len %d", h->n_pos, n,
                      h->max_ctx);
    } else if (n > h->max_ctx) {
        sim_set_error(h, "prompt has %d tokens, more than max_context_len %d", n, h->max_ctx);
    } else {
        sim_set_error(h, "prompt has %d tokens, which fills max_context_len %d and leaves no room to generate", n,
                      h->max_ctx);
    }
    return SIM_FAIL;
}

/* Computes ids[from..n) after the positions already held; returns 1 if aborted between chunks. */
static int prefill(Run *r, const int32_t *ids, int from, int n)
{
    SimHandle *h = r->h;
    double t0 = sim_now_ms();
    int stopped = 0;
    for (int i = from; i < n && !stopped; i += SIM_PREFILL_CHUNK) {
        if (aborted(h)) {
            stopped = 1;
            break;
        }
        int c = n - i < SIM_PREFILL_CHUNK ? n - i : SIM_PREFILL_CHUNK;
        sim_forward(h, ids + i, c, h->n_pos, i + c == n);
        if (r->hidden) {
            sim_final_hidden(h, r->hidden + (size_t)i * h->model.d_model, c);
        }
        memcpy(h->hist + h->n_pos, ids + i, (size_t)c * sizeof(int32_t));
        h->n_pos += c;
        r->perf.prefill_tokens += c;
        if (r->opts.prefill_tps > 0.0) {
            double due = t0 + r->perf.prefill_tokens * 1000.0 / r->opts.prefill_tps;
            stopped = sim_wait_ms(h, due - sim_now_ms());
        }
    }
    r->perf.prefill_time_ms = (float)(sim_now_ms() - t0);
    return stopped;
}

/* Feeds an emitted token back so the next one can be sampled (and the history stays whole). */
static void feed(SimHandle *h, int token)
{
    int32_t t = token;
    sim_forward(h, &t, 1, h->n_pos, 1);
    h->hist[h->n_pos++] = t;
}

/* Waits as the options ask after the gen-th token of a run that started decoding at t0; nonzero: stop. */
static int pace(Run *r, int gen, double t0)
{
    SimHandle *h = r->h;
    if (r->opts.decode_tps > 0.0 && sim_wait_ms(h, t0 + gen * 1000.0 / r->opts.decode_tps - sim_now_ms())) {
        return 1;
    }
    if (r->opts.slow_ms_per_token > 0 && sim_wait_ms(h, (double)r->opts.slow_ms_per_token)) {
        return 1;
    }
    if (r->opts.stall_after_tokens > 0 && gen >= r->opts.stall_after_tokens) {
        sim_wait_ms(h, INFINITY);
        return 1;
    }
    return 0;
}

static void generate(Run *r)
{
    SimHandle *h = r->h;
    SimUtf8 u = {0, 0x80, 0xBF};
    double t0 = sim_now_ms();
    int gen = 0;
    while (!aborted(h) && h->n_pos < h->max_ctx && (r->max_new <= 0 || gen < r->max_new)) {
        int left = h->max_ctx - h->n_pos;
        int budget = r->max_new > 0 && r->max_new - gen < left ? r->max_new - gen : left;
        int tok = !r->script ? sim_sample(h, &r->sampling, r->seed, &u, budget)
                  : r->script[r->script_at] ? (unsigned char)r->script[r->script_at++] : SIM_TOK_IM_END;
        char text[16];
        sim_token_text(tok, text);
        if (tok >= 256) {
            if (!h->skip_special) {
                emit(r, text, tok, RKLLM_RUN_NORMAL);
            }
            feed(h, tok);
            break;
        }
        sim_utf8_push(&u, (unsigned)tok);
        int rc = emit(r, text, tok, u.need > 0 ? RKLLM_RUN_WAITING : RKLLM_RUN_NORMAL);
        gen++;
        r->perf.generate_tokens = gen;
        if (r->opts.crash_after_tokens > 0 && gen >= r->opts.crash_after_tokens) {
            raise(SIGKILL);
        }
        feed(h, tok);
        if (rc == RKLLM_CALLBACK_PAUSE) {
            break;
        }
        if (pace(r, gen, t0)) {
            break;
        }
    }
    r->perf.generate_time_ms = (float)(sim_now_ms() - t0);
}

static void finish(Run *r)
{
    const SimHandle *h = r->h;
    const SimModel *m = &h->model;
    double kv = 2.0 * m->n_layers * (double)h->max_ctx * m->d_model * sizeof(float);
    double cache = h->cache.n_tokens * (4.0 + 2.0 * m->n_layers * m->d_model * sizeof(float));
    r->perf.memory_usage_mb = (float)(((double)sim_model_weight_bytes(m) + kv + cache) / 1048576.0);
    emit(r, "", -1, RKLLM_RUN_FINISH);
}

/* GET_LAST_HIDDEN_LAYER: prefills the whole input (no cache reuse: every token's state is wanted), hands its
 * final hidden states to one NORMAL callback, then FINISH; nothing is generated. */
static int run_hidden(Run *r, const int32_t *ids, int n)
{
    SimHandle *h = r->h;
    if (check_fit(h, n) != SIM_OK) {
        return fail(r);
    }
    r->hidden = malloc((size_t)n * h->model.d_model * sizeof(float));
    if (!r->hidden) {
        sim_set_error(h, "out of memory for %d hidden states", n);
        return fail(r);
    }
    if (!prefill(r, ids, 0, n)) {
        RKLLMResult res;
        memset(&res, 0, sizeof res);
        res.text = "";
        res.token_id = -1;
        res.last_hidden_layer.hidden_states = r->hidden;
        res.last_hidden_layer.embd_size = (int)h->model.d_model;
        res.last_hidden_layer.num_tokens = n;
        h->callback(&res, r->userdata, RKLLM_RUN_NORMAL);
    }
    finish(r);
    free(r->hidden);
    r->hidden = NULL;
    return SIM_OK;
}

static int run_input(Run *r, const int32_t *ids, int n, int n_sys)
{
    if (r->rq->hidden_layer) {
        return run_hidden(r, ids, n);
    }
    SimHandle *h = r->h;
    /* cache_contract=append: the loaded cache is the start of the context and the whole input follows it. */
    int append = h->n_pos == 0 && h->cache.n_tokens > 0 && r->opts.storage.append;
    if (check_fit(h, n + (append ? h->cache.n_tokens : 0)) != SIM_OK) {
        return fail(r);
    }
    int reuse = 0;
    if (append) {
        sim_cache_apply(h, h->cache.n_tokens);
    } else if (h->n_pos == 0 && h->cache.n_tokens > 0 && !r->opts.storage.ignore) {
        reuse = sim_cache_match(h, ids, n);
        sim_cache_apply(h, reuse);
    }
    if (prefill(r, ids, reuse, n)) {
        finish(r);
        return SIM_OK;
    }
    if (n_sys > 0) {
        h->n_system = n_sys;
    }
    if (r->rq->save_cache) {
        if (!r->rq->cache_path || !r->rq->cache_path[0]) {
            sim_set_error(h, "save_prompt_cache is set but prompt_cache_path is NULL or empty");
            return fail(r);
        }
        if (sim_cache_save(h, r->rq->cache_path) != SIM_OK) {
            return fail(r);
        }
    }
    generate(r);
    finish(r);
    return SIM_OK;
}

/* A run of rq: the options and seed as they are now, the request's sampling and limits over the handle's. */
static void init_run(Run *r, SimHandle *h, const SimRequest *rq)
{
    memset(r, 0, sizeof *r);
    r->h = h;
    r->rq = rq;
    pthread_mutex_lock(&h->mu);
    r->opts = h->opts;
    r->seed = h->sample_seed;
    pthread_mutex_unlock(&h->mu);
    r->sampling = rq->has_sampling ? rq->sampling : h->sampling;
    r->max_new = rq->max_new_tokens > 0 ? rq->max_new_tokens : h->max_new_tokens;
    r->userdata = rq->userdata ? rq->userdata : h->init_userdata;
}

/* Runs one request on the calling thread; the caller has marked the handle running. */
int sim_run(SimHandle *h, const SimRequest *rq)
{
    Run r;
    init_run(&r, h, rq);
    if (r.opts.crash_on[0] && sim_input_contains(rq, r.opts.crash_on)) {
        raise(SIGKILL);
    }
    if (!rq->keep_history) {
        h->n_pos = 0;
        h->n_system = 0;
    }
    int32_t *ids;
    int n, n_sys, rc;
    char err[SIM_ERR_LEN];
    if (r.opts.script[0] && rq->input_type == RKLLM_INPUT_PROMPT && rq->prompt &&
        sim_script_reply(r.opts.script, rq->prompt, &r.script, err) != SIM_OK) {
        sim_set_error(h, "%s", err);
        rc = fail(&r);
    } else if (sim_build_input(h, rq, &ids, &n, &n_sys) != SIM_OK) {
        rc = fail(&r);
    } else {
        pthread_mutex_lock(&h->mu);
        h->last_prompt_tokens = n;
        pthread_mutex_unlock(&h->mu);
        rc = run_input(&r, ids, n, n_sys);
        free(ids);
    }
    if (!rq->keep_history) {
        h->n_pos = 0;
        h->n_system = 0;
    }
    free(r.script);
    return rc;
}
