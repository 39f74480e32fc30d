/* runtime.c: dlopen of the configured RKLLM runtime, symbol resolution and the ABI generation check. */
#include "dev_npufleet_nativebridge_RkllmBridge.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

typedef struct {
    const char *name;
    size_t offset; /* of the function pointer in npf_runtime */
    int required;
} npf_symbol;

static const npf_symbol SYMBOLS[] = {
    { "rkllm_createDefaultParam", offsetof(npf_runtime, create_default_param), 1 },
    { "rkllm_init", offsetof(npf_runtime, init), 1 },
    { "rkllm_run", offsetof(npf_runtime, run), 1 },
    { "rkllm_abort", offsetof(npf_runtime, abort), 1 },
    { "rkllm_destroy", offsetof(npf_runtime, destroy), 1 },
    { "rkllm_load_prompt_cache", offsetof(npf_runtime, load_prompt_cache), 1 },
    { "rkllm_release_prompt_cache", offsetof(npf_runtime, release_prompt_cache), 1 },
    { "rkllm_clear_kv_cache", offsetof(npf_runtime, clear_kv_cache), 1 },
    { "rkllm_set_chat_template", offsetof(npf_runtime, set_chat_template), 1 },
    { "rkllm_get_kv_cache_size", offsetof(npf_runtime, get_kv_cache_size), 0 },
    { "rkllm_sim_abi_version", offsetof(npf_runtime, sim_abi_version), 0 },
    { "rkllm_sim_set_seed", offsetof(npf_runtime, sim_set_seed), 0 },
    { "rkllm_sim_set_option", offsetof(npf_runtime, sim_set_option), 0 },
    { "rkllm_sim_last_error", offsetof(npf_runtime, sim_last_error), 0 },
    { "rkllm_sim_prompt_tokens", offsetof(npf_runtime, sim_prompt_tokens), 0 },
};

static const char *abi_name(int abi)
{
    return abi >= NPF_ABI_V130 ? "1.3.0" : "1.2.x";
}

/* 1.2.1 to 1.2.3 are one generation: fold any 12x to 122. */
static int generation(int abi)
{
    return abi >= 120 && abi < 130 ? NPF_ABI_V12X : abi;
}

static npf_status check_abi(const npf_runtime *rt)
{
    if (rt->sim_abi_version == NULL) {
        return NPF_OK; /* the vendor runtime cannot be asked: the configuration must be right */
    }
    int reported = rt->sim_abi_version();
    if (generation(reported) != rt->abi) {
        return npf_fail(NPF_ABI_MISMATCH,
                        "the runtime %s speaks RKLLM ABI %s (reports %d) but the configuration says %s (%d)",
                        rt->path, abi_name(reported), reported, abi_name(rt->abi), rt->abi);
    }
    return NPF_OK;
}

npf_status npf_runtime_open(npf_runtime *rt, const char *path, int abi)
{
    memset(rt, 0, sizeof *rt);
    if (abi != NPF_ABI_V130 && abi != NPF_ABI_V12X) {
        return npf_fail(NPF_INVALID_ARGUMENT, "unknown RKLLM ABI generation %d (want 122 or 130)", abi);
    }
    rt->abi = abi;
    rt->path = strdup(path);
    if (rt->path == NULL) {
        return npf_fail(NPF_OUT_OF_MEMORY, "cannot copy the runtime path");
    }
    dlerror();
    rt->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (rt->library == NULL) {
        const char *why = dlerror();
        npf_status st = npf_fail(NPF_RUNTIME_NOT_FOUND, "cannot load the RKLLM runtime %s: %s", path,
                                 why != NULL ? why : "unknown dlopen error");
        npf_runtime_close(rt);
        return st;
    }
    for (size_t i = 0; i < sizeof SYMBOLS / sizeof SYMBOLS[0]; i++) {
        void *fn = dlsym(rt->library, SYMBOLS[i].name);
        if (fn == NULL && SYMBOLS[i].required) {
            npf_status st = npf_fail(NPF_SYMBOL_MISSING, "the RKLLM runtime %s does not export %s", path,
                                     SYMBOLS[i].name);
            npf_runtime_close(rt);
            return st;
        }
        /* POSIX guarantees a data pointer from dlsym can hold a function pointer. */
        memcpy((char *)rt + SYMBOLS[i].offset, &fn, sizeof fn);
    }
    npf_status st = check_abi(rt);
    if (st != NPF_OK) {
        npf_runtime_close(rt);
    }
    return st;
}

void npf_runtime_close(npf_runtime *rt)
{
    if (rt->library != NULL) {
        dlclose(rt->library);
    }
    free(rt->path);
    memset(rt, 0, sizeof *rt);
}

npf_status npf_runtime_fail(const npf_runtime *rt, LLMHandle llm, npf_status status, int rc, const char *what)
{
    const char *reason = rt->sim_last_error != NULL ? rt->sim_last_error(llm) : NULL;
    if (reason != NULL && reason[0] != '\0') {
        return npf_fail(status, "%s failed (returned %d): %s", what, rc, reason);
    }
    return npf_fail(status, "%s failed (returned %d); the runtime %s gives no reason (see its log output)", what,
                    rc, rt->path);
}
