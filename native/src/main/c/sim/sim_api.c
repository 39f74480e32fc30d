/* sim_api.c: the exported rkllm_* functions of the simulator, for the ABI generation chosen at build time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_handle.h"

SIM_API RKLLMParam rkllm_createDefaultParam(void)
{
    RKLLMParam p;
    memset(&p, 0, sizeof p);
    p.max_context_len = 512;
    p.max_new_tokens = -1;
    p.top_k = 1;
    p.n_keep = -1;
    p.top_p = 0.9f;
    p.temperature = 0.8f;
    p.repeat_penalty = 1.1f;
    p.mirostat_tau = 5.0f;
    p.mirostat_eta = 0.1f;
    p.skip_special_token = true;
    p.extend_param.n_batch = 1;
#if RKLLM_ABI_VERSION == 122
    p.img_start = "";
    p.img_end = "";
    p.img_content = "";
#endif
    return p;
}

SIM_API int rkllm_init(LLMHandle *handle, RKLLMParam *param, RKLLM_INIT_CALLBACK_ARG)
{
    if (!handle) {
        sim_tls_error("rkllm_init: handle pointer is NULL");
        return -1;
    }
    *handle = NULL;
    if (!param || !param->model_path) {
        sim_tls_error("rkllm_init: %s is NULL", param ? "model_path" : "param");
        return -1;
    }
    SimInit in;
    memset(&in, 0, sizeof in);
    in.model_path = param->model_path;
    in.max_context_len = param->max_context_len;
    in.max_new_tokens = param->max_new_tokens;
    in.sampling = (SimSampling){param->top_k, param->top_p, param->temperature, param->repeat_penalty,
                                param->frequency_penalty, param->presence_penalty};
    in.skip_special = param->skip_special_token;
    in.n_batch = param->extend_param.n_batch;
#if RKLLM_ABI_VERSION == 130
    in.ignore_eos = param->ignore_eos_token;
    if (callback) {
        in.callback = callback->result_callback;
        in.userdata = callback->result_userdata;
    }
#else
    in.callback = callback;
#endif
    SimHandle *h;
    if (sim_handle_create(&h, &in) != SIM_OK) {
        return -1;
    }
    *handle = h;
    return 0;
}

static int bad_request(SimHandle *h, const char *msg)
{
    sim_set_error(h, "%s", msg);
    return SIM_FAIL;
}

/* Copies the prompt or token input, so an async run owns it. */
static int copy_input(SimHandle *h, const RKLLMInput *in, SimRequest *rq)
{
    rq->input_type = in->input_type;
    if (in->input_type == RKLLM_INPUT_PROMPT) {
        if (!in->prompt_input) {
            return bad_request(h, "prompt_input is NULL");
        }
        rq->prompt = sim_strdup(in->prompt_input);
        return rq->prompt ? SIM_OK : bad_request(h, "out of memory copying the prompt");
    }
    if (in->input_type == RKLLM_INPUT_TOKEN) {
        size_t n = in->token_input.n_tokens;
        if (!in->token_input.input_ids || n == 0 || n > ((size_t)1 << 24)) {
            return bad_request(h, "token input is NULL, empty or absurdly long");
        }
        rq->token_ids = malloc(n * sizeof(int32_t));
        if (!rq->token_ids) {
            return bad_request(h, "out of memory copying the token input");
        }
        memcpy(rq->token_ids, in->token_input.input_ids, n * sizeof(int32_t));
        rq->n_token_ids = n;
        return SIM_OK;
    }
    sim_set_error(h, "input type %s is not supported by the simulator (use PROMPT or TOKEN)",
                  in->input_type == RKLLM_INPUT_EMBED        ? "EMBED"
                  : in->input_type == RKLLM_INPUT_MULTIMODAL ? "MULTIMODAL"
                                                             : "unknown");
    return SIM_FAIL;
}

/* Copies the infer parameters a run reads: history, the cache to save, and (1.3.0) sampling. */
static int copy_params(SimHandle *h, const RKLLMInferParam *p, SimRequest *rq)
{
    rq->keep_history = p->keep_history != 0;
    if (p->prompt_cache_params && p->prompt_cache_params->save_prompt_cache) {
        const char *path = p->prompt_cache_params->prompt_cache_path;
        if (!path || !path[0]) {
            return bad_request(h, "save_prompt_cache is set but prompt_cache_path is NULL or empty");
        }
        rq->save_cache = 1;
        if (!(rq->cache_path = sim_strdup(path))) {
            return bad_request(h, "out of memory copying the prompt cache path");
        }
    }
#if RKLLM_ABI_VERSION == 130
    if (p->sampling_params) {
        const RKLLMSamplingParam *s = p->sampling_params;
        rq->has_sampling = 1;
        rq->sampling = (SimSampling){s->top_k, s->top_p, s->temperature, s->repeat_penalty, s->frequency_penalty,
                                     s->presence_penalty};
        sim_sampling_normalize(&rq->sampling);
    }
    rq->max_new_tokens = p->max_new_tokens;
#endif
    return SIM_OK;
}

