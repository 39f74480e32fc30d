/* sim_cache.c: prompt cache files (tokens plus real K/V, checksummed) saved after prefill and loaded for reuse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "prompt cache files are little-endian; the simulator writes floats and ints as they are in memory"
#endif

#define KVC_MAGIC "NPFKVC01"
#define KVC_VERSION 1u
#define KVC_HEADER 40 /* magic 8, version 4, abi 4, fingerprint 8, n_layers 4, d_model 4, vocab 4, n_tokens 4 */

typedef struct {
    FILE *f;
    uint64_t sum;
    int ok;
} Writer;

static void put(Writer *w, const void *p, size_t n)
{
    if (!w->ok) {
        return;
    }
    w->sum = sim_fnv1a(w->sum, p, n);
    if (fwrite(p, 1, n, w->f) != n) {
        w->ok = 0;
    }
}

static void put32(Writer *w, uint32_t v)
{
    put(w, &v, 4);
}

/* Writes every KV position the handle holds; a temp file renamed into place, so never a half file. */
int sim_cache_save(SimHandle *h, const char *path)
{
    const SimModel *m = &h->model;
    size_t n = (size_t)h->n_pos, d = m->d_model, plane = (size_t)h->max_ctx * d;
    size_t real_len = KVC_HEADER + n * 4 + 2 * m->n_layers * n * d * sizeof(float) + 8;
    size_t board_len = sim_storage_board_bytes(&h->opts.storage, (int)n);
    double t0 = sim_now_ms();
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%p", path, (long)getpid(), (void *)h) >= (int)sizeof tmp) {
        sim_set_error(h, "prompt cache path is too long");
        return SIM_FAIL;
    }
    Writer w = {fopen(tmp, "wb"), SIM_FNV_OFFSET, 1};
    if (!w.f) {
        sim_set_error(h, "cannot create prompt cache %s: %s", tmp, strerror(errno));
        return SIM_FAIL;
    }
    put(&w, KVC_MAGIC, 8);
    put32(&w, KVC_VERSION);
    put32(&w, (uint32_t)RKLLM_ABI_VERSION);
    put(&w, &m->fingerprint, 8);
    put32(&w, m->n_layers);
    put32(&w, m->d_model);
    put32(&w, m->vocab);
    put32(&w, (uint32_t)n);
    put(&w, h->hist, n * sizeof(int32_t));
    for (size_t l = 0; l < m->n_layers; l++) {
        put(&w, h->k_cache + l * plane, n * d * sizeof(float));
        put(&w, h->v_cache + l * plane, n * d * sizeof(float));
    }
    uint64_t sum = w.sum;
    put(&w, &sum, 8);
    int ok = w.ok && sim_storage_pad(w.f, real_len, board_len) == SIM_OK && fflush(w.f) == 0 && fsync(fileno(w.f)) == 0;
    int saved_errno = errno;
    ok = fclose(w.f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        saved_errno = ok ? errno : saved_errno;
        unlink(tmp);
        sim_set_error(h, "cannot write prompt cache %s: %s", path, strerror(saved_errno));
        return SIM_FAIL;
    }
    sim_storage_charge(h, &h->opts.storage, path, board_len > real_len ? board_len : (board_len ? real_len : 0), 1, t0);
    return SIM_OK;
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int check_header(SimHandle *h, const unsigned char *b, const char *path, uint32_t *n_tokens)
{
    const SimModel *m = &h->model;
    uint64_t fp;
    memcpy(&fp, b + 16, 8);
    if (memcmp(b, KVC_MAGIC, 8) != 0) {
        sim_set_error(h, "%s is not a prompt cache (magic is not " KVC_MAGIC ")", path);
    } else if (get32(b + 8) != KVC_VERSION) {
        sim_set_error(h, "prompt cache %s has format version %u, expected %u", path, get32(b + 8), KVC_VERSION);
    } else if (get32(b + 12) != (uint32_t)RKLLM_ABI_VERSION) {
        sim_set_error(h, "prompt cache %s was written by ABI %u, this runtime is %d", path, get32(b + 12),
                      RKLLM_ABI_VERSION);
    } else if (fp != m->fingerprint) {
        sim_set_error(h, "prompt cache %s belongs to another model (fingerprint %016llx, loaded model %016llx)", path,
                      (unsigned long long)fp, (unsigned long long)m->fingerprint);
    } else if (get32(b + 24) != m->n_layers || get32(b + 28) != m->d_model || get32(b + 32) != m->vocab) {
        sim_set_error(h, "prompt cache %s has dims %u layers x %u x vocab %u, the model has %u x %u x %u", path,
                      get32(b + 24), get32(b + 28), get32(b + 32), m->n_layers, m->d_model, m->vocab);
    } else if (get32(b + 36) == 0 || get32(b + 36) > m->max_context) {
        sim_set_error(h, "prompt cache %s holds %u tokens, outside 1..%u", path, get32(b + 36), m->max_context);
    } else {
        *n_tokens = get32(b + 36);
        return SIM_OK;
    }
    return SIM_FAIL;
}

