/* session.h: one runtime handle (what a Java RkllmSession's long handle points to) and its run. */
#ifndef NPUFLEET_SESSION_H
#define NPUFLEET_SESSION_H

#include <pthread.h>
#include <stdatomic.h>

#include "runtime.h"

enum { NPF_STOP_NONE = 0, NPF_STOP_PAUSE = 1, NPF_STOP_ABORT = 2 };

/* The run in progress on a session; lives on nativeRun's stack. */
typedef struct {
    jobject callback;   /* global ref to the RunCallback: the runtime may call back on another thread */
    atomic_int stop;    /* NPF_STOP_*: set by nativeStop, read by the runtime's callback thread */
    atomic_int failed;  /* the Java side failed: call it no more */
    atomic_int attach_failed;
    atomic_int saw_error; /* the runtime reported the ERROR state */
} npf_run;

typedef struct {
    npf_runtime rt;
    LLMHandle llm;
    char *model_path;             /* kept: the runtime may keep pointers into its init parameters */
    RKLLMCallback_v130 callbacks; /* 1.3.0: kept for the same reason */
    /*
     * Orders nativeStop against a run's start and end. Java lets one call at a time into a session
     * (its usage count), but stop may come from any thread at any time.
     */
    pthread_mutex_t lock;
    _Atomic(npf_run *) run; /* NULL when idle */
} npf_session;

/* The callback registered with rkllm_init (1.3.0: in RKLLMCallback); userdata is the npf_session. */
int npf_on_result(RKLLMResult *result, void *userdata, LLMCallState state);

static inline npf_session *npf_session_of(jlong handle)
{
    return (npf_session *)(intptr_t)handle;
}

#endif /* NPUFLEET_SESSION_H */
