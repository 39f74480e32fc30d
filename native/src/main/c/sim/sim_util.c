/* sim_util.c: hashing, the deterministic RNG, clocks and error messages of the RKLLM simulator. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

/* Failures without a handle (rkllm_init, NULL handles) are kept per thread. */
static __thread char tls_err[SIM_ERR_LEN];

uint64_t sim_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sim_rng_seed(SimRng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&x);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
uint64_t sim_rng_next(SimRng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double sim_rng_uniform(SimRng *r)
{
    return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

/* A function of (seed, pos) alone, not a stream: a run continued from its own delivered text (prefilled up to pos)
 * draws what the uninterrupted run drew at pos. Two splitmix64 rounds: the first spreads the seed, the second mixes
 * in the position, so neighbouring seeds and positions give unrelated draws. */
double sim_uniform_at(uint64_t seed, uint64_t pos)
{
    uint64_t x = seed;
    uint64_t z = splitmix64(&x) ^ (pos * 0xd1b54a32d192ed03ULL);
    return (double)(splitmix64(&z) >> 11) * 0x1.0p-53;
}

double sim_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void sim_tls_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tls_err, sizeof tls_err, fmt, ap);
    va_end(ap);
}

const char *sim_tls_error_get(void)
{
    return tls_err;
}

void sim_set_error(SimHandle *h, const char *fmt, ...)
{
    char buf[SIM_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&h->mu);
    memcpy(h->err, buf, sizeof buf);
    pthread_mutex_unlock(&h->mu);
}

char *sim_strdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}
