/* sim_token.c: the byte-level tokenizer with ChatML specials, and the chat template around a prompt. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const char *const SPECIALS[3] = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};

/* Encodes text, turning the specials' strings into their ids; out must hold strlen(text) ids. */
int sim_encode_text(const char *text, int32_t *out, int cap)
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && n < cap) {
        int special = -1;
        if (*p == '<') {
            for (int s = 0; s < 3; s++) {
                size_t len = strlen(SPECIALS[s]);
                if (strncmp((const char *)p, SPECIALS[s], len) == 0) {
                    special = s;
                    p += len;
                    break;
                }
            }
        }
        out[n++] = special >= 0 ? SIM_TOK_EOS + special : *p++;
    }
    return n;
}

int sim_token_text(int token, char *buf)
{
    if (token >= 0 && token < 256) {
        buf[0] = (char)token;
        buf[1] = '\0';
        return 1;
    }
    if (token >= SIM_TOK_EOS && token < SIM_VOCAB) {
        const char *s = SPECIALS[token - SIM_TOK_EOS];
        size_t len = strlen(s);
        memcpy(buf, s, len + 1);
        return (int)len;
    }
    buf[0] = '\0';
    return 0;
}

int sim_utf8_lead_len(unsigned b)
{
    if (b < 0x80) {
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        return 4;
    }
    return 0;
}

static const char *role_prefix(const SimHandle *h, const char *role)
{
    if (h->tpl_is_default && role && strcmp(role, "tool") == 0) {
        return "<|im_start|>tool\n";
    }
    return h->tpl_prefix;
}

static int build_prompt(SimHandle *h, const SimRequest *rq, int32_t **out, int *n_out, int *n_sys)
{
    const char *role = rq->role;
    if (role && role[0] && strcmp(role, "user") != 0 && strcmp(role, "tool") != 0) {
        sim_set_error(h, "input role \"%.64s\" is not supported (use \"user\" or \"tool\")", role);
        return SIM_FAIL;
    }
    const char *sys = h->n_pos == 0 ? h->tpl_system : "";
    const char *pre = role_prefix(h, role);
    size_t len = strlen(sys) + strlen(pre) + strlen(rq->prompt) + strlen(h->tpl_postfix);
    if (len / 13 >= (size_t)h->max_ctx) { /* 13 bytes, the longest special, make at least one token */
        sim_set_error(h, "prompt has at least %zu tokens, more than max_context_len %d", len / 13, h->max_ctx);
        return SIM_FAIL;
    }
    int32_t *ids = malloc((len + 1) * sizeof(int32_t));
    if (!ids) {
        sim_set_error(h, "out of memory for a prompt of %zu bytes", len);
        return SIM_FAIL;
    }
    /* Encoded part by part, so a special split across template and prompt is not joined. */
    int n = 0;
    const char *parts[4] = {sys, pre, rq->prompt, h->tpl_postfix};
    for (int i = 0; i < 4; i++) {
        n += sim_encode_text(parts[i], ids + n, (int)(len + 1) - n);
        if (i == 0) {
            *n_sys = n;
        }
    }
    *out = ids;
    *n_out = n;
    return SIM_OK;
}

/* A token input checked against the vocabulary and copied. */
static int copy_tokens(SimHandle *h, const SimRequest *rq, int32_t **out, int *n_out)
{
    if (!rq->token_ids || rq->n_token_ids == 0 || rq->n_token_ids > (size_t)1 << 30) {
        sim_set_error(h, "token input is empty or NULL");
        return SIM_FAIL;
    }
    for (size_t i = 0; i < rq->n_token_ids; i++) {
        if (rq->token_ids[i] < 0 || rq->token_ids[i] >= SIM_VOCAB) {
            sim_set_error(h, "token input id %d at index %zu is outside the vocabulary 0..%d", rq->token_ids[i],
                          i, SIM_VOCAB - 1);
            return SIM_FAIL;
        }
    }
    int32_t *ids = malloc(rq->n_token_ids * sizeof(int32_t));
    if (!ids) {
        sim_set_error(h, "out of memory for %zu input tokens", rq->n_token_ids);
        return SIM_FAIL;
    }
    memcpy(ids, rq->token_ids, rq->n_token_ids * sizeof(int32_t));
    *out = ids;
    *n_out = (int)rq->n_token_ids;
    return SIM_OK;
}

/* The whole token input of a run: template and prompt, or the given token ids checked; n_sys = system part. */
int sim_build_input(SimHandle *h, const SimRequest *rq, int32_t **out, int *n_out, int *n_sys)
{
    *out = NULL;
    *n_out = 0;
    *n_sys = 0;
    if (rq->input_type == RKLLM_INPUT_PROMPT) {
        if (!rq->prompt) {
            sim_set_error(h, "prompt input is NULL");
            return SIM_FAIL;
        }
        if (build_prompt(h, rq, out, n_out, n_sys) != SIM_OK) {
            return SIM_FAIL;
        }
    } else if (rq->input_type == RKLLM_INPUT_TOKEN) {
        if (copy_tokens(h, rq, out, n_out) != SIM_OK) {
            return SIM_FAIL;
        }
    } else if (rq->input_type == RKLLM_INPUT_EMBED || rq->input_type == RKLLM_INPUT_MULTIMODAL) {
        sim_set_error(h, "input type %s is not supported by the simulator (use PROMPT or TOKEN)",
                      rq->input_type == RKLLM_INPUT_EMBED ? "EMBED" : "MULTIMODAL");
        return SIM_FAIL;
    } else {
        sim_set_error(h, "unknown input type %d", rq->input_type);
        return SIM_FAIL;
    }
    if (*n_out == 0) {
        free(*out);
        *out = NULL;
        sim_set_error(h, "input is empty (no tokens after the chat template)");
        return SIM_FAIL;
    }
    return SIM_OK;
}

/* Does the run's input (prompt text, or token ids spelled out) contain needle? */
int sim_input_contains(const SimRequest *rq, const char *needle)
{
    if (rq->input_type == RKLLM_INPUT_PROMPT) {
        return rq->prompt && strstr(rq->prompt, needle) != NULL;
    }
    if (rq->input_type != RKLLM_INPUT_TOKEN || !rq->token_ids) {
        return 0;
    }
    size_t cap = rq->n_token_ids * 16 + 1, at = 0;
    char *text = malloc(cap);
    if (!text) {
        return 0;
    }
    for (size_t i = 0; i < rq->n_token_ids; i++) {
        at += (size_t)sim_token_text(rq->token_ids[i], text + at);
    }
    text[at] = '\0';
    int found = strstr(text, needle) != NULL;
    free(text);
    return found;
}
