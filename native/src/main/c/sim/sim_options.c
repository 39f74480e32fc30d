/* sim_options.c: fault-injection and board-timing options, from RKLLM_SIM_* variables or rkllm_sim_set_option. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Keys in the order the environment is read: board before the explicit rates it presets. */
static const char *const KEYS[] = {"crash_after_tokens", "crash_on",   "stall_after_tokens", "slow_ms_per_token",
                                   "board",              "prefill_tps", "decode_tps", "script",
                                   /* sim_storage.c's, after board (which presets them) */
                                   "kv_profile", "kv_bytes_per_token", "storage", "storage_read_mbps",
                                   "storage_write_mbps", "page_cache_mbps", "page_cache_mb", "cache_contract"};
#define N_KEYS (sizeof KEYS / sizeof KEYS[0])

static int parse_long(const char *key, const char *v, long *out, char *err)
{
    if (!v || !*v) {
        *out = 0;
        return SIM_OK;
    }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < 0) {
        snprintf(err, SIM_ERR_LEN, "option %s: \"%.40s\" is not a whole number >= 0", key, v);
        return SIM_FAIL;
    }
    *out = x;
    return SIM_OK;
}

static int parse_rate(const char *key, const char *v, double *out, char *err)
{
    if (!v || !*v) {
        *out = 0.0;
        return SIM_OK;
    }
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || *end || !(x >= 0.0) || x > 1e9) {
        snprintf(err, SIM_ERR_LEN, "option %s: \"%.40s\" is not a rate >= 0 (tokens per second)", key, v);
        return SIM_FAIL;
    }
    *out = x;
    return SIM_OK;
}

static int set_board(SimOptions *o, const char *v, char *err)
{
    if (!v || !*v || strcmp(v, "none") == 0) {
        o->prefill_tps = 0.0;
        o->decode_tps = 0.0;
    } else if (strcmp(v, "rk3588") == 0) {
        o->prefill_tps = 640.0; /* Qwen3-0.6B w8a8: 128-token prompt, TTFT 199 ms */
        o->decode_tps = 33.0;
    } else if (strcmp(v, "rk3576") == 0) {
        o->prefill_tps = 277.0; /* TTFT 462 ms */
        o->decode_tps = 17.2;
    } else {
        snprintf(err, SIM_ERR_LEN, "option board: \"%.40s\" is not rk3588, rk3576 or none", v);
        return SIM_FAIL;
    }
    sim_storage_board(&o->storage, o->prefill_tps > 0.0);
    return SIM_OK;
}

/* Copies a text option into its fixed buffer of cap bytes; a longer text is refused. */
static int set_text(const char *key, const char *value, char *to, size_t cap, char *err)
{
    size_t n = value ? strlen(value) : 0;
    if (n >= cap) {
        snprintf(err, SIM_ERR_LEN, "option %s: text longer than %zu bytes", key, cap - 1);
        return SIM_FAIL;
    }
    memcpy(to, value ? value : "", n + 1);
    return SIM_OK;
}

/* Sets one option by its lower-case key; an empty or NULL value switches it off. */
int sim_option_set(SimOptions *o, const char *key, const char *value, char *err)
{
    if (!key) {
        snprintf(err, SIM_ERR_LEN, "option key is NULL");
        return SIM_FAIL;
    }
    int storage = sim_storage_option(&o->storage, key, value, err);
    if (storage != 1) {
        return storage;
    }
    if (strcmp(key, "crash_after_tokens") == 0) {
        return parse_long(key, value, &o->crash_after_tokens, err);
    }
    if (strcmp(key, "stall_after_tokens") == 0) {
        return parse_long(key, value, &o->stall_after_tokens, err);
    }
    if (strcmp(key, "slow_ms_per_token") == 0) {
        return parse_long(key, value, &o->slow_ms_per_token, err);
    }
    if (strcmp(key, "prefill_tps") == 0) {
        return parse_rate(key, value, &o->prefill_tps, err);
    }
    if (strcmp(key, "decode_tps") == 0) {
        return parse_rate(key, value, &o->decode_tps, err);
    }
    if (strcmp(key, "board") == 0) {
        return set_board(o, value, err);
    }
    if (strcmp(key, "crash_on") == 0) {
        return set_text(key, value, o->crash_on, sizeof o->crash_on, err);
    }
    if (strcmp(key, "script") == 0) {
        return set_text(key, value, o->script, sizeof o->script, err);
    }
    snprintf(err, SIM_ERR_LEN,
             "unknown option \"%.16s\" (known: crash_after_tokens, crash_on, stall_after_tokens, slow_ms_per_token, "
             "board, prefill_tps, decode_tps, script, kv_profile, kv_bytes_per_token, storage, storage_*_mbps, "
             "page_cache_*, cache_contract)",
             key);
    return SIM_FAIL;
}

/* Reads RKLLM_SIM_<KEY> for every key; a malformed value fails rkllm_init rather than being ignored. */
int sim_options_from_env(SimOptions *o, char *err)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < N_KEYS; i++) {
        char name[64] = "RKLLM_SIM_";
        size_t at = strlen(name);
        for (const char *k = KEYS[i]; *k && at < sizeof name - 1; k++) {
            name[at++] = (char)(*k >= 'a' && *k <= 'z' ? *k - 'a' + 'A' : *k);
        }
        name[at] = '\0';
        const char *v = getenv(name);
        if (v && *v && sim_option_set(o, KEYS[i], v, err) != SIM_OK) {
            char detail[SIM_ERR_LEN];
            memcpy(detail, err, SIM_ERR_LEN);
            snprintf(err, SIM_ERR_LEN, "environment %s: %.190s", name, detail);
            return SIM_FAIL;
        }
    }
    return SIM_OK;
}
