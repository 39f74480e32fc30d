/* check.h: the simulator check program's harness (assertions, a collecting callback, model files, run helpers). */
#ifndef NPUFLEET_SIM_CHECK_H
#define NPUFLEET_SIM_CHECK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rkllm_abi.h"

#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                              \
        if (!(cond)) {                                                                                                \
            check_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                                       \
        }                                                                                                             \
    } while (0)

void check_fail(const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
extern int check_under_valgrind; /* scale timing bounds, skip the slowest loops */

#define COLLECT_MAX_TOKENS 8192
#define COLLECT_MAX_BYTES 65536

/* Everything one run sent to its callback; the callback may pause or abort at a given token. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char text[COLLECT_MAX_BYTES + 1];
    size_t len;
    int32_t tokens[COLLECT_MAX_TOKENS];
    int n_tokens, n_normal, n_waiting, n_finish, n_error, bad_text, after_end;
    RKLLMPerfStat perf;
    char error[256];
    int pause_at;      /* return 1 (pause) at this token */
    int abort_at;      /* call rkllm_abort from inside the callback at this token */
    LLMHandle handle;  /* for abort_at */
    int report_fd;     /* > 0: one byte written here per token (a forked child tells its parent) */
} Collector;

void collector_init(Collector *c);
void collector_reset(Collector *c);
void collector_destroy(Collector *c);
int collector_wait_tokens(Collector *c, int n, double timeout_ms); /* 1 when n tokens or an end arrived */
int collector_wait_end(Collector *c, double timeout_ms);           /* 1 when FINISH or ERROR arrived */
int collector_same_tokens(const Collector *a, const Collector *b);
int check_callback(RKLLMResult *result, void *userdata, LLMCallState state);

typedef struct {
    int max_ctx;
    int max_new;
    int top_k;
    float temperature;
    int n_batch;
} HandleOpts;

HandleOpts default_opts(void); /* greedy, 2048 context, 48 new tokens */
LLMHandle open_handle(const char *model, const HandleOpts *o, void *init_userdata);
int write_model(const char *path, uint32_t d, uint32_t layers, uint32_t heads, uint32_t ff, uint32_t ctx,
                uint64_t seed);
const char *work_file(const char *name); /* a path under the work folder (rotating static buffers) */

int run_text(LLMHandle h, Collector *c, const char *prompt, int keep_history, const char *save_path);
int run_tokens(LLMHandle h, Collector *c, const int32_t *ids, int n, int keep_history, const char *save_path);
int run_input(LLMHandle h, RKLLMInput *in, RKLLMInferParam *p, Collector *c);
void init_infer(RKLLMInferParam *p, RKLLMPromptCacheParam *pc, int keep_history, const char *save_path);

char *make_text(size_t n, unsigned seed); /* n bytes of plain ASCII words, deterministic; free() it */
int utf8_valid(const char *s, size_t n);
int kv_size(LLMHandle h);
double now_ms(void);
int file_bytes(const char *path, unsigned char **out, size_t *len);
int same_files(const char *a, const char *b);

void check_errors(const char *tiny);
void check_basic(const char *tiny);
void check_cache(const char *tiny);
void check_threads(const char *tiny);
void check_script(const char *tiny);
void check_faults(const char *tiny);
void check_hidden(const char *tiny);

#endif /* NPUFLEET_SIM_CHECK_H */
