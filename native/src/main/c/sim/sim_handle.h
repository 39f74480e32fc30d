/* sim_handle.h: handle lifecycle and run bookkeeping shared by the exported API of both ABI generations. */
#ifndef NPUFLEET_SIM_HANDLE_H
#define NPUFLEET_SIM_HANDLE_H

#include "sim.h"

/* In an exported function: a NULL handle fails with -1 and this thread's error (there is no handle to hold it). */
#define NEED_HANDLE(h)                                                                                                \
    do {                                                                                                              \
        if (!(h)) {                                                                                                   \
            sim_tls_error("%s: handle is NULL", __func__);                                                             \
            return -1;                                                                                                \
        }                                                                                                             \
    } while (0)

/* rkllm_init's parameters, independent of the ABI generation. */
typedef struct {
    const char *model_path;
    int max_context_len;
    int max_new_tokens;
    SimSampling sampling;
    int skip_special;
    int ignore_eos;
    int n_batch;
    LLMResultCallback callback;
    void *userdata;
} SimInit;

int sim_handle_create(SimHandle **out, const SimInit *in);
void sim_handle_free(SimHandle *h);
void sim_sampling_normalize(SimSampling *s);
int sim_set_template(SimHandle *h, const char *system, const char *prefix, const char *postfix, int is_default);
int sim_begin_run(SimHandle *h, int on_this_thread);
void sim_end_run(SimHandle *h);
void sim_mark_finishing(SimHandle *h);
void sim_request_free(SimRequest *rq);

#endif /* NPUFLEET_SIM_HANDLE_H */
