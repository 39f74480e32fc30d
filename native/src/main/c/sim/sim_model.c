/* sim_model.c: reads and validates the simulator's model file and generates its weights from the seed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MAX_WEIGHT_BYTES (1024.0 * 1024.0 * 1024.0)
#define QK_GAIN 2.0

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Approximately N(0, std): the sum of four 24-bit uniforms, exact in double on every platform. */
static float gauss(SimRng *r, double std)
{
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
        sum += (double)(sim_rng_next(r) >> 40) * 0x1.0p-24;
    }
    return (float)((sum - 2.0) * 1.7320508075688772 * std);
}

static float *fill(SimRng *r, float **cursor, size_t n, double std)
{
    float *p = *cursor;
    for (size_t i = 0; i < n; i++) {
        p[i] = std > 0.0 ? gauss(r, std) : 1.0f;
    }
    *cursor += n;
    return p;
}

static int check_dims(const SimModel *m, char *err)
{
    if (m->vocab != SIM_VOCAB) {
        snprintf(err, SIM_ERR_LEN, "model vocab_size %u is not the tokenizer's %d", m->vocab, SIM_VOCAB);
        return SIM_FAIL;
    }
    if (m->n_heads < 1 || m->n_heads > 64 || m->d_model < 8 || m->d_model > 4096 || m->d_model % m->n_heads != 0
        || (m->d_model / m->n_heads) % 8 != 0) {
        snprintf(err, SIM_ERR_LEN,
                 "model d_model %u / n_heads %u is absurd (need 1..64 heads, head size a multiple of 8, "
                 "d_model <= 4096)",
                 m->d_model, m->n_heads);
        return SIM_FAIL;
    }
    if (m->n_layers < 1 || m->n_layers > 64) {
        snprintf(err, SIM_ERR_LEN, "model n_layers %u is absurd (need 1..64)", m->n_layers);
        return SIM_FAIL;
    }
    if (m->d_ff < 8 || m->d_ff > 16384 || m->d_ff % 8 != 0) {
        snprintf(err, SIM_ERR_LEN, "model d_ff %u is absurd (need 8..16384, a multiple of 8)", m->d_ff);
        return SIM_FAIL;
    }
    if (m->max_context < 16 || m->max_context > 131072) {
        snprintf(err, SIM_ERR_LEN, "model max_context %u is absurd (need 16..131072)", m->max_context);
        return SIM_FAIL;
    }
    double d = m->d_model, f = m->d_ff;
    double bytes = 4.0 * ((double)m->vocab * d + d + (double)m->n_layers * (2 * d + 4 * d * d + 3 * d * f));
    if (bytes > MAX_WEIGHT_BYTES) {
        snprintf(err, SIM_ERR_LEN, "model weights would take %.0f MiB, more than the simulator's 1024 MiB",
                 bytes / 1048576.0);
        return SIM_FAIL;
    }
    return SIM_OK;
}

/* Fills the model's dimensions from a header of the right size and magic, then checks them. */
static int parse_header(SimModel *m, const char *path, const unsigned char *buf, char *err)
{
    uint32_t version = rd32(buf + 8);
    if (version != SIM_MODEL_VERSION) {
        snprintf(err, SIM_ERR_LEN, "model file %s has format version %u, this simulator reads %u", path, version,
                 SIM_MODEL_VERSION);
        return SIM_FAIL;
    }
    m->vocab = rd32(buf + 12);
    m->d_model = rd32(buf + 16);
    m->n_layers = rd32(buf + 20);
    m->n_heads = rd32(buf + 24);
    m->d_ff = rd32(buf + 28);
    m->max_context = rd32(buf + 32);
    m->seed = rd64(buf + 36);
    memcpy(m->name, buf + 44, 32);
    m->name[32] = '\0';
    m->fingerprint = sim_fnv1a(SIM_FNV_OFFSET, buf, SIM_MODEL_FILE_SIZE);
    return check_dims(m, err);
}

