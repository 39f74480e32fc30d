/* session.c: open (dlopen + init) and destroy a runtime handle, and its calls other than run. */
#include "dev_npufleet_nativebridge_RkllmBridge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

typedef struct {
    int max_context_len, max_new_tokens, top_k, base_domain_id;
    float top_p, temperature, repeat_penalty, frequency_penalty, presence_penalty;
} npf_init_args;

/* Starts from rkllm_createDefaultParam (a zeroed struct fails) and overrides what the config sets. */
#define NPF_APPLY_INIT_ARGS(p, s, a)                                                                               \
    do {                                                                                                           \
        (p).model_path = (s)->model_path;                                                                          \
        (p).max_context_len = (a)->max_context_len;                                                                \
        (p).max_new_tokens = (a)->max_new_tokens;                                                                  \
        (p).top_k = (a)->top_k;                                                                                    \
        (p).top_p = (a)->top_p;                                                                                    \
        (p).temperature = (a)->temperature;                                                                        \
        (p).repeat_penalty = (a)->repeat_penalty;                                                                  \
        (p).frequency_penalty = (a)->frequency_penalty;                                                            \
        (p).presence_penalty = (a)->presence_penalty;                                                              \
        (p).is_async = false;                                                                                      \
        (p).extend_param.base_domain_id = (a)->base_domain_id;                                                     \
    } while (0)

static npf_status init_runtime(npf_session *s, const npf_init_args *a)
{
    int rc;
    if (s->rt.abi == NPF_ABI_V130) {
        RKLLMParam_v130 p = ((rkllm_createDefaultParam_v130_fn)s->rt.create_default_param)();
        NPF_APPLY_INIT_ARGS(p, s, a);
        s->callbacks.result_callback = npf_on_result;
        s->callbacks.result_userdata = s;
        rc = ((rkllm_init_v130_fn)s->rt.init)(&s->llm, &p, &s->callbacks);
    } else {
        RKLLMParam_v12x p = ((rkllm_createDefaultParam_v12x_fn)s->rt.create_default_param)();
        NPF_APPLY_INIT_ARGS(p, s, a);
        rc = ((rkllm_init_v12x_fn)s->rt.init)(&s->llm, &p, npf_on_result);
    }
    if (rc != 0) {
        npf_status st = npf_runtime_fail(&s->rt, NULL, NPF_INIT_FAILED, rc, "rkllm_init");
        s->llm = NULL;
        return st;
    }
    return NPF_OK;
}

