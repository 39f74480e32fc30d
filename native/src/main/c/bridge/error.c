/* error.c: the per-thread message of the last failure, handed to Java by nativeLastError. */
#include "dev_npufleet_nativebridge_RkllmBridge.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"

/* Per thread: Java reads it right after the failing call, on the same thread, so calls never mix. */
static __thread char last_error[1024];

npf_status npf_fail(npf_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, args);
    va_end(args);
    return status;
}

JNIEXPORT jbyteArray JNICALL Java_dev_npufleet_nativebridge_RkllmBridge_nativeLastError(JNIEnv *env, jclass cls)
{
    (void)cls;
    jsize n = (jsize)strlen(last_error);
    jbyteArray bytes = (*env)->NewByteArray(env, n);
    if (bytes != NULL) {
        (*env)->SetByteArrayRegion(env, bytes, 0, n, (const jbyte *)last_error);
    }
    return bytes; /* NULL with OutOfMemoryError pending */
}
