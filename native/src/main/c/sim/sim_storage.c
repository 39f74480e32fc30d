/* sim_storage.c: the board's prompt-cache cost: file size from the real model's KV shape, storage and page-cache rates. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/*
 * Qwen3-0.6B keeps K and V for 28 layers x 8 KV heads x 128 dims in fp16:
 * 28 * 8 * 128 * 2 (K, V) * 2 bytes = 114,688 bytes per token (docs/CACHE-COST.md).
 */
#define QWEN3_06B_KV_BYTES 114688.0

/* Assumed rates, MB/s (docs/CACHE-COST.md says where they come from); each is an option. */
#define EMMC_READ 250.0
#define EMMC_WRITE 100.0
#define NVME_READ 1200.0
#define NVME_WRITE 800.0
#define PAGE_CACHE_READ 4000.0
#define PAGE_CACHE_MB 2048.0

#define PAD_MAGIC "NPFKVPAD"
#define PAD_TRAILER 16
#define RECENT_MAX 64

static int parse_positive(const char *key, const char *v, double *out, char *err)
{
    if (!v || !*v) {
        *out = 0.0;
        return SIM_OK;
    }
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || *end || !(x >= 0.0) || x > 1e12) {
        snprintf(err, SIM_ERR_LEN, "option %s: \"%.40s\" is not a number >= 0", key, v);
        return SIM_FAIL;
    }
    *out = x;
    return SIM_OK;
}

static int set_storage(SimStorage *s, const char *v, char *err)
{
    if (!v || !*v || strcmp(v, "none") == 0) {
        s->read_mbps = s->write_mbps = s->page_cache_mbps = s->page_cache_mb = 0.0;
        return SIM_OK;
    }
    if (strcmp(v, "emmc") != 0 && strcmp(v, "nvme") != 0) {
        snprintf(err, SIM_ERR_LEN, "option storage: \"%.40s\" is not emmc, nvme or none", v);
        return SIM_FAIL;
    }
    int emmc = strcmp(v, "emmc") == 0;
    s->read_mbps = emmc ? EMMC_READ : NVME_READ;
    s->write_mbps = emmc ? EMMC_WRITE : NVME_WRITE;
    s->page_cache_mbps = PAGE_CACHE_READ;
    s->page_cache_mb = PAGE_CACHE_MB;
    return SIM_OK;
}

static int set_profile(SimStorage *s, const char *v, char *err)
{
    if (!v || !*v || strcmp(v, "none") == 0) {
        s->kv_bytes_per_token = 0.0;
    } else if (strcmp(v, "qwen3-0.6b") == 0) {
        s->kv_bytes_per_token = QWEN3_06B_KV_BYTES;
    } else {
        snprintf(err, SIM_ERR_LEN, "option kv_profile: \"%.40s\" is not qwen3-0.6b or none", v);
        return SIM_FAIL;
    }
    return SIM_OK;
}

int sim_storage_option(SimStorage *s, const char *key, const char *value, char *err)
{
    if (strcmp(key, "kv_profile") == 0) {
        return set_profile(s, value, err);
    }
    if (strcmp(key, "storage") == 0) {
        return set_storage(s, value, err);
    }
    if (strcmp(key, "cache_contract") == 0) {
        if (value && *value && strcmp(value, "prefix") != 0 && strcmp(value, "append") != 0 &&
            strcmp(value, "ignore") != 0) {
            snprintf(err, SIM_ERR_LEN, "option cache_contract: \"%.40s\" is not prefix, append or ignore", value);
            return SIM_FAIL;
        }
        s->append = value && strcmp(value, "append") == 0;
        s->ignore = value && strcmp(value, "ignore") == 0;
        return SIM_OK;
    }
    if (strcmp(key, "kv_bytes_per_token") == 0) {
        return parse_positive(key, value, &s->kv_bytes_per_token, err);
    }
    if (strcmp(key, "storage_read_mbps") == 0) {
        return parse_positive(key, value, &s->read_mbps, err);
    }
    if (strcmp(key, "storage_write_mbps") == 0) {
        return parse_positive(key, value, &s->write_mbps, err);
    }
    if (strcmp(key, "page_cache_mbps") == 0) {
        return parse_positive(key, value, &s->page_cache_mbps, err);
    }
    if (strcmp(key, "page_cache_mb") == 0) {
        return parse_positive(key, value, &s->page_cache_mb, err);
    }
    return 1;
}

