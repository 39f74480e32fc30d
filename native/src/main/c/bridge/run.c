/* run.c: rkllm_run for either ABI generation, the runtime's callback into Java, and stopping a run. */
#include "dev_npufleet_nativebridge_RkllmBridge.h"

#include <stdlib.h>
#include <string.h>

#include "session.h"

typedef struct {
    const char *prompt; /* text input, or NULL for token input */
    int32_t *token_ids;
    size_t n_tokens;
    const char *role;
    int keep_history;
    int max_new_tokens;              /* 1.3.0 only; 0 = the init value */
    RKLLMSamplingParam *sampling;    /* 1.3.0 only; NULL = the init values */
    const char *save_prompt_cache;   /* NULL = don't save */
    int mode;                        /* RKLLMInferMode: GENERATE or GET_LAST_HIDDEN_LAYER */
} npf_run_args;

/* The session this thread is calling back for, if any: nativeStop from inside a sink must not call
 * rkllm_abort (it may wait for the very run whose callback is on the stack); returning PAUSE stops it. */
static __thread npf_session *in_callback;

#define NPF_FILL_INPUT(in, a)                                                                                      \
    do {                                                                                                           \
        memset(&(in), 0, sizeof(in));                                                                              \
        (in).role = (a)->role;                                                                                     \
        (in).enable_thinking = false;                                                                              \
        if ((a)->prompt != NULL) {                                                                                 \
            (in).input_type = RKLLM_INPUT_PROMPT;                                                                  \
            (in).prompt_input = (a)->prompt;                                                                       \
        } else {                                                                                                   \
            (in).input_type = RKLLM_INPUT_TOKEN;                                                                   \
            (in).token_input.input_ids = (a)->token_ids;                                                           \
            (in).token_input.n_tokens = (a)->n_tokens;                                                             \
        }                                                                                                          \
    } while (0)

static int runtime_run(npf_session *s, const npf_run_args *a)
{
    RKLLMPromptCacheParam cache = { a->save_prompt_cache != NULL, a->save_prompt_cache };
    RKLLMPromptCacheParam *cache_param = a->save_prompt_cache != NULL ? &cache : NULL;
    if (s->rt.abi == NPF_ABI_V130) {
        RKLLMInput_v130 in;
        NPF_FILL_INPUT(in, a);
        RKLLMInferParam_v130 p = { 0 };
        p.mode = a->mode;
        p.prompt_cache_params = cache_param;
        p.sampling_params = a->sampling;
        p.keep_history = a->keep_history;
        p.max_new_tokens = a->max_new_tokens;
        return ((rkllm_run_v130_fn)s->rt.run)(s->llm, &in, &p, s);
    }
    RKLLMInput_v12x in;
    NPF_FILL_INPUT(in, a);
    RKLLMInferParam_v12x p = { 0 };
    p.mode = a->mode;
    p.prompt_cache_params = cache_param;
    p.keep_history = a->keep_history;
    return ((rkllm_run_v12x_fn)s->rt.run)(s->llm, &in, &p, s);
}

/* After a call into Java: hands a pending exception to the RunCallback and stops calling Java. */
static int check_exception(JNIEnv *env, npf_run *run)
{
    if (!(*env)->ExceptionCheck(env)) {
        return 0;
    }
    jthrowable t = (*env)->ExceptionOccurred(env);
    (*env)->ExceptionClear(env);
    (*env)->CallVoidMethod(env, run->callback, npf_callback.on_failure, t);
    (*env)->ExceptionClear(env); /* nothing more can be done about a failure to record the failure */
    (*env)->DeleteLocalRef(env, t);
    atomic_store(&run->failed, 1);
    return 1;
}

/* A last hidden layer: handed to Java in place (a direct buffer over the runtime's memory, valid during the call). */
static int deliver_hidden(JNIEnv *env, npf_run *run, const RKLLMResultLastHiddenLayer *hidden)
{
    jlong bytes = (jlong)hidden->num_tokens * hidden->embd_size * (jlong)sizeof(float);
    jobject buffer = (*env)->NewDirectByteBuffer(env, (void *)hidden->hidden_states, bytes);
    if (buffer == NULL) {
        check_exception(env, run);
        return RKLLM_CALLBACK_PAUSE;
    }
    (*env)->CallVoidMethod(env, run->callback, npf_callback.on_hidden, buffer, (jint)hidden->embd_size,
                           (jint)hidden->num_tokens);
    (*env)->DeleteLocalRef(env, buffer);
    return check_exception(env, run) ? RKLLM_CALLBACK_PAUSE : RKLLM_CALLBACK_CONTINUE;
}

