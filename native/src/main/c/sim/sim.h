/* sim.h: internal types and functions of the RKLLM simulator (one small real transformer per handle). */
#ifndef NPUFLEET_SIM_H
#define NPUFLEET_SIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "rkllm_abi.h"
#include "sim_storage.h"

#define SIM_API __attribute__((visibility("default")))

/* ---- Tokenizer: bytes 0..255 plus three specials ----------------------------------------- */
#define SIM_VOCAB 259
#define SIM_TOK_EOS 256      /* <|endoftext|> */
#define SIM_TOK_IM_START 257 /* <|im_start|> */
#define SIM_TOK_IM_END 258   /* <|im_end|>: end of turn, also a stop token */

#define SIM_ERR_LEN 256
#define SIM_PREFILL_CHUNK 32 /* positions per prefill batch; abort is checked between chunks */
#define SIM_PENALTY_WINDOW 64

/* ---- Status codes of internal functions ----------------------------------------------- */
enum { SIM_OK = 0, SIM_FAIL = -1 };

/* ---- Model file ------------------------------------------------------------------------ */
#define SIM_MODEL_MAGIC "NPFSIM01"
#define SIM_MODEL_VERSION 1u
#define SIM_MODEL_FILE_SIZE 76 /* magic 8, 7 x u32, u64 seed, name 32 */

typedef struct {
    float *attn_norm; /* [d] */
    float *wq, *wk, *wv, *wo; /* [d][d], row = output */
    float *mlp_norm;  /* [d] */
    float *w_gate, *w_up; /* [f][d] */
    float *w_down;    /* [d][f] */
} SimLayer;

typedef struct {
    uint32_t vocab, d_model, n_layers, n_heads, d_ff, max_context;
    uint32_t head_dim;
    uint64_t seed;
    uint64_t fingerprint; /* FNV-1a 64 of the whole model file */
    char name[33];
    float *arena;     /* every weight, one allocation */
    size_t arena_floats;
    float *embed;     /* [vocab][d], tied with the output projection */
    float *final_norm;
    float *rope_freq; /* [head_dim / 2] */
    float *bigram;    /* [128][128] the language prior, log P(next | prev) over ASCII */
    uint16_t *tri_row; /* [128][128] trigram row of the context (prev2, prev1); 0: back off to the bigram */
    float *trigram;   /* [rows][128] log P(next | prev2, prev1) */
    SimLayer *layers;
} SimModel;

/* ---- Options (environment defaults, per handle overrides) ---------------------------------- */
typedef struct {
    long crash_after_tokens; /* > 0: SIGKILL after that many generated tokens */
    char crash_on[128];      /* non-empty: SIGKILL at the start of a run whose input contains it */
    long stall_after_tokens; /* > 0: block after that many tokens until aborted */
    long slow_ms_per_token;
    double prefill_tps;      /* > 0: pace prefill to this rate */
    double decode_tps;       /* > 0: pace decode to this rate */
    char script[256];        /* non-empty: a file of prompt -> reply pairs (sim_script.c) */
    SimStorage storage;      /* prompt-cache size and I/O time on the board (sim_storage.c) */
} SimOptions;

/* ---- Sampling ------------------------------------------------------------------------------ */
typedef struct {
    int top_k;
    float top_p, temperature, repeat_penalty, frequency_penalty, presence_penalty;
} SimSampling;

typedef struct { uint64_t s[4]; } SimRng;

/* ---- Prompt cache held in memory ------------------------------------------------------- */
typedef struct {
    int n_tokens;
    int32_t *tokens;
    float *kv; /* per layer: K [n][d] then V [n][d] */
} SimPromptCache;

/* ---- One run's request, independent of the ABI generation ------------------------------- */
typedef struct {
    int input_type;
    char *role;          /* owned copy or NULL */
    char *prompt;        /* owned copy (PROMPT) */
    int32_t *token_ids;  /* owned copy (TOKEN) */
    size_t n_token_ids;
    int keep_history;
    int save_cache;
    char *cache_path;    /* owned copy or NULL */
    int has_sampling;
    SimSampling sampling;
    int max_new_tokens;  /* > 0 overrides the init value */
    int hidden_layer;    /* RKLLM_INFER_GET_LAST_HIDDEN_LAYER: the input's final hidden states, no generation */
    void *userdata;
} SimRequest;

