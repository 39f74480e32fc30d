/* sim_sample.c: the language prior, the UTF-8 constraint, penalties and greedy or seeded top-k/top-p sampling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void sim_utf8_push(SimUtf8 *u, unsigned b)
{
    if (b > 0xFF) {
        return;
    }
    if (u->need > 0) {
        u->need--;
        u->lo = 0x80;
        u->hi = 0xBF;
        return;
    }
    int len = sim_utf8_lead_len(b);
    u->need = len > 0 ? len - 1 : 0;
    u->lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
    u->hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
}

/* May token t come next, given the UTF-8 state and the tokens left (budget)? */
static int allowed(const SimHandle *h, const SimUtf8 *u, int t, int budget)
{
    if (u->need > 0) {
        return t < 256 && (unsigned)t >= u->lo && (unsigned)t <= u->hi;
    }
    if (t == SIM_TOK_IM_START) {
        return 0;
    }
    if (t >= 256) {
        return !h->ignore_eos;
    }
    if (t == '\n' || (t >= 0x20 && t < 0x7f)) {
        return 1;
    }
    int len = sim_utf8_lead_len((unsigned)t);
    return len >= 2 && len <= budget;
}

typedef struct {
    float logit;
    int id;
} Cand;

static int cand_cmp(const void *a, const void *b)
{
    const Cand *x = a, *y = b;
    if (x->logit != y->logit) {
        return x->logit > y->logit ? -1 : 1;
    }
    return x->id - y->id;
}

static void apply_penalties(const SimHandle *h, const SimSampling *s, float *lg)
{
    int cnt[SIM_VOCAB] = {0};
    int from = h->n_pos > SIM_PENALTY_WINDOW ? h->n_pos - SIM_PENALTY_WINDOW : 0;
    for (int i = from; i < h->n_pos; i++) {
        cnt[h->hist[i]]++;
    }
    for (int t = 0; t < SIM_VOCAB; t++) {
        if (!cnt[t] || isinf(lg[t])) {
            continue;
        }
        if (s->repeat_penalty > 0.0f && s->repeat_penalty != 1.0f) {
            lg[t] = lg[t] > 0.0f ? lg[t] / s->repeat_penalty : lg[t] * s->repeat_penalty;
        }
        lg[t] -= (float)cnt[t] * s->frequency_penalty + s->presence_penalty;
    }
}

/* The allowed token with the highest logit (lowest id on a tie), or EOS when none is allowed. */
static int greedy(const float *lg)
{
    int best = -1;
    for (int t = 0; t < SIM_VOCAB; t++) {
        if (!isinf(lg[t]) && (best < 0 || lg[t] > lg[best])) {
            best = t;
        }
    }
    return best < 0 ? SIM_TOK_EOS : best;
}

/* Keeps the smallest prefix of the weights p[0..n) whose share reaches top_p; returns its length, *sum its total. */
static int top_p_cut(const SimSampling *s, const double *p, int n, double *sum)
{
    if (!(s->top_p > 0.0f && s->top_p < 1.0f)) {
        return n;
    }
    double cum = 0.0;
    for (int i = 0; i < n; i++) {
        cum += p[i] / *sum;
        if (cum >= (double)s->top_p) {
            n = i + 1;
            break;
        }
    }
    *sum = 0.0;
    for (int i = 0; i < n; i++) {
        *sum += p[i];
    }
    return n;
}

/* Draws from the allowed tokens by temperature, top_k and top_p, with the uniform number u in [0, 1). */
static int draw(const SimSampling *s, double u, const float *lg)
{
    Cand c[SIM_VOCAB];
    int n = 0;
    for (int t = 0; t < SIM_VOCAB; t++) {
        if (!isinf(lg[t])) {
            c[n++] = (Cand){lg[t], t};
        }
    }
    if (n == 0) {
        return SIM_TOK_EOS;
    }
    qsort(c, (size_t)n, sizeof c[0], cand_cmp);
    if (s->top_k > 0 && s->top_k < n) {
        n = s->top_k;
    }
    double p[SIM_VOCAB], sum = 0.0;
    for (int i = 0; i < n; i++) {
        p[i] = exp((double)(c[i].logit - c[0].logit) / (double)s->temperature);
        sum += p[i];
    }
    n = top_p_cut(s, p, n, &sum);
    double r = u * sum;
    for (int i = 0; i < n; i++) {
        r -= p[i];
        if (r < 0.0) {
            return c[i].id;
        }
    }
    return c[n - 1].id;
}

/* Picks the next token from h->logits; budget = tokens the run may still produce (>= 1). A sampled token's draw
 * depends on the seed and its position in the context only, so prompt + delivered text, prefilled, goes on as the
 * uninterrupted run did (a worker's rerun continues a half-answered seeded job from what the client has). */
int sim_sample(SimHandle *h, const SimSampling *s, uint64_t seed, const SimUtf8 *u, int budget)
{
    float lg[SIM_VOCAB];
    for (int t = 0; t < SIM_VOCAB; t++) {
        lg[t] = allowed(h, u, t, budget) ? h->logits[t] + sim_prior(&h->model, h->hist, h->n_pos, t) : -INFINITY;
    }
    apply_penalties(h, s, lg);
    if (s->temperature <= 0.0f || s->top_k == 1) {
        return greedy(lg);
    }
    return draw(s, sim_uniform_at(seed, (uint64_t)h->n_pos), lg);
}
