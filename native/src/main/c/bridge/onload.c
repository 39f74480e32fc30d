/* onload.c: JNI_OnLoad (caches the callback class and method IDs), env attach, byte[] helpers. */
#include "dev_npufleet_nativebridge_RkllmBridge.h"

#include <stdlib.h>

#include "bridge.h"

#define NPF_JNI_VERSION JNI_VERSION_1_8

npf_callback_ids npf_callback;
static JavaVM *vm;
/* Held so the class (and so the cached method IDs) can never be unloaded. */
static jclass callback_class;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *jvm, void *reserved)
{
    (void)reserved;
    JNIEnv *env;
    if ((*jvm)->GetEnv(jvm, (void **)&env, NPF_JNI_VERSION) != JNI_OK) {
        return JNI_ERR;
    }
    jclass local = (*env)->FindClass(env, "dev/npufleet/nativebridge/RunCallback");
    if (local == NULL) {
        return JNI_ERR; /* NoClassDefFoundError pending */
    }
    callback_class = (*env)->NewGlobalRef(env, local);
    (*env)->DeleteLocalRef(env, local);
    if (callback_class == NULL) {
        return JNI_ERR;
    }
    npf_callback.on_token = (*env)->GetMethodID(env, callback_class, "onToken", "([BI)I");
    npf_callback.on_finish = (*env)->GetMethodID(env, callback_class, "onFinish", "(FIFIF)V");
    npf_callback.on_hidden = (*env)->GetMethodID(env, callback_class, "onHidden", "(Ljava/nio/ByteBuffer;II)V");
    npf_callback.on_failure = (*env)->GetMethodID(env, callback_class, "onFailure", "(Ljava/lang/Throwable;)V");
    npf_callback.is_stop_requested = (*env)->GetMethodID(env, callback_class, "isStopRequested", "()Z");
    if (npf_callback.on_token == NULL || npf_callback.on_finish == NULL || npf_callback.on_failure == NULL
        || npf_callback.is_stop_requested == NULL || npf_callback.on_hidden == NULL) {
        return JNI_ERR; /* NoSuchMethodError pending: Java and C disagree */
    }
    vm = jvm;
    return NPF_JNI_VERSION;
}

JNIEnv *npf_env_get(int *attached)
{
    JNIEnv *env = NULL;
    *attached = 0;
    jint rc = (*vm)->GetEnv(vm, (void **)&env, NPF_JNI_VERSION);
    if (rc == JNI_OK) {
        return env;
    }
    if (rc != JNI_EDETACHED) {
        return NULL;
    }
    /* A runtime thread: attach for this callback only (a daemon, so it never holds the JVM up). */
    JavaVMAttachArgs args = { NPF_JNI_VERSION, "rkllm-callback", NULL };
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, &args) != JNI_OK) {
        return NULL;
    }
    *attached = 1;
    return env;
}

void npf_env_release(int attached)
{
    if (attached) {
        (*vm)->DetachCurrentThread(vm);
    }
}

char *npf_cstring(JNIEnv *env, jbyteArray bytes, npf_status *status)
{
    *status = NPF_OK;
    if (bytes == NULL) {
        return NULL;
    }
    jsize n = (*env)->GetArrayLength(env, bytes);
    char *s = malloc((size_t)n + 1);
    if (s == NULL) {
        *status = npf_fail(NPF_OUT_OF_MEMORY, "cannot allocate %d bytes for a text argument", (int)n + 1);
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *)s);
    s[n] = '\0';
    return s;
}
