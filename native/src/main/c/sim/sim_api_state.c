/* sim_api_state.c: exported functions about a handle's state: prompt cache, KV cache, template, sim extensions. */
#include <stdio.h>
#include <string.h>

#include "sim_handle.h"

/*
 * Functions that change state a run reads claim the handle like a run does, so they fail
 * cleanly ("a run is already in progress") instead of racing a running generation.
 */
SIM_API int rkllm_load_prompt_cache(LLMHandle handle, const char *prompt_cache_path)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (!prompt_cache_path) {
        sim_set_error(h, "prompt cache path is NULL");
        return -1;
    }
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    int rc = sim_cache_load(h, prompt_cache_path);
    sim_end_run(h);
    return rc == SIM_OK ? 0 : -1;
}

SIM_API int rkllm_release_prompt_cache(LLMHandle handle)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    sim_cache_release(&h->cache);
    sim_end_run(h);
    return 0;
}

/*
 * Drops KV positions from start_pos[0] to the end (later positions depend on the dropped ones, so
 * nothing after start survives); NULL arrays drop everything. keep_system_prompt keeps the system part.
 */
SIM_API int rkllm_clear_kv_cache(LLMHandle handle, int keep_system_prompt, int *start_pos, int *end_pos)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    int keep = 0, rc = 0;
    if (start_pos && end_pos) {
        if (start_pos[0] < 0 || (end_pos[0] != -1 && end_pos[0] < start_pos[0])) {
            sim_set_error(h, "clear_kv_cache range %d..%d is invalid", start_pos[0], end_pos[0]);
            rc = -1;
        }
        keep = start_pos[0];
    }
    if (rc == 0) {
        if (keep_system_prompt && keep < h->n_system) {
            keep = h->n_system;
        }
        if (keep < h->n_pos) {
            h->n_pos = keep;
        }
        if (h->n_system > h->n_pos) {
            h->n_system = h->n_pos;
        }
    }
    sim_end_run(h);
    return rc;
}

SIM_API int rkllm_get_kv_cache_size(LLMHandle handle, int *cache_sizes)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (!cache_sizes) {
        sim_set_error(h, "cache_sizes is NULL");
        return -1;
    }
    for (int i = 0; i < h->n_batch; i++) {
        cache_sizes[i] = 0;
    }
    cache_sizes[0] = h->n_pos; /* one sequence; a snapshot when called during a run */
    return 0;
}

/* NULL parts count as empty; empty parts are left out, so all three empty means the raw prompt. */
SIM_API int rkllm_set_chat_template(LLMHandle handle, const char *system_prompt, const char *prompt_prefix,
                                    const char *prompt_postfix)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    if (sim_begin_run(h, 1) != SIM_OK) {
        return -1;
    }
    int rc = sim_set_template(h, system_prompt, prompt_prefix, prompt_postfix, 0);
    if (rc != SIM_OK) {
        sim_set_error(h, "out of memory for the chat template");
    }
    sim_end_run(h);
    return rc == SIM_OK ? 0 : -1;
}

SIM_API int rkllm_sim_abi_version(void)
{
    return RKLLM_ABI_VERSION;
}

SIM_API int rkllm_sim_set_seed(LLMHandle handle, uint64_t seed)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    pthread_mutex_lock(&h->mu);
    h->sample_seed = seed;
    pthread_mutex_unlock(&h->mu);
    return 0;
}

/* Takes effect at the next run's start. */
SIM_API int rkllm_sim_set_option(LLMHandle handle, const char *key, const char *value)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    char err[SIM_ERR_LEN];
    pthread_mutex_lock(&h->mu);
    SimOptions o = h->opts;
    int rc = sim_option_set(&o, key, value, err);
    if (rc == SIM_OK) {
        h->opts = o;
    } else {
        memcpy(h->err, err, sizeof err);
    }
    pthread_mutex_unlock(&h->mu);
    return rc == SIM_OK ? 0 : -1;
}

/* The message of the handle's last failure, or (NULL handle) of this thread's last handle-less failure. */
SIM_API const char *rkllm_sim_last_error(LLMHandle handle)
{
    SimHandle *h = handle;
    return h ? h->err : sim_tls_error_get();
}

SIM_API int rkllm_sim_prompt_tokens(LLMHandle handle)
{
    SimHandle *h = handle;
    NEED_HANDLE(h);
    pthread_mutex_lock(&h->mu);
    int n = h->last_prompt_tokens;
    pthread_mutex_unlock(&h->mu);
    return n;
}