static int deliver(JNIEnv *env, npf_run *run, const RKLLMResult *result, LLMCallState state)
{
    const RKLLMResultLastHiddenLayer *hidden = &result->last_hidden_layer;
    if (state == RKLLM_RUN_NORMAL && hidden->hidden_states != NULL && hidden->num_tokens > 0
        && hidden->embd_size > 0) {
        return deliver_hidden(env, run, hidden);
    }
    if (state == RKLLM_RUN_FINISH) {
        const RKLLMPerfStat *perf = &result->perf;
        (*env)->CallVoidMethod(env, run->callback, npf_callback.on_finish, perf->prefill_time_ms,
                               perf->prefill_tokens, perf->generate_time_ms, perf->generate_tokens,
                               perf->memory_usage_mb);
        return check_exception(env, run) ? RKLLM_CALLBACK_PAUSE : RKLLM_CALLBACK_CONTINUE;
    }
    /* NORMAL and WAITING alike: consecutive raw bytes of the output, split anywhere; Java decodes. */
    jsize n = result->text != NULL ? (jsize)strlen(result->text) : 0;
    jbyteArray bytes = (*env)->NewByteArray(env, n);
    if (bytes == NULL) {
        check_exception(env, run);
        return RKLLM_CALLBACK_PAUSE;
    }
    (*env)->SetByteArrayRegion(env, bytes, 0, n, (const jbyte *)result->text);
    jint ret = (*env)->CallIntMethod(env, run->callback, npf_callback.on_token, bytes, (jint)result->token_id);
    (*env)->DeleteLocalRef(env, bytes);
    if (check_exception(env, run)) {
        return RKLLM_CALLBACK_PAUSE;
    }
    return ret == RKLLM_CALLBACK_CONTINUE ? RKLLM_CALLBACK_CONTINUE : RKLLM_CALLBACK_PAUSE;
}

int npf_on_result(RKLLMResult *result, void *userdata, LLMCallState state)
{
    npf_session *s = userdata;
    npf_run *run = s != NULL ? atomic_load(&s->run) : NULL;
    if (run == NULL) {
        return RKLLM_CALLBACK_PAUSE; /* a callback outside any run of ours */
    }
    if (state == RKLLM_RUN_ERROR) {
        atomic_store(&run->saw_error, 1);
        return RKLLM_CALLBACK_CONTINUE;
    }
    if (state != RKLLM_RUN_NORMAL && state != RKLLM_RUN_WAITING && state != RKLLM_RUN_FINISH) {
        return RKLLM_CALLBACK_CONTINUE;
    }
    int stopped = atomic_load(&run->stop) != NPF_STOP_NONE;
    if (atomic_load(&run->failed) || (stopped && state != RKLLM_RUN_FINISH)) {
        return RKLLM_CALLBACK_PAUSE;
    }
    int attached;
    JNIEnv *env = npf_env_get(&attached);
    if (env == NULL) {
        atomic_store(&run->attach_failed, 1);
        atomic_store(&run->failed, 1);
        return RKLLM_CALLBACK_PAUSE;
    }
    npf_session *outer = in_callback;
    in_callback = s;
    int ret = deliver(env, run, result, state);
    in_callback = outer;
    npf_env_release(attached);
    return atomic_load(&run->stop) != NPF_STOP_NONE ? RKLLM_CALLBACK_PAUSE : ret;
}