static int read_header(SimModel *m, const char *path, char *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, SIM_ERR_LEN, "cannot open model file %s: %s", path, strerror(errno));
        return SIM_FAIL;
    }
    unsigned char buf[SIM_MODEL_FILE_SIZE + 1];
    size_t n = fread(buf, 1, sizeof buf, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        snprintf(err, SIM_ERR_LEN, "cannot read model file %s", path);
        return SIM_FAIL;
    }
    if (n < 8 || memcmp(buf, SIM_MODEL_MAGIC, 8) != 0) {
        snprintf(err, SIM_ERR_LEN, "%s is not a simulator model file (magic is not " SIM_MODEL_MAGIC ")", path);
        return SIM_FAIL;
    }
    if (n != SIM_MODEL_FILE_SIZE) {
        snprintf(err, SIM_ERR_LEN, "model file %s has %s bytes, expected %d", path,
                 n > SIM_MODEL_FILE_SIZE ? "more than 76" : "fewer than 76", SIM_MODEL_FILE_SIZE);
        return SIM_FAIL;
    }
    return parse_header(m, path, buf, err);
}

int sim_model_load(SimModel *m, const char *path, char *err)
{
    memset(m, 0, sizeof *m);
    if (read_header(m, path, err) != SIM_OK) {
        return SIM_FAIL;
    }
    size_t d = m->d_model, f = m->d_ff, L = m->n_layers;
    m->head_dim = m->d_model / m->n_heads;
    m->arena_floats = (size_t)m->vocab * d + d + L * (2 * d + 4 * d * d + 3 * d * f);
    m->arena = malloc(m->arena_floats * sizeof(float));
    m->layers = calloc(L, sizeof(SimLayer));
    m->rope_freq = malloc(m->head_dim / 2 * sizeof(float));
    if (!m->arena || !m->layers || !m->rope_freq || sim_prior_init(m) != SIM_OK) {
        sim_model_free(m);
        snprintf(err, SIM_ERR_LEN, "out of memory for %zu model weights", m->arena_floats);
        return SIM_FAIL;
    }
    SimRng r;
    sim_rng_seed(&r, m->seed);
    float *c = m->arena;
    double sd = 1.0 / sqrt((double)d), sf = 1.0 / sqrt((double)f);
    m->embed = fill(&r, &c, (size_t)m->vocab * d, 1.0 * sd);
    for (size_t l = 0; l < L; l++) {
        SimLayer *ly = &m->layers[l];
        ly->attn_norm = fill(&r, &c, d, 0.0);
        ly->wq = fill(&r, &c, d * d, QK_GAIN * sd);
        ly->wk = fill(&r, &c, d * d, QK_GAIN * sd);
        ly->wv = fill(&r, &c, d * d, sd);
        ly->wo = fill(&r, &c, d * d, 0.5 * sd);
        ly->mlp_norm = fill(&r, &c, d, 0.0);
        ly->w_gate = fill(&r, &c, f * d, sd);
        ly->w_up = fill(&r, &c, f * d, sd);
        ly->w_down = fill(&r, &c, d * f, 0.5 * sf);
    }
    m->final_norm = fill(&r, &c, d, 0.0);
    for (uint32_t i = 0; i < m->head_dim / 2; i++) {
        m->rope_freq[i] = (float)pow(10000.0, -2.0 * i / (double)m->head_dim);
    }
    return SIM_OK;
}

void sim_model_free(SimModel *m)
{
    free(m->arena);
    free(m->layers);
    free(m->rope_freq);
    free(m->bigram);
    free(m->tri_row);
    free(m->trigram);
    m->bigram = NULL;
    m->tri_row = NULL;
    m->trigram = NULL;
    m->arena = NULL;
    m->layers = NULL;
    m->rope_freq = NULL;
}

size_t sim_model_weight_bytes(const SimModel *m)
{
    return m->arena_floats * sizeof(float);
}
