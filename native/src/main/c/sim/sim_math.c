/* sim_math.c: the transformer's forward pass (batched prefill and one-token decode give identical floats). */
#include <math.h>
#include <string.h>

#include "sim.h"

#define SIM_EMBED_IN_SCALE 0.1f

/*
 * Every dot product, batched or not, accumulates in eight lanes (lane j takes the elements i with
 * i % 8 == j, in order: two 4-float vectors, SSE or NEON) and reduces them in one fixed tree. The
 * batched kernel shares the weight loads between four rows but does exactly the same arithmetic
 * per row, and the build disables FMA contraction, so a position's K, V and logits never depend on
 * how its prefix was computed (batched, cached or one by one).
 */
typedef float v4 __attribute__((vector_size(16)));

static inline v4 load4(const float *p)
{
    v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline float reduce8(v4 lo, v4 hi)
{
    return ((lo[0] + hi[0]) + (lo[2] + hi[2])) + ((lo[1] + hi[1]) + (lo[3] + hi[3]));
}

float sim_dot(const float *a, const float *b, int n)
{
    v4 lo = {0}, hi = {0};
    for (int i = 0; i < n; i += 8) {
        lo += load4(a + i) * load4(b + i);
        hi += load4(a + i + 4) * load4(b + i + 4);
    }
    return reduce8(lo, hi);
}

static void dot4(const float *x, int ld, const float *w, int n, float out[4])
{
    v4 l0 = {0}, h0 = {0}, l1 = {0}, h1 = {0}, l2 = {0}, h2 = {0}, l3 = {0}, h3 = {0};
    const float *x0 = x, *x1 = x + ld, *x2 = x + 2 * ld, *x3 = x + 3 * ld;
    for (int i = 0; i < n; i += 8) {
        v4 wl = load4(w + i), wh = load4(w + i + 4);
        l0 += load4(x0 + i) * wl;
        h0 += load4(x0 + i + 4) * wh;
        l1 += load4(x1 + i) * wl;
        h1 += load4(x1 + i + 4) * wh;
        l2 += load4(x2 + i) * wl;
        h2 += load4(x2 + i + 4) * wh;
        l3 += load4(x3 + i) * wl;
        h3 += load4(x3 + i + 4) * wh;
    }
    out[0] = reduce8(l0, h0);
    out[1] = reduce8(l1, h1);
    out[2] = reduce8(l2, h2);
    out[3] = reduce8(l3, h3);
}

/* y[rows][m] = x[rows][n] . w[m][n]^T, blocked so a band of weight rows stays in cache for all rows of x. */
void sim_matmul(float *y, const float *x, const float *w, int rows, int n, int m)
{
    enum { BAND = 16 };
    for (int o0 = 0; o0 < m; o0 += BAND) {
        int o1 = o0 + BAND < m ? o0 + BAND : m;
        int t = 0;
        for (; t + 4 <= rows; t += 4) {
            for (int o = o0; o < o1; o++) {
                float r[4];
                dot4(x + (size_t)t * n, n, w + (size_t)o * n, n, r);
                for (int k = 0; k < 4; k++) {
                    y[(size_t)(t + k) * m + o] = r[k];
                }
            }
        }
        for (; t < rows; t++) {
            for (int o = o0; o < o1; o++) {
                y[(size_t)t * m + o] = sim_dot(x + (size_t)t * n, w + (size_t)o * n, n);
            }
        }
    }
}

static void rmsnorm(float *out, const float *x, const float *w, int d)
{
    float ss = sim_dot(x, x, d) / (float)d;
    float scale = 1.0f / sqrtf(ss + 1e-5f);
    for (int i = 0; i < d; i++) {
        out[i] = x[i] * scale * w[i];
    }
}

/* Rotates each head's interleaved pairs of v by the angles of its position (cs = cos, sin pairs). */
static void rope(float *v, const float *cs, int d, int hd)
{
    for (int h0 = 0; h0 < d; h0 += hd) {
        for (int i = 0; i < hd / 2; i++) {
            float c = cs[2 * i], s = cs[2 * i + 1];
            float a = v[h0 + 2 * i], b = v[h0 + 2 * i + 1];
            v[h0 + 2 * i] = a * c - b * s;
            v[h0 + 2 * i + 1] = a * s + b * c;
        }
    }
}

/* One query's scaled scores against the cached keys 0..p, every head, softmaxed in place; rsum gets 1/sum per head. */
static void attention_weights(SimHandle *h, const float *q, const float *kc, int p, float *rsum)
{
    const SimModel *m = &h->model;
    int d = (int)m->d_model, hd = (int)m->head_dim, nh = (int)m->n_heads;
    size_t stride = (size_t)h->max_ctx;
    float inv = 1.0f / sqrtf((float)hd);
    for (int j = 0; j <= p; j++) {
        const float *kj = kc + (size_t)j * d;
        for (int hh = 0; hh < nh; hh++) {
            h->scores[hh * stride + j] = sim_dot(q + hh * hd, kj + hh * hd, hd) * inv;
        }
    }
    for (int hh = 0; hh < nh; hh++) {
        float *sc = h->scores + hh * stride, mx = -INFINITY, sum = 0.0f;
        for (int j = 0; j <= p; j++) {
            mx = sc[j] > mx ? sc[j] : mx;
        }
        for (int j = 0; j <= p; j++) {
            sc[j] = expf(sc[j] - mx);
            sum += sc[j];
        }
        rsum[hh] = 1.0f / sum;
    }
}

/*
 * Causal attention of one query (position p) over the cached positions 0..p of one layer, all heads
 * together so each K and V row is read once; every sum runs over j in order, whatever the batch.
 */
static void attend(SimHandle *h, const float *q, float *out, const float *kc, const float *vc, int p)
{
    const SimModel *m = &h->model;
    int d = (int)m->d_model, hd = (int)m->head_dim, nh = (int)m->n_heads;
    size_t stride = (size_t)h->max_ctx;
    float rsum[64];
    attention_weights(h, q, kc, p, rsum);
    memset(out, 0, (size_t)d * sizeof(float));
    for (int j = 0; j <= p; j++) {
        const float *vj = vc + (size_t)j * d;
        for (int hh = 0; hh < nh; hh++) {
            float pj = h->scores[hh * stride + j];
            float *o = out + hh * hd;
            const float *v = vj + hh * hd;
            for (int i = 0; i < hd; i++) {
                o[i] += pj * v[i];
            }
        }
    }
    for (int hh = 0; hh < nh; hh++) {
        for (int i = 0; i < hd; i++) {
            out[hh * hd + i] *= rsum[hh];
        }
    }
}

/* The attention half of a layer for n tokens at pos0..: writes their K and V into layer l's cache, adds to h->x. */
static void attention_block(SimHandle *h, int l, int n, int pos0)
{
    const SimModel *m = &h->model;
    const SimLayer *ly = &m->layers[l];
    int d = (int)m->d_model, hd = (int)m->head_dim;
    size_t plane = (size_t)h->max_ctx * d;
    float *kc = h->k_cache + (size_t)l * plane, *vc = h->v_cache + (size_t)l * plane;

    for (int t = 0; t < n; t++) {
        rmsnorm(h->xn + (size_t)t * d, h->x + (size_t)t * d, ly->attn_norm, d);
    }
    sim_matmul(h->q, h->xn, ly->wq, n, d, d);
    sim_matmul(kc + (size_t)pos0 * d, h->xn, ly->wk, n, d, d);
    sim_matmul(vc + (size_t)pos0 * d, h->xn, ly->wv, n, d, d);
    for (int t = 0; t < n; t++) {
        const float *cs = h->rope_cs + (size_t)t * hd;
        rope(h->q + (size_t)t * d, cs, d, hd);
        rope(kc + (size_t)(pos0 + t) * d, cs, d, hd);
    }
    for (int t = 0; t < n; t++) {
        attend(h, h->q + (size_t)t * d, h->att + (size_t)t * d, kc, vc, pos0 + t);
    }
    sim_matmul(h->tmp, h->att, ly->wo, n, d, d);
    for (size_t i = 0; i < (size_t)n * d; i++) {
        h->x[i] += h->tmp[i];
    }
}

/* The gated MLP half of layer l for n tokens, added to h->x. */
static void mlp_block(SimHandle *h, int l, int n)
{
    const SimModel *m = &h->model;
    const SimLayer *ly = &m->layers[l];
    int d = (int)m->d_model, f = (int)m->d_ff;
    for (int t = 0; t < n; t++) {
        rmsnorm(h->xn + (size_t)t * d, h->x + (size_t)t * d, ly->mlp_norm, d);
    }
    sim_matmul(h->gate, h->xn, ly->w_gate, n, d, f);
    sim_matmul(h->up, h->xn, ly->w_up, n, d, f);
    for (size_t i = 0; i < (size_t)n * f; i++) {
        float g = h->gate[i];
        h->gate[i] = g / (1.0f + expf(-g)) * h->up[i];
    }
    sim_matmul(h->tmp, h->gate, ly->w_down, n, f, d);
    for (size_t i = 0; i < (size_t)n * d; i++) {
        h->x[i] += h->tmp[i];
    }
}

static void layer_forward(SimHandle *h, int l, int n, int pos0)
{
    attention_block(h, l, n, pos0);
    mlp_block(h, l, n);
}

/*
 * Runs n (<= SIM_PREFILL_CHUNK) tokens at positions pos0.. through every layer, writing their K and V
 * into the handle's cache; with want_logits, leaves the last position's logits in h->logits.
 */
void sim_forward(SimHandle *h, const int32_t *tokens, int n, int pos0, int want_logits)
{
    const SimModel *m = &h->model;
    int d = (int)m->d_model, hd = (int)m->head_dim;
    for (int t = 0; t < n; t++) {
        /* Scaled down so the tied output projection does not just repeat the last token. */
        const float *e = m->embed + (size_t)tokens[t] * d;
        for (int i = 0; i < d; i++) {
            h->x[(size_t)t * d + i] = e[i] * SIM_EMBED_IN_SCALE;
        }
        float *cs = h->rope_cs + (size_t)t * hd;
        for (int i = 0; i < hd / 2; i++) {
            double ang = (double)(pos0 + t) * (double)m->rope_freq[i];
            cs[2 * i] = (float)cos(ang);
            cs[2 * i + 1] = (float)sin(ang);
        }
    }
    for (int l = 0; l < (int)m->n_layers; l++) {
        layer_forward(h, l, n, pos0);
    }
    if (want_logits) {
        rmsnorm(h->xn, h->x + (size_t)(n - 1) * d, m->final_norm, d);
        sim_matmul(h->logits, h->xn, m->embed, 1, d, (int)m->vocab);
    }
}

/* The last hidden layer of the last sim_forward's n tokens: each row of x after the final norm (what the
 * output projection reads), as the runtime's GET_LAST_HIDDEN_LAYER mode hands it out. */
void sim_final_hidden(const SimHandle *h, float *out, int n)
{
    int d = (int)h->model.d_model;
    for (int t = 0; t < n; t++) {
        rmsnorm(out + (size_t)t * d, h->x + (size_t)t * d, h->model.final_norm, d);
    }
}
