/* bridge.h: what the bridge's C files share: the status enum, per-thread error messages, the JNI cache. */
#ifndef NPUFLEET_BRIDGE_H
#define NPUFLEET_BRIDGE_H

#include <jni.h>

#include "dev_npufleet_nativebridge_NativeStatus_Code.h"

/*
 * Every failure the bridge reports. The numbers come from NativeStatus.Code's @Native constants
 * (javac -h), so this enum and the Java enum NativeStatus cannot disagree.
 */
#define NPF_CODE(name) ((int)dev_npufleet_nativebridge_NativeStatus_Code_##name)
typedef enum {
    NPF_OK = NPF_CODE(OK),
    NPF_RUNTIME_NOT_FOUND = NPF_CODE(RUNTIME_NOT_FOUND),
    NPF_SYMBOL_MISSING = NPF_CODE(SYMBOL_MISSING),
    NPF_ABI_MISMATCH = NPF_CODE(ABI_MISMATCH),
    NPF_INIT_FAILED = NPF_CODE(INIT_FAILED),
    NPF_RUN_FAILED = NPF_CODE(RUN_FAILED),
    NPF_INVALID_ARGUMENT = NPF_CODE(INVALID_ARGUMENT),
    NPF_CLOSED = NPF_CODE(CLOSED),
    NPF_BUSY = NPF_CODE(BUSY),
    NPF_OUT_OF_MEMORY = NPF_CODE(OUT_OF_MEMORY),
    NPF_CACHE_LOAD_FAILED = NPF_CODE(CACHE_LOAD_FAILED),
    NPF_CALLBACK_FAILED = NPF_CODE(CALLBACK_FAILED),
    NPF_UNSUPPORTED = NPF_CODE(UNSUPPORTED),
    NPF_RUNTIME_CALL_FAILED = NPF_CODE(RUNTIME_CALL_FAILED)
} npf_status;

/* Records the message for a failure on the calling thread (read by nativeLastError) and returns status. */
npf_status npf_fail(npf_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Method IDs of dev.npufleet.nativebridge.RunCallback, cached by JNI_OnLoad. */
typedef struct {
    jmethodID on_token;          /* int onToken(byte[], int) */
    jmethodID on_finish;         /* void onFinish(float, int, float, int, float) */
    jmethodID on_hidden;         /* void onHidden(ByteBuffer, int, int): a last hidden layer, in place */
    jmethodID on_failure;        /* void onFailure(Throwable) */
    jmethodID is_stop_requested; /* boolean isStopRequested() */
} npf_callback_ids;

extern npf_callback_ids npf_callback;

/*
 * The JNIEnv of the calling thread, attaching it (as a daemon) when it is not a Java thread.
 * *attached tells whether npf_env_release must detach it again. Returns NULL on failure.
 */
JNIEnv *npf_env_get(int *attached);
void npf_env_release(int attached);

/* A NUL-terminated malloc'd copy of a byte[]; NULL for a NULL array (*status OK) or on failure. */
char *npf_cstring(JNIEnv *env, jbyteArray bytes, npf_status *status);

#endif /* NPUFLEET_BRIDGE_H */