static void free_session(npf_session *s)
{
    npf_runtime_close(&s->rt);
    free(s->model_path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeOpen(
    JNIEnv *env, jclass cls, jbyteArray runtime_library, jint abi, jbyteArray model_path, jint max_context_len,
    jint max_new_tokens, jint top_k, jfloat top_p, jfloat temperature, jfloat repeat_penalty,
    jfloat frequency_penalty, jfloat presence_penalty, jint base_domain_id, jlongArray handle_out)
{
    (void)cls;
    npf_session *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return npf_fail(NPF_OUT_OF_MEMORY, "cannot allocate a session");
    }
    pthread_mutex_init(&s->lock, NULL);
    atomic_init(&s->run, NULL);
    npf_status st;
    char *library = npf_cstring(env, runtime_library, &st);
    if (st == NPF_OK) {
        s->model_path = npf_cstring(env, model_path, &st);
    }
    if (st == NPF_OK) {
        st = npf_runtime_open(&s->rt, library, abi);
    }
    free(library);
    if (st == NPF_OK) {
        npf_init_args args = { max_context_len, max_new_tokens, top_k, base_domain_id, top_p, temperature,
                               repeat_penalty, frequency_penalty, presence_penalty };
        st = init_runtime(s, &args);
    }
    if (st != NPF_OK) {
        free_session(s);
        return st;
    }
    jlong handle = (jlong)(intptr_t)s;
    (*env)->SetLongArrayRegion(env, handle_out, 0, 1, &handle);
    return NPF_OK;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeDestroy(JNIEnv *env, jclass cls,
                                                                                jlong handle)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    int rc = s->rt.destroy(s->llm);
    npf_status st = rc == 0 ? NPF_OK : npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_destroy");
    free_session(s);
    return st;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeSetSeed(JNIEnv *env, jclass cls,
                                                                                jlong handle, jlong seed)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    if (s->rt.sim_set_seed == NULL) {
        return npf_fail(NPF_UNSUPPORTED, "the runtime %s takes no sampling seed", s->rt.path);
    }
    int rc = s->rt.sim_set_seed(s->llm, (uint64_t)seed);
    return rc == 0 ? NPF_OK : npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_sim_set_seed");
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativePromptTokens(JNIEnv *env, jclass cls,
                                                                                     jlong handle)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    if (s->rt.sim_prompt_tokens == NULL) {
        return -1;
    }
    int n = s->rt.sim_prompt_tokens(s->llm);
    return n < 0 ? -1 : n;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeLoadPromptCache(JNIEnv *env, jclass cls,
                                                                                        jlong handle,
                                                                                        jbyteArray path)
{
    (void)cls;
    npf_session *s = npf_session_of(handle);
    npf_status st;
    char *file = npf_cstring(env, path, &st);
    if (st != NPF_OK) {
        return st;
    }
    int rc = s->rt.load_prompt_cache(s->llm, file);
    if (rc != 0) {
        char what[512];
        snprintf(what, sizeof what, "rkllm_load_prompt_cache(%s)", file);
        st = npf_runtime_fail(&s->rt, s->llm, NPF_CACHE_LOAD_FAILED, rc, what);
    }
    free(file);
    return st;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeReleasePromptCache(JNIEnv *env, jclass cls,
                                                                                           jlong handle)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    int rc = s->rt.release_prompt_cache(s->llm);
    return rc == 0 ? NPF_OK
                   : npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_release_prompt_cache");
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeClearKvCache(JNIEnv *env, jclass cls,
                                                                                     jlong handle,
                                                                                     jboolean keep_system_prompt)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    int rc = s->rt.clear_kv_cache(s->llm, keep_system_prompt ? 1 : 0, NULL, NULL);
    return rc == 0 ? NPF_OK : npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_clear_kv_cache");
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeKvCacheSize(JNIEnv *env, jclass cls,
                                                                                    jlong handle, jintArray size_out)
{
    (void)cls;
    npf_session *s = npf_session_of(handle);
    if (s->rt.get_kv_cache_size == NULL) {
        return npf_fail(NPF_UNSUPPORTED, "the runtime %s has no rkllm_get_kv_cache_size", s->rt.path);
    }
    int sizes[128] = { 0 }; /* one entry per batch slot; n_batch is at most 100 */
    int rc = s->rt.get_kv_cache_size(s->llm, sizes);
    if (rc != 0) {
        return npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_get_kv_cache_size");
    }
    jint size = sizes[0];
    (*env)->SetIntArrayRegion(env, size_out, 0, 1, &size);
    return NPF_OK;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeSetChatTemplate(
    JNIEnv *env, jclass cls, jlong handle, jbyteArray system_prompt, jbyteArray prompt_prefix,
    jbyteArray prompt_postfix)
{
    (void)cls;
    npf_session *s = npf_session_of(handle);
    npf_status st1, st2, st3;
    char *system = npf_cstring(env, system_prompt, &st1);
    char *prefix = npf_cstring(env, prompt_prefix, &st2);
    char *postfix = npf_cstring(env, prompt_postfix, &st3);
    npf_status st = st1 != NPF_OK ? st1 : st2 != NPF_OK ? st2 : st3;
    if (st == NPF_OK) {
        int rc = s->rt.set_chat_template(s->llm, system, prefix, postfix);
        if (rc != 0) {
            st = npf_runtime_fail(&s->rt, s->llm, NPF_RUNTIME_CALL_FAILED, rc, "rkllm_set_chat_template");
        }
    }
    free(system);
    free(prefix);
    free(postfix);
    return st;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeSetSimulatorOption(JNIEnv *env, jclass cls,
                                                                                           jlong handle,
                                                                                           jbyteArray key,
                                                                                           jbyteArray value)
{
    (void)cls;
    npf_session *s = npf_session_of(handle);
    if (s->rt.sim_set_option == NULL) {
        return npf_fail(NPF_UNSUPPORTED, "the runtime %s has no simulator options", s->rt.path);
    }
    npf_status st1, st2;
    char *k = npf_cstring(env, key, &st1);
    char *v = npf_cstring(env, value, &st2);
    npf_status st = st1 != NPF_OK ? st1 : st2;
    if (st == NPF_OK) {
        int rc = s->rt.sim_set_option(s->llm, k, v);
        if (rc != 0) {
            char what[256];
            snprintf(what, sizeof what, "rkllm_sim_set_option(%s)", k);
            st = npf_runtime_fail(&s->rt, s->llm, NPF_INVALID_ARGUMENT, rc, what);
        }
    }
    free(k);
    free(v);
    return st;
}