/* Publishes the run so nativeStop can reach it; BUSY if one is already published. */
static npf_status publish(npf_session *s, npf_run *run)
{
    pthread_mutex_lock(&s->lock);
    npf_status st = NPF_OK;
    if (atomic_load(&s->run) != NULL) {
        st = npf_fail(NPF_BUSY, "a run is already in progress on this handle");
    } else {
        atomic_store(&s->run, run);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

static void unpublish(npf_session *s)
{
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->run, NULL);
    pthread_mutex_unlock(&s->lock);
}

static npf_status execute(JNIEnv *env, npf_session *s, npf_run *run, const npf_run_args *a)
{
    npf_status st = publish(s, run);
    if (st != NPF_OK) {
        return st;
    }
    /* A stop asked for before the run was published reached only the Java side: honour it here. */
    if ((*env)->CallBooleanMethod(env, run->callback, npf_callback.is_stop_requested)) {
        atomic_store(&run->stop, NPF_STOP_ABORT);
    }
    check_exception(env, run);
    int rc = 0;
    if (atomic_load(&run->stop) == NPF_STOP_NONE && !atomic_load(&run->failed)) {
        rc = runtime_run(s, a);
    }
    unpublish(s);
    if (atomic_load(&run->attach_failed)) {
        return npf_fail(NPF_CALLBACK_FAILED, "cannot attach the runtime's callback thread to the JVM");
    }
    if (atomic_load(&run->failed)) {
        return npf_fail(NPF_CALLBACK_FAILED, "the token callback failed");
    }
    if (atomic_load(&run->saw_error) || (rc != 0 && atomic_load(&run->stop) == NPF_STOP_NONE)) {
        return npf_runtime_fail(&s->rt, s->llm, NPF_RUN_FAILED, rc, "rkllm_run");
    }
    return NPF_OK;
}

/* A Java int[] of token ids as a malloc'd copy (NULL for none); *st says why it failed. */
static int32_t *copy_token_ids(JNIEnv *env, jintArray token_ids, size_t *n, npf_status *st)
{
    *n = 0;
    if (token_ids == NULL) {
        return NULL;
    }
    *n = (size_t)(*env)->GetArrayLength(env, token_ids);
    int32_t *ids = malloc(*n * sizeof *ids);
    if (ids == NULL) {
        *st = npf_fail(NPF_OUT_OF_MEMORY, "cannot allocate %zu token ids", *n);
        return NULL;
    }
    (*env)->GetIntArrayRegion(env, token_ids, 0, (jsize)*n, (jint *)ids);
    return ids;
}

/* Runs with a global reference to the RunCallback for the runtime's threads, dropped afterwards. */
static npf_status execute_with_callback(JNIEnv *env, npf_session *s, const npf_run_args *a, jobject callback)
{
    npf_run run = { 0 };
    run.callback = (*env)->NewGlobalRef(env, callback);
    if (run.callback == NULL) {
        return npf_fail(NPF_OUT_OF_MEMORY, "cannot make a global reference to the callback");
    }
    npf_status st = execute(env, s, &run, a);
    (*env)->DeleteGlobalRef(env, run.callback);
    return st;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeRun(
    JNIEnv *env, jclass cls, jlong handle, jint mode, jbyteArray prompt, jintArray token_ids, jbyteArray role,
    jboolean keep_history, jint max_new_tokens, jboolean has_sampling, jint top_k, jfloat top_p, jfloat temperature,
    jfloat repeat_penalty, jfloat frequency_penalty, jfloat presence_penalty, jbyteArray save_prompt_cache,
    jobject callback)
{
    (void)cls;
    npf_session *s = npf_session_of(handle);
    RKLLMSamplingParam sampling = { top_k, top_p, temperature, repeat_penalty, frequency_penalty,
                                    presence_penalty, 0, 5.0f, 0.1f };
    npf_run_args a = { 0 };
    a.mode = mode == RKLLM_INFER_GET_LAST_HIDDEN_LAYER ? RKLLM_INFER_GET_LAST_HIDDEN_LAYER : RKLLM_INFER_GENERATE;
    a.keep_history = keep_history ? 1 : 0;
    a.max_new_tokens = max_new_tokens;
    a.sampling = has_sampling ? &sampling : NULL;
    npf_status st1, st2, st3, st = NPF_OK;
    char *prompt_c = npf_cstring(env, prompt, &st1);
    char *role_c = npf_cstring(env, role, &st2);
    char *cache_c = npf_cstring(env, save_prompt_cache, &st3);
    int32_t *ids = copy_token_ids(env, token_ids, &a.n_tokens, &st);
    st = st != NPF_OK ? st : st1 != NPF_OK ? st1 : st2 != NPF_OK ? st2 : st3;
    if (st == NPF_OK) {
        a.prompt = prompt_c;
        a.token_ids = ids;
        a.role = role_c;
        a.save_prompt_cache = cache_c;
        st = execute_with_callback(env, s, &a, callback);
    }
    free(prompt_c);
    free(role_c);
    free(cache_c);
    free(ids);
    return st;
}

JNIEXPORT jint JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeStop(JNIEnv *env, jclass cls, jlong handle,
                                                                             jboolean abort)
{
    (void)env;
    (void)cls;
    npf_session *s = npf_session_of(handle);
    pthread_mutex_lock(&s->lock);
    npf_run *run = atomic_load(&s->run);
    if (run != NULL) {
        int want = abort ? NPF_STOP_ABORT : NPF_STOP_PAUSE;
        if (atomic_load(&run->stop) < want) {
            atomic_store(&run->stop, want);
        }
        /* Under the lock, so the run is still ours. From inside its own callback the PAUSE return is enough. */
        if (abort && in_callback != s) {
            s->rt.abort(s->llm);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NPF_OK;
}
