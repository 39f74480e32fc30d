/* sim_prior.c: a fixed language prior (byte trigrams of a small built-in English text) added to the model's logits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/*
 * Random weights alone write random bytes. Adding log P(next byte | two previous bytes), counted over
 * this paragraph of plain English, makes the output look like text while the transformer's logits
 * (and so the prompt, through attention) still decide which of the likely bytes comes next.
 */
static const char CORPUS[] =
    "The boards sat in a row on the shelf, each one warm and quiet, waiting for the next question to "
    "arrive. When a message came in, the nearest board read it, thought for a moment, and began to "
    "answer one word at a time. Some answers were short and some were long, but every one of them ended "
    "when the thought was done.\nIn the morning the town was still and the river ran slowly past the old "
    "mill. A baker opened her shop and the smell of fresh bread drifted down the street. Children walked "
    "to school with their bags on their backs, talking about the games they would play after class. By "
    "noon the market was full of people buying fruit, fish, cheese and flowers.\nA good answer is clear "
    "and simple. It says what the reader needs to know, and then it stops. If there is more to say, it "
    "can be said later, when someone asks again. The best writers read their words twice and remove what "
    "is not needed.\nThe weather changed in the afternoon. Dark clouds came over the hills and the wind "
    "began to blow. Rain fell on the roofs and on the fields, and the farmers were glad, because the "
    "summer had been dry. In the evening the sky cleared, the stars came out, and the night was cool and "
    "calm.\nSmall machines can do a great deal of work if they share it well. One of them takes a task, "
    "another takes the next one, and together they finish much more than any single machine could alone. "
    "When one of them fails, the others carry on, and the work is not lost.\nShe opened the letter and "
    "read it slowly. It was from her brother, who lived far away by the sea. He wrote about his house, "
    "his garden and his dog, and about the long walks they took along the shore. At the end he asked her "
    "to visit in the spring, when the days were longer and the water was warm enough to swim.\n";

#define SMOOTH2 2.0 /* weight of the unigram distribution mixed into every bigram row */
#define SMOOTH3 1.0 /* weight of the bigram row mixed into every trigram row */

static int printable(int b)
{
    return b == '\n' || (b >= 0x20 && b < 0x7f);
}

/* Context bytes as the prior sees them: a new line starts like a new word, other scripts like letters. */
static int ctx_byte(int b)
{
    return b == '\n' ? ' ' : b < 0 ? ' ' : b >= 128 ? 'a' : b;
}

static void build_bigram(SimModel *m, const double *count)
{
    double uni[128] = {0}, uni_total = 0.0;
    for (const unsigned char *p = (const unsigned char *)CORPUS; *p; p++) {
        uni[*p] += 1.0;
    }
    for (int b = 0; b < 128; b++) {
        uni[b] = printable(b) ? uni[b] + 0.5 : 0.0;
        uni_total += uni[b];
    }
    for (int prev = 0; prev < 128; prev++) {
        int row = ctx_byte(prev);
        double total = 0.0;
        for (int b = 0; b < 128; b++) {
            total += count[row * 128 + b];
        }
        for (int b = 0; b < 128; b++) {
            double pr = (count[row * 128 + b] + SMOOTH2 * uni[b] / uni_total) / (total + SMOOTH2);
            m->bigram[prev * 128 + b] = pr > 0.0 ? (float)log(pr) : -30.0f;
        }
    }
}

