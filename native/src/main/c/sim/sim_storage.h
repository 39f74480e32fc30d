/* sim_storage.h: what a prompt cache file costs on a board: its size there and the time to write and read it. */
#ifndef NPUFLEET_SIM_STORAGE_H
#define NPUFLEET_SIM_STORAGE_H

#include <stddef.h>
#include <stdio.h>

/* All zero: no cost model (files keep the simulator's own size, save and load take what they take). */
typedef struct {
    double kv_bytes_per_token; /* the board model's K+V bytes per cached token; 0: off */
    double read_mbps;          /* storage read, MB/s (10^6 bytes) */
    double write_mbps;         /* storage write incl. fsync, MB/s */
    double page_cache_mbps;    /* a read of a recently used file, served from RAM, MB/s */
    double page_cache_mb;      /* RAM the page cache may hold cache files in, MB */
    int append;                /* cache_contract=append: a loaded cache is state the input is appended to */
    int ignore;                /* cache_contract=ignore: a loaded cache is accepted and never used (rknn-llm #399) */
} SimStorage;

struct SimHandle;

/* Options: kv_profile, kv_bytes_per_token, storage, storage_read_mbps, storage_write_mbps, page_cache_mbps,
 * page_cache_mb, cache_contract (prefix: the input's matching prefix is reused, as today; append; ignore). Returns SIM_OK, SIM_FAIL (err set) or 1 when key is not a storage option. */
int sim_storage_option(SimStorage *s, const char *key, const char *value, char *err);
/* board=rk3588/rk3576: the Qwen3-0.6B profile on eMMC; board=none: off. */
void sim_storage_board(SimStorage *s, int on);

/* The file's size on the board for n cached tokens (0 when the model is off). */
size_t sim_storage_board_bytes(const SimStorage *s, int n_tokens);
/* Pads an open cache file of real_len bytes to board_len (a sparse hole, then a trailer naming real_len). */
int sim_storage_pad(FILE *f, size_t real_len, size_t board_len);
/* The real length of a cache file of len bytes (len itself when it carries no padding trailer). */
size_t sim_storage_real_len(FILE *f, size_t len);
/* Sleeps what writing (or reading) bytes of path costs the board since t0_ms; records path as recently used. */
void sim_storage_charge(struct SimHandle *h, const SimStorage *s, const char *path, size_t bytes, int write,
                        double t0_ms);

#endif /* NPUFLEET_SIM_STORAGE_H */