/* Copies everything a run needs out of the caller's structs, so an async run owns its input. */
static int make_request(SimHandle *h, const RKLLMInput *in, const RKLLMInferParam *p, void *userdata, SimRequest *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->userdata = userdata;
    if (!in) {
        return bad_request(h, "input is NULL");
    }
    if (p && p->mode != RKLLM_INFER_GENERATE && p->mode != RKLLM_INFER_GET_LAST_HIDDEN_LAYER) {
        sim_set_error(h, "infer mode %d is not supported by the simulator (GENERATE 0, GET_LAST_HIDDEN_LAYER 1)",
                      p->mode);
        return SIM_FAIL;
    }
    rq->hidden_layer = p && p->mode == RKLLM_INFER_GET_LAST_HIDDEN_LAYER;
    if (p && p->lora_params && p->lora_params->lora_adapter_name && p->lora_params->lora_adapter_name[0]) {
        return bad_request(h, "LoRA adapters are not supported by the simulator");
    }
    if (copy_input(h, in, rq) != SIM_OK) {
        return SIM_FAIL;
    }
    if (in->role && !(rq->role = sim_strdup(in->role))) {
        return bad_request(h, "out of memory copying the role");
    }
    return p ? copy_params(h, p, rq) : SIM_OK;
}

/* A request refused before its run starts: ERROR to the callback, -1 to the caller. */
static int refuse(SimHandle *h, void *userdata)
{
    RKLLMResult res;
    memset(&res, 0, sizeof res);
    res.text = h->err;
    res.token_id = -1;
    sim_mark_finishing(h);
    h->callback(&res, userdata ? userdata : h->init_userdata, RKLLM_RUN_ERROR);
    return -1;
}

SIM_API int rkllm_run(LLMHandle handle, RKLLMInput *input, RKLLMInferParam *param, void *userdata)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    SimRequest rq;
    int rc = make_request(h, input, param, userdata, &rq) != SIM_OK ? refuse(h, userdata) : sim_run(h, &rq);
    sim_request_free(&rq);
    sim_end_run(h);
    return rc;
}

typedef struct {
    SimHandle *h;
    SimRequest rq;
} AsyncJob;

static void *async_main(void *arg)
{
    AsyncJob *job = arg;
    SimHandle *h = job->h;
    pthread_mutex_lock(&h->mu);
    h->run_thread = pthread_self();
    h->has_run_thread = 1;
    pthread_mutex_unlock(&h->mu);
    sim_run(h, &job->rq);
    sim_request_free(&job->rq);
    free(job);
    sim_end_run(h);
    return NULL;
}

SIM_API int rkllm_run_async(LLMHandle handle, RKLLMInput *input, RKLLMInferParam *param, void *userdata)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    AsyncJob *job = calloc(1, sizeof *job);
    int rc = -1;
    if (!job) {
        sim_set_error(h, "out of memory for an async run");
        rc = refuse(h, userdata);
    } else if (make_request(h, input, param, userdata, &job->rq) != SIM_OK) {
        rc = refuse(h, userdata);
    } else {
        job->h = h;
        pthread_mutex_lock(&h->mu);
        h->has_run_thread = 0;
        int err = pthread_create(&h->async_thread, NULL, async_main, job);
        h->async_joinable = err == 0;
        pthread_mutex_unlock(&h->mu);
        if (err == 0) {
            return 0;
        }
        sim_set_error(h, "cannot start the async run's thread");
        rc = refuse(h, userdata);
    }
    if (job) {
        sim_request_free(&job->rq);
    }
    free(job);
    sim_end_run(h);
    return rc;
}

SIM_API int rkllm_abort(LLMHandle handle)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    pthread_mutex_lock(&h->mu);
    if (atomic_load(&h->running)) {
        atomic_store(&h->abort_flag, 1);
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return 0;
}

SIM_API int rkllm_is_running(LLMHandle handle)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    return atomic_load(&h->running) ? 1 : 0;
}

SIM_API int rkllm_destroy(LLMHandle handle)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    pthread_mutex_lock(&h->mu);
    if (atomic_load(&h->running) && h->has_run_thread && pthread_equal(h->run_thread, pthread_self())) {
        snprintf(h->err, sizeof h->err, "rkllm_destroy called from the handle's own run (inside its callback)");
        pthread_mutex_unlock(&h->mu);
        return -1;
    }
    h->destroying = 1;
    atomic_store(&h->abort_flag, 1);
    pthread_cond_broadcast(&h->cv);
    while (atomic_load(&h->running)) {
        pthread_cond_wait(&h->cv, &h->mu);
    }
    int joinable = h->async_joinable;
    h->async_joinable = 0;
    pthread_mutex_unlock(&h->mu);
    if (joinable) {
        pthread_join(h->async_thread, NULL);
    }
    sim_handle_free(h);
    return 0;
}