/* ---- The handle ---------------------------------------------------------------------------- */
typedef struct SimHandle {
    SimModel model;
    int max_ctx;
    int n_batch;
    int max_new_tokens;
    int skip_special;
    int ignore_eos;
    SimSampling sampling;
    uint64_t sample_seed;
    LLMResultCallback callback;
    void *init_userdata;

    /* chat template (owned strings) */
    char *tpl_system, *tpl_prefix, *tpl_postfix;
    int tpl_is_default;

    /* KV state: k/v [layer][max_ctx][d] */
    float *k_cache, *v_cache;
    int32_t *hist;   /* token id at each KV position */
    int n_pos;
    int n_system;    /* leading positions that hold the system prompt */

    /* scratch for one prefill chunk (SIM_PREFILL_CHUNK rows) */
    float *x, *xn, *q, *att, *tmp, *gate, *up, *rope_cs, *scores, *logits;

    SimPromptCache cache; /* n_tokens == 0: none loaded */
    SimOptions opts;
    int last_prompt_tokens;

    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled on abort and at the end of a run (CLOCK_MONOTONIC) */
    atomic_int abort_flag;
    atomic_int running;
    int async_joinable;
    pthread_t async_thread;
    pthread_t run_thread; /* the thread running callbacks, when has_run_thread */
    int has_run_thread;
    int finishing;        /* the run has sent (or is sending) its last callback */
    int destroying;

    char err[SIM_ERR_LEN];
} SimHandle;

/* sim_util.c */
uint64_t sim_fnv1a(uint64_t h, const void *data, size_t n);
#define SIM_FNV_OFFSET 0xcbf29ce484222325ULL
void sim_rng_seed(SimRng *r, uint64_t seed);
uint64_t sim_rng_next(SimRng *r);
double sim_rng_uniform(SimRng *r); /* [0, 1) with 53 bits */
double sim_uniform_at(uint64_t seed, uint64_t pos); /* [0, 1), a function of both: sampling's draw at pos */
double sim_now_ms(void);
void sim_tls_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *sim_tls_error_get(void);
void sim_set_error(SimHandle *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sim_strdup(const char *s);

/* sim_model.c: errors go to the buffer err (SIM_ERR_LEN) */
int sim_model_load(SimModel *m, const char *path, char *err);
void sim_model_free(SimModel *m);
size_t sim_model_weight_bytes(const SimModel *m);

/* sim_prior.c */
int sim_prior_init(SimModel *m);
float sim_prior(const SimModel *m, const int32_t *hist, int n, int next);

/* sim_math.c */
float sim_dot(const float *a, const float *b, int n);
void sim_matmul(float *y, const float *x, const float *w, int rows, int n, int m);
void sim_forward(SimHandle *h, const int32_t *tokens, int n, int pos0, int want_logits);
void sim_final_hidden(const SimHandle *h, float *out, int n); /* the last forward's n rows, final-normed */

/* sim_token.c */
int sim_encode_text(const char *text, int32_t *out, int cap);
int sim_token_text(int token, char *buf); /* returns byte length; buf holds >= 16 bytes */
int sim_utf8_lead_len(unsigned b);        /* 1..4 for a valid start byte, 0 otherwise */
int sim_build_input(SimHandle *h, const SimRequest *rq, int32_t **out, int *n_out, int *n_sys);
int sim_input_contains(const SimRequest *rq, const char *needle);
int sim_script_reply(const char *path, const char *prompt, char **reply, char *err);

/* sim_sample.c */
typedef struct {
    int need;        /* continuation bytes still due for the current character */
    unsigned lo, hi; /* allowed range of the next continuation byte */
} SimUtf8;
void sim_utf8_push(SimUtf8 *u, unsigned byte);
int sim_sample(SimHandle *h, const SimSampling *s, uint64_t seed, const SimUtf8 *u, int budget);

/* sim_cache.c */
int sim_cache_save(SimHandle *h, const char *path);
int sim_cache_load(SimHandle *h, const char *path);
void sim_cache_release(SimPromptCache *c);
int sim_cache_match(const SimHandle *h, const int32_t *tokens, int n);
void sim_cache_apply(SimHandle *h, int n);

/* sim_options.c */
int sim_options_from_env(SimOptions *o, char *err);
int sim_option_set(SimOptions *o, const char *key, const char *value, char *err);

/* sim_run.c */
int sim_run(SimHandle *h, const SimRequest *rq);
int sim_wait_ms(SimHandle *h, double ms); /* sleeps unless aborted; returns 1 if aborted */

#endif /* NPUFLEET_SIM_H */