/* Reads n bytes into p, folding them into the running checksum. */
static int read_sum(FILE *f, void *p, size_t n, uint64_t *sum)
{
    if (fread(p, 1, n, f) != n) {
        return SIM_FAIL;
    }
    *sum = sim_fnv1a(*sum, p, n);
    return SIM_OK;
}

/* Reads the tokens and KV floats after a checked header, then checks the checksum and every token id. */
static int read_payload(SimHandle *h, const char *path, FILE *f, size_t kv_floats, uint64_t sum, SimPromptCache *c)
{
    uint64_t stored;
    if (read_sum(f, c->tokens, (size_t)c->n_tokens * 4, &sum) != SIM_OK ||
        read_sum(f, c->kv, kv_floats * 4, &sum) != SIM_OK || fread(&stored, 1, 8, f) != 8) {
        sim_set_error(h, "cannot read prompt cache %s", path);
        return SIM_FAIL;
    }
    if (sum != stored) {
        sim_set_error(h, "prompt cache %s is corrupt: checksum mismatch", path);
        return SIM_FAIL;
    }
    for (int i = 0; i < c->n_tokens; i++) {
        if (c->tokens[i] < 0 || c->tokens[i] >= SIM_VOCAB) {
            sim_set_error(h, "prompt cache %s holds token id %d outside the vocabulary", path, c->tokens[i]);
            return SIM_FAIL;
        }
    }
    return SIM_OK;
}

static int check_body(SimHandle *h, const char *path, FILE *f, size_t len, SimPromptCache *c)
{
    const SimModel *m = &h->model;
    unsigned char head[KVC_HEADER];
    uint32_t n;
    uint64_t sum = SIM_FNV_OFFSET;
    if (len < KVC_HEADER) {
        sim_set_error(h, "prompt cache %s is truncated: %zu bytes, shorter than its header", path, len);
        return SIM_FAIL;
    }
    if (read_sum(f, head, KVC_HEADER, &sum) != SIM_OK || check_header(h, head, path, &n) != SIM_OK) {
        if (ferror(f)) {
            sim_set_error(h, "cannot read prompt cache %s", path);
        }
        return SIM_FAIL;
    }
    size_t kv_floats = 2 * (size_t)m->n_layers * n * m->d_model;
    size_t want = KVC_HEADER + (size_t)n * 4 + kv_floats * 4 + 8;
    if (len != want) {
        sim_set_error(h, "prompt cache %s is %s: %zu bytes, expected %zu for %u tokens", path,
                      len < want ? "truncated" : "too long", len, want, n);
        return SIM_FAIL;
    }
    c->n_tokens = (int)n;
    c->tokens = malloc((size_t)n * 4);
    c->kv = malloc(kv_floats * 4);
    if (!c->tokens || !c->kv) {
        sim_set_error(h, "out of memory for a prompt cache of %u tokens", n);
        return SIM_FAIL;
    }
    return read_payload(h, path, f, kv_floats, sum, c);
}

/* Validates a whole cache file (header and size before reading the rest) before replacing the loaded one. */
int sim_cache_load(SimHandle *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        sim_set_error(h, "cannot open prompt cache %s: %s", path, f ? "not a regular file" : strerror(errno));
        if (f) {
            fclose(f);
        }
        return SIM_FAIL;
    }
    double t0 = sim_now_ms();
    SimPromptCache c = {0, NULL, NULL};
    int rc = check_body(h, path, f, sim_storage_real_len(f, (size_t)st.st_size), &c);
    fclose(f);
    if (rc != SIM_OK) {
        sim_cache_release(&c);
        return SIM_FAIL;
    }
    /* The board reads the whole file (its board size) into memory: from storage, or from RAM when recently used. */
    size_t charged = h->opts.storage.kv_bytes_per_token > 0.0 ? (size_t)st.st_size : 0;
    sim_storage_charge(h, &h->opts.storage, path, charged, 0, t0);
    sim_cache_release(&h->cache);
    h->cache = c;
    return SIM_OK;
}

void sim_cache_release(SimPromptCache *c)
{
    free(c->tokens);
    free(c->kv);
    c->tokens = NULL;
    c->kv = NULL;
    c->n_tokens = 0;
}

/* Longest prefix of tokens held by the loaded cache, leaving at least one token to compute. */
int sim_cache_match(const SimHandle *h, const int32_t *tokens, int n)
{
    int limit = h->cache.n_tokens < n - 1 ? h->cache.n_tokens : n - 1;
    int k = 0;
    while (k < limit && h->cache.tokens[k] == tokens[k]) {
        k++;
    }
    return k;
}

/* Copies the first k cached positions into the (empty) KV cache. */
void sim_cache_apply(SimHandle *h, int k)
{
    const SimModel *m = &h->model;
    size_t d = m->d_model, n = (size_t)h->cache.n_tokens, plane = (size_t)h->max_ctx * d;
    for (size_t l = 0; l < m->n_layers; l++) {
        const float *src = h->cache.kv + 2 * l * n * d;
        memcpy(h->k_cache + l * plane, src, (size_t)k * d * sizeof(float));
        memcpy(h->v_cache + l * plane, src + n * d, (size_t)k * d * sizeof(float));
    }
    memcpy(h->hist, h->cache.tokens, (size_t)k * sizeof(int32_t));
    h->n_pos = k;
}