void sim_storage_board(SimStorage *s, int on)
{
    char ignored[SIM_ERR_LEN];
    set_profile(s, on ? "qwen3-0.6b" : "none", ignored);
    set_storage(s, on ? "emmc" : "none", ignored);
}

size_t sim_storage_board_bytes(const SimStorage *s, int n_tokens)
{
    return s->kv_bytes_per_token > 0.0 ? (size_t)(s->kv_bytes_per_token * n_tokens) : 0;
}

int sim_storage_pad(FILE *f, size_t real_len, size_t board_len)
{
    if (board_len < real_len + PAD_TRAILER) {
        return SIM_OK; /* the simulator's own file is already as large: nothing to pad */
    }
    uint64_t real = real_len;
    if (fseeko(f, (off_t)(board_len - PAD_TRAILER), SEEK_SET) != 0 || fwrite(PAD_MAGIC, 1, 8, f) != 8 ||
        fwrite(&real, 1, 8, f) != 8) {
        return SIM_FAIL;
    }
    return SIM_OK;
}

size_t sim_storage_real_len(FILE *f, size_t len)
{
    unsigned char t[PAD_TRAILER];
    uint64_t real;
    if (len < PAD_TRAILER || fseeko(f, (off_t)(len - PAD_TRAILER), SEEK_SET) != 0 || fread(t, 1, PAD_TRAILER, f) != PAD_TRAILER) {
        rewind(f);
        return len;
    }
    rewind(f);
    memcpy(&real, t + 8, 8);
    return memcmp(t, PAD_MAGIC, 8) == 0 && real <= len - PAD_TRAILER ? (size_t)real : len;
}

/* ---- The page cache: which cache files this process wrote or read lately (LRU within page_cache_mb). ---- */
typedef struct {
    uint64_t key;
    size_t bytes;
    double used_ms;
} Recent;

static pthread_mutex_t recent_mu = PTHREAD_MUTEX_INITIALIZER;
static Recent recent[RECENT_MAX];

/* Returns whether path (of bytes) was resident, then marks it used now and evicts the oldest beyond budget. */
static int touch(const char *path, size_t bytes, double budget_bytes)
{
    uint64_t key = sim_fnv1a(SIM_FNV_OFFSET, path, strlen(path));
    double now = sim_now_ms(), total = 0.0;
    int hit = 0, slot = 0;
    pthread_mutex_lock(&recent_mu);
    for (int i = 0; i < RECENT_MAX; i++) {
        if (recent[i].key == key) {
            hit = recent[i].bytes == bytes;
            slot = i;
            break;
        }
        if (recent[i].used_ms < recent[slot].used_ms) {
            slot = i; /* the least recently used (or an empty) slot */
        }
    }
    recent[slot] = (Recent){key, bytes, now};
    if ((double)bytes > budget_bytes) {
        recent[slot] = (Recent){0, 0, 0.0}; /* larger than the page cache: never resident */
    }
    for (;;) {
        int oldest = -1;
        total = 0.0;
        for (int i = 0; i < RECENT_MAX; i++) {
            if (recent[i].key == 0) {
                continue;
            }
            total += (double)recent[i].bytes;
            if (oldest < 0 || recent[i].used_ms < recent[oldest].used_ms) {
                oldest = i;
            }
        }
        if (total <= budget_bytes || oldest == slot || oldest < 0) {
            break;
        }
        recent[oldest] = (Recent){0, 0, 0.0};
    }
    pthread_mutex_unlock(&recent_mu);
    return hit;
}

void sim_storage_charge(struct SimHandle *h, const SimStorage *s, const char *path, size_t bytes, int write,
                        double t0_ms)
{
    if (bytes == 0) {
        return;
    }
    int resident = touch(path, bytes, s->page_cache_mb * 1e6);
    double rate = write ? s->write_mbps : (resident && s->page_cache_mbps > 0.0 ? s->page_cache_mbps : s->read_mbps);
    if (rate > 0.0) {
        sim_wait_ms(h, t0_ms + (double)bytes / (rate * 1e3) - sim_now_ms());
    }
}
