/* sim_check.c: main and harness of the simulator's check program (run by make check-sim, once per ABI). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int failures;
static const char *work_dir;
int check_under_valgrind;

void check_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL %s:%d: %s: ", file, line, expr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void collector_init(Collector *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
}

void collector_reset(Collector *c)
{
    pthread_mutex_lock(&c->mu);
    size_t keep = offsetof(Collector, text);
    memset((char *)c + keep, 0, offsetof(Collector, pause_at) - keep); /* pause_at, abort_at, handle stay */
    pthread_mutex_unlock(&c->mu);
}

void collector_destroy(Collector *c)
{
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
}

int check_callback(RKLLMResult *r, void *userdata, LLMCallState state)
{
    Collector *c = userdata;
    if (!c) {
        return 0;
    }
    int rc = 0, abort_now = 0;
    pthread_mutex_lock(&c->mu);
    if (c->n_finish || c->n_error) {
        c->after_end++;
    }
    if (state == RKLLM_RUN_NORMAL || state == RKLLM_RUN_WAITING) {
        size_t l = r->text ? strlen(r->text) : 0;
        if (r->token_id < 256 && (l != 1 || (unsigned char)r->text[0] != (unsigned)r->token_id)) {
            c->bad_text++;
        }
        if (c->len + l <= COLLECT_MAX_BYTES) {
            memcpy(c->text + c->len, r->text, l);
            c->len += l;
            c->text[c->len] = '\0';
        }
        if (c->n_tokens < COLLECT_MAX_TOKENS) {
            c->tokens[c->n_tokens] = r->token_id;
        }
        c->n_tokens++;
        if (state == RKLLM_RUN_WAITING) {
            c->n_waiting++;
        } else {
            c->n_normal++;
        }
        if (c->report_fd > 0 && write(c->report_fd, "t", 1) != 1) {
            c->report_fd = 0;
        }
        rc = c->pause_at && c->n_tokens == c->pause_at;
        abort_now = c->abort_at && c->n_tokens == c->abort_at;
    } else if (state == RKLLM_RUN_FINISH) {
        c->n_finish++;
        c->perf = r->perf;
    } else if (state == RKLLM_RUN_ERROR) {
        c->n_error++;
        snprintf(c->error, sizeof c->error, "%s", r->text ? r->text : "(null)");
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (abort_now) {
        rkllm_abort(c->handle);
    }
    return rc;
}

static int wait_until(Collector *c, int n, double timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(timeout_ms / 1000.0);
    ts.tv_nsec += (long)((timeout_ms - 1000.0 * (double)(time_t)(timeout_ms / 1000.0)) * 1e6);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->mu);
    int ok;
    while (!(ok = c->n_finish || c->n_error || (n > 0 && c->n_tokens >= n))) {
        if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) == ETIMEDOUT) {
            break;
        }
    }
    ok = c->n_finish || c->n_error || (n > 0 && c->n_tokens >= n);
    pthread_mutex_unlock(&c->mu);
    return ok;
}

int collector_wait_tokens(Collector *c, int n, double timeout_ms)
{
    return wait_until(c, n, timeout_ms);
}

int collector_wait_end(Collector *c, double timeout_ms)
{
    return wait_until(c, 0, timeout_ms);
}

int collector_same_tokens(const Collector *a, const Collector *b)
{
    return a->n_tokens == b->n_tokens &&
           memcmp(a->tokens, b->tokens, (size_t)(a->n_tokens < COLLECT_MAX_TOKENS ? a->n_tokens : COLLECT_MAX_TOKENS) *
                                            sizeof(int32_t)) == 0;
}

const char *work_file(const char *name)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", work_dir, name);
    return b;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

int write_model(const char *path, uint32_t d, uint32_t layers, uint32_t heads, uint32_t ff, uint32_t ctx,
                uint64_t seed)
{
    unsigned char b[76] = {0};
    memcpy(b, "NPFSIM01", 8);
    uint32_t v[7] = {1, 259, d, layers, heads, ff, ctx};
    for (int i = 0; i < 7; i++) {
        put32(b + 8 + 4 * i, v[i]);
    }
    put32(b + 36, (uint32_t)seed);
    put32(b + 40, (uint32_t)(seed >> 32));
    memcpy(b + 44, "check", 5);
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    size_t n = fwrite(b, 1, sizeof b, f);
    return fclose(f) == 0 && n == sizeof b ? 0 : -1;
}

HandleOpts default_opts(void)
{
    HandleOpts o = {2048, 48, 1, 0.8f, 1};
    return o;
}

LLMHandle open_handle(const char *model, const HandleOpts *o, void *init_userdata)
{
    RKLLMParam p = rkllm_createDefaultParam();
    p.model_path = model;
    p.max_context_len = o->max_ctx;
    p.max_new_tokens = o->max_new;
    p.top_k = o->top_k;
    p.temperature = o->temperature;
    p.extend_param.n_batch = (uint8_t)o->n_batch;
    LLMHandle h = NULL;
#if RKLLM_ABI_VERSION == 130
    RKLLMCallback cb = {check_callback, init_userdata, NULL, NULL, NULL, NULL};
    int rc = rkllm_init(&h, &p, &cb);
#else
    (void)init_userdata;
    int rc = rkllm_init(&h, &p, check_callback);
#endif
    CHECK(rc == 0 && h, "rkllm_init failed: %s", rkllm_sim_last_error(NULL));
    return rc == 0 ? h : NULL;
}

