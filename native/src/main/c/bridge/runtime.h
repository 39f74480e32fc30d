/* runtime.h: one dlopen'ed RKLLM runtime library and the functions the bridge takes from it. */
#ifndef NPUFLEET_RUNTIME_H
#define NPUFLEET_RUNTIME_H

#include "bridge.h"
#include "rkllm_abi.h"

#define NPF_ABI_V12X 122
#define NPF_ABI_V130 130

typedef struct {
    void *library; /* dlopen handle */
    char *path;
    int abi; /* NPF_ABI_V130 or NPF_ABI_V12X: which struct layouts the generation-dependent calls take */

    /* Generation-dependent: cast to the _v130 or _v12x function type by abi. */
    void *create_default_param;
    void *init;
    void *run;

    /* Required, the same in both generations. */
    rkllm_abort_fn abort;
    rkllm_destroy_fn destroy;
    rkllm_load_prompt_cache_fn load_prompt_cache;
    rkllm_release_prompt_cache_fn release_prompt_cache;
    rkllm_clear_kv_cache_fn clear_kv_cache;
    rkllm_set_chat_template_fn set_chat_template;

    /* Optional: NULL where the library lacks them (the vendor runtime has no sim_*; older ones may lack the KV size). */
    rkllm_get_kv_cache_size_fn get_kv_cache_size;
    rkllm_sim_abi_version_fn sim_abi_version;
    rkllm_sim_set_seed_fn sim_set_seed;
    rkllm_sim_set_option_fn sim_set_option;
    rkllm_sim_last_error_fn sim_last_error;
    rkllm_sim_prompt_tokens_fn sim_prompt_tokens;
} npf_runtime;

/*
 * Loads the library at path for ABI generation abi (122 or 130), resolves its functions and, where the
 * library can tell (the simulator), checks that it speaks that generation.
 * RUNTIME_NOT_FOUND, SYMBOL_MISSING, ABI_MISMATCH, INVALID_ARGUMENT, OUT_OF_MEMORY.
 */
npf_status npf_runtime_open(npf_runtime *rt, const char *path, int abi);
void npf_runtime_close(npf_runtime *rt);

/*
 * Records a failed runtime call as the thread's error: "<what> failed (returned <rc>): <reason>", the
 * reason from rkllm_sim_last_error where the runtime has it. Returns status.
 */
npf_status npf_runtime_fail(const npf_runtime *rt, LLMHandle llm, npf_status status, int rc, const char *what);

#endif /* NPUFLEET_RUNTIME_H */