/* Trigram rows for the (prev2, prev1) contexts the text holds, backing off to the bigram row. */
static int build_trigram(SimModel *m)
{
    const unsigned char *p = (const unsigned char *)CORPUS;
    size_t len = strlen(CORPUS);
    int rows = 1; /* row 0 means "no trigram for this context" */
    for (size_t i = 2; i < len; i++) {
        uint16_t *r = &m->tri_row[ctx_byte(p[i - 2]) * 128 + ctx_byte(p[i - 1])];
        if (!*r) {
            *r = (uint16_t)rows++;
        }
    }
    double *count = calloc((size_t)rows * 129, sizeof(double)); /* 128 counts and a total per row */
    m->trigram = malloc((size_t)rows * 128 * sizeof(float));
    if (!count || !m->trigram) {
        free(count);
        return SIM_FAIL;
    }
    for (size_t i = 2; i < len; i++) {
        double *row = count + (size_t)m->tri_row[ctx_byte(p[i - 2]) * 128 + ctx_byte(p[i - 1])] * 129;
        row[p[i]] += 1.0;
        row[128] += 1.0;
    }
    for (int c = 0; c < 128 * 128; c++) {
        int r = m->tri_row[c];
        if (!r) {
            continue;
        }
        const double *row = count + (size_t)r * 129;
        for (int b = 0; b < 128; b++) {
            double p2 = exp((double)m->bigram[(c % 128) * 128 + b]);
            double pr = (row[b] + SMOOTH3 * p2) / (row[128] + SMOOTH3);
            m->trigram[(size_t)r * 128 + b] = pr > 0.0 ? (float)log(pr) : -30.0f;
        }
    }
    free(count);
    return SIM_OK;
}

/* Builds the prior's tables (log probabilities) into the model. */
int sim_prior_init(SimModel *m)
{
    m->bigram = malloc(128 * 128 * sizeof(float));
    m->tri_row = calloc(128 * 128, sizeof(uint16_t));
    double *count = calloc(128 * 128, sizeof(double));
    if (!m->bigram || !m->tri_row || !count) {
        free(count);
        return SIM_FAIL;
    }
    for (const unsigned char *p = (const unsigned char *)CORPUS; p[0] && p[1]; p++) {
        count[p[0] * 128 + p[1]] += 1.0;
    }
    build_bigram(m, count);
    free(count);
    return build_trigram(m);
}

static int is_cjk_lead(int b)
{
    return b >= 0xE4 && b <= 0xE9;
}

/* The first byte of the last whole character in the history, or -1. */
static int last_lead(const int32_t *hist, int n)
{
    for (int i = n - 1; i >= 0 && i >= n - 4; i--) {
        if (hist[i] < 0x80 || hist[i] >= 0xC0) {
            return hist[i];
        }
    }
    return -1;
}

/* The prior's log weight of token next after the history hist[0..n) (next is already known to be valid UTF-8). */
float sim_prior(const SimModel *m, const int32_t *hist, int n, int next)
{
    int prev = n > 0 ? hist[n - 1] : '\n';
    int lead = last_lead(hist, n);
    int after_cjk = lead >= 0xE3 && lead <= 0xE9; /* CJK punctuation, kana or ideographs */
    if (next >= 256) { /* end of text: mostly after a sentence */
        float base = next == SIM_TOK_EOS ? -7.0f : -7.5f;
        return prev == '.' || prev == '!' || prev == '?' ? base + 4.0f : base;
    }
    if (next >= 0x80 && next < 0xC0) { /* continuation: the model picks; emoji plane after F0 */
        return prev == 0xF0 && next == 0x9F ? 8.0f : 0.0f;
    }
    if (next >= 0xC0) {
        if (is_cjk_lead(next)) {
            return after_cjk ? 0.0f : -6.0f; /* a Chinese text goes on in Chinese */
        }
        if (next == 0xC3) {
            return -5.0f; /* accented Latin letters */
        }
        return next == 0xF0 ? -6.5f : -10.0f;
    }
    if (after_cjk) {
        return next == ' ' || next == '\n' ? -2.0f : -5.0f;
    }
    int c1 = ctx_byte(prev), c2 = ctx_byte(n > 1 ? hist[n - 2] : -1);
    int row = m->tri_row[c2 * 128 + c1];
    return row ? m->trigram[(size_t)row * 128 + next] : m->bigram[c1 * 128 + next];
}