void init_infer(RKLLMInferParam *p, RKLLMPromptCacheParam *pc, int keep_history, const char *save_path)
{
    memset(p, 0, sizeof *p);
    memset(pc, 0, sizeof *pc);
    p->mode = RKLLM_INFER_GENERATE;
    p->keep_history = keep_history;
    if (save_path) {
        pc->save_prompt_cache = 1;
        pc->prompt_cache_path = save_path;
        p->prompt_cache_params = pc;
    }
}

int run_input(LLMHandle h, RKLLMInput *in, RKLLMInferParam *p, Collector *c)
{
    collector_reset(c);
    return rkllm_run(h, in, p, c);
}

int run_text(LLMHandle h, Collector *c, const char *prompt, int keep_history, const char *save_path)
{
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.role = "user";
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = prompt;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, keep_history, save_path);
    return run_input(h, &in, &p, c);
}

int run_tokens(LLMHandle h, Collector *c, const int32_t *ids, int n, int keep_history, const char *save_path)
{
    RKLLMInput in;
    memset(&in, 0, sizeof in);
    in.input_type = RKLLM_INPUT_TOKEN;
    in.token_input.input_ids = (int32_t *)ids;
    in.token_input.n_tokens = (size_t)n;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    init_infer(&p, &pc, keep_history, save_path);
    return run_input(h, &in, &p, c);
}

char *make_text(size_t n, unsigned seed)
{
    static const char *words[] = {"the", "board", "answers", "a", "question", "about", "rivers", "and", "bread",
                                  "while", "rain", "falls", "on", "quiet", "fields", "of", "summer", "light"};
    char *s = malloc(n + 1);
    size_t at = 0;
    unsigned x = seed * 2654435761u + 1;
    while (s && at < n) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % (sizeof words / sizeof words[0])];
        for (size_t i = 0; w[i] && at < n; i++) {
            s[at++] = w[i];
        }
        if (at < n) {
            s[at++] = ' ';
        }
    }
    if (s) {
        s[n] = '\0';
    }
    return s;
}

int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned b = p[i];
        int len = b < 0x80                  ? 1
                  : (b >= 0xC2 && b <= 0xDF) ? 2
                  : (b >= 0xE0 && b <= 0xEF) ? 3
                  : (b >= 0xF0 && b <= 0xF4) ? 4
                                             : 0;
        if (!len || i + (size_t)len > n) {
            return 0;
        }
        unsigned lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80, hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
        for (int k = 1; k < len; k++, lo = 0x80, hi = 0xBF) {
            if (p[i + k] < lo || p[i + k] > hi) {
                return 0;
            }
        }
        i += (size_t)len;
    }
    return 1;
}

int kv_size(LLMHandle h)
{
    int sizes[100] = {0};
    return rkllm_get_kv_cache_size(h, sizes) == 0 ? sizes[0] : -1;
}

int file_bytes(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc(n > 0 ? (size_t)n : 1);
    *len = *out && n >= 0 ? fread(*out, 1, (size_t)n, f) : 0;
    fclose(f);
    return *out && (long)*len == n ? 0 : -1;
}

int same_files(const char *a, const char *b)
{
    unsigned char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    int same = file_bytes(a, &x, &nx) == 0 && file_bytes(b, &y, &ny) == 0 && nx == ny && memcmp(x, y, nx) == 0;
    free(x);
    free(y);
    return same;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <work-dir>\n", argv[0]);
        return 2;
    }
    work_dir = argv[1];
    /* valgrind, or another CPU emulated (qemu-user): timing bounds scale, the slowest loops are skipped */
    check_under_valgrind = getenv("SIM_CHECK_UNDER_VALGRIND") != NULL || getenv("SIM_CHECK_EMULATED") != NULL;
    const char *tiny = work_file("tiny.npfsim");
    if (write_model(tiny, 32, 2, 2, 64, 2048, 0x5eed) != 0) {
        fprintf(stderr, "cannot write %s\n", tiny);
        return 2;
    }
    char model[1024];
    snprintf(model, sizeof model, "%s", tiny);
    printf("sim_check ABI %d\n", rkllm_sim_abi_version());
    CHECK(rkllm_sim_abi_version() == RKLLM_ABI_VERSION, "library ABI %d", rkllm_sim_abi_version());
    struct {
        const char *name;
        void (*fn)(const char *);
    } groups[] = {{"faults", check_faults}, {"errors", check_errors}, {"basic", check_basic},
                  {"cache", check_cache},   {"threads", check_threads}, {"script", check_script},
                  {"hidden", check_hidden}};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        int before = failures;
        double t0 = now_ms();
        groups[i].fn(model);
        printf("  %-8s %s (%.0f ms)\n", groups[i].name, failures == before ? "ok" : "FAILED", now_ms() - t0);
    }
    printf("sim_check ABI %d: %s\n", RKLLM_ABI_VERSION, failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
