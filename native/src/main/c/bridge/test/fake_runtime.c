/* fake_runtime.c: a test-only RKLLM 1.3.0 runtime that calls back from its own thread and has no sim_* extensions. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rkllm_abi.h"

/*
 * Like the vendor runtime as far as the bridge can tell: no version query, no seed, no options, no
 * last-error text, no KV size. rkllm_run hands the work to a thread of its own and waits for it, so
 * every callback arrives on a thread the JVM has never seen. The output is fixed: OUTPUT, one byte per
 * token (token id = byte), WAITING while a UTF-8 character is incomplete.
 */
#define API __attribute__((visibility("default")))

static const char OUTPUT[] = "h\xC3\xA9llo \xF0\x9F\x98\x80 \xE4\xB8\xAD!"; /* "héllo 😀 中!" */

typedef struct {
    LLMResultCallback callback;
    void *userdata;
    atomic_int abort_flag;
    int max_new_tokens;
} Fake;

typedef struct {
    Fake *f;
    void *userdata;
    int prompt_tokens;
} Job;

API RKLLMParam rkllm_createDefaultParam(void)
{
    RKLLMParam p;
    memset(&p, 0, sizeof p);
    p.max_context_len = 512;
    p.max_new_tokens = -1;
    p.top_k = 1;
    p.extend_param.n_batch = 1;
    return p;
}

API int rkllm_init(LLMHandle *handle, RKLLMParam *param, RKLLMCallback *callback)
{
    FILE *model = fopen(param->model_path, "rb");
    if (model == NULL || callback == NULL || callback->result_callback == NULL) {
        if (model != NULL)
            fclose(model);
        return -1;
    }
    fclose(model);
    Fake *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->callback = callback->result_callback;
    f->userdata = callback->result_userdata;
    f->max_new_tokens = param->max_new_tokens;
    *handle = f;
    return 0;
}

static void *generate(void *arg)
{
    Job *job = arg;
    RKLLMResult r;
    memset(&r, 0, sizeof r);
    int n = 0, need = 0;
    for (const char *p = OUTPUT; *p && !atomic_load(&job->f->abort_flag); p++) {
        unsigned char b = (unsigned char)*p;
        need = need > 0 ? need - 1 : b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
        char text[2] = { (char)b, '\0' };
        r.text = text;
        r.token_id = b;
        n++;
        if (job->f->callback(&r, job->userdata, need > 0 ? RKLLM_RUN_WAITING : RKLLM_RUN_NORMAL) == RKLLM_CALLBACK_PAUSE)
            break;
    }
    memset(&r, 0, sizeof r);
    r.text = "";
    r.token_id = -1;
    r.perf.prefill_tokens = job->prompt_tokens;
    r.perf.prefill_time_ms = 1.0f;
    r.perf.generate_tokens = n;
    r.perf.generate_time_ms = 2.0f;
    r.perf.memory_usage_mb = 3.0f;
    job->f->callback(&r, job->userdata, RKLLM_RUN_FINISH);
    return NULL;
}

API int rkllm_run(LLMHandle handle, RKLLMInput *input, RKLLMInferParam *param, void *userdata)
{
    (void)param;
    Fake *f = handle;
    atomic_store(&f->abort_flag, 0);
    Job job = { f, userdata != NULL ? userdata : f->userdata,
                input->input_type == RKLLM_INPUT_PROMPT ? (int)strlen(input->prompt_input)
                                                         : (int)input->token_input.n_tokens };
    pthread_t thread;
    if (pthread_create(&thread, NULL, generate, &job) != 0)
        return -1;
    pthread_join(thread, NULL);
    return 0;
}

API int rkllm_abort(LLMHandle handle)
{
    atomic_store(&((Fake *)handle)->abort_flag, 1);
    return 0;
}

API int rkllm_destroy(LLMHandle handle)
{
    free(handle);
    return 0;
}

API int rkllm_load_prompt_cache(LLMHandle handle, const char *path)
{
    (void)handle;
    (void)path;
    return -1; /* like a runtime that refuses without saying why */
}

API int rkllm_release_prompt_cache(LLMHandle handle)
{
    (void)handle;
    return 0;
}

API int rkllm_clear_kv_cache(LLMHandle handle, int keep_system_prompt, int *start_pos, int *end_pos)
{
    (void)handle;
    (void)keep_system_prompt;
    (void)start_pos;
    (void)end_pos;
    return 0;
}

API int rkllm_set_chat_template(LLMHandle handle, const char *system_prompt, const char *prompt_prefix,
                                const char *prompt_postfix)
{
    (void)handle;
    (void)system_prompt;
    (void)prompt_prefix;
    (void)prompt_postfix;
    return 0;
}

/*
 * Version text as vendor builds carry it (docs/RKLLM-ABI.md). FAKE_RT_VARIANT builds the test's other
 * libraries: 1 carries none (evidence missing), 2 carries two generations' (ambiguous).
 */
#ifndef FAKE_RT_VARIANT
#define FAKE_RT_VARIANT 0
#endif
#if FAKE_RT_VARIANT == 0
__attribute__((used)) static const char VERSION_TEXT[] = "rkllm-runtime version: 1.3.0 (npufleet fake runtime)";
#elif FAKE_RT_VARIANT == 2
__attribute__((used)) static const char VERSION_TEXT[] = "rkllm-runtime version: 1.3.0 (npufleet fake runtime)";
__attribute__((used)) static const char OTHER_VERSION_TEXT[] = "rkllm-runtime version: 1.2.2 (left over)";
#endif

/* Present from RKLLM 1.2 on (absent from 1.1.x); the fake does nothing with the tools. */
API int rkllm_set_function_tools(LLMHandle handle, const char *system_prompt, const char *tools,
                                 const char *tool_response_str)
{
    (void)handle;
    (void)system_prompt;
    (void)tools;
    (void)tool_response_str;
    return 0;
}
