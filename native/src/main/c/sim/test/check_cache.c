/* check_cache.c: prompt caches give bit-identical results, skip the cached prefill, and bad files are refused. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define PREFIX_LEN 300
static const char SUFFIX[] = " and then, what happened to the boards by the river?";

static LLMHandle raw_handle(const char *model)
{
    LLMHandle h = open_handle(model, &(HandleOpts){2048, 32, 1, 0.8f, 1}, NULL);
    if (h) {
        rkllm_set_chat_template(h, "", "", "");
    }
    return h;
}

/* Cached, uncached, batched and one-by-one prefill all leave the same K/V bytes and the same output. */
static void check_equality(const char *tiny, const char *prefix, const char *whole)
{
    const char *file_a = work_file("prefix.kvc"), *file_d = work_file("whole-nocache.kvc");
    const char *file_e = work_file("whole-cached.kvc"), *file_o = work_file("prefix-one-by-one.kvc");
    LLMHandle u = raw_handle(tiny), h = raw_handle(tiny);
    if (!u || !h) {
        return;
    }
    Collector base, c;
    collector_init(&base);
    collector_init(&c);
    int total = (int)strlen(whole);
    CHECK(run_text(u, &base, whole, 0, file_d) == 0 && base.perf.prefill_tokens == total, "uncached run: %d",
          base.perf.prefill_tokens);
    CHECK(run_text(h, &c, prefix, 0, file_a) == 0 && c.perf.prefill_tokens == PREFIX_LEN, "save run");
    CHECK(rkllm_load_prompt_cache(h, file_a) == 0, "load: %s", rkllm_sim_last_error(h));
    CHECK(run_text(h, &c, whole, 0, file_e) == 0, "cached run");
    CHECK(collector_same_tokens(&base, &c) && base.n_tokens > 0, "cached output equals uncached output");
    CHECK(c.perf.prefill_tokens == total - PREFIX_LEN, "prefill_tokens %d == %d - %d", c.perf.prefill_tokens, total,
          PREFIX_LEN);
    CHECK(rkllm_sim_prompt_tokens(h) == total, "prompt tokens count the cached ones too");
    CHECK(same_files(file_d, file_e), "K/V after a cached prefill are bit-identical to a full prefill");
    CHECK(run_text(h, &c, prefix, 0, NULL) == 0 && c.perf.prefill_tokens == 1, "the whole prompt cached: "
          "still one token computed, got %d", c.perf.prefill_tokens);

    /* One position per run (truncating the generated token away) must give the batched prefill's bytes. */
    LLMHandle o = raw_handle(tiny);
    int32_t ids[PREFIX_LEN];
    for (int i = 0; i < PREFIX_LEN; i++) {
        ids[i] = (unsigned char)prefix[i];
    }
    c.pause_at = 1;
    for (int i = 0; o && i < PREFIX_LEN; i++) {
        int keep = i, end = -1;
        CHECK(rkllm_clear_kv_cache(o, 0, &keep, &end) == 0 && kv_size(o) == i, "truncate to %d", i);
        CHECK(run_tokens(o, &c, ids + i, 1, 1, i == PREFIX_LEN - 1 ? file_o : NULL) == 0, "position %d", i);
    }
    c.pause_at = 0;
    CHECK(same_files(file_a, file_o), "one-by-one prefill gives the batched prefill's K/V bytes");
    collector_destroy(&base);
    collector_destroy(&c);
    rkllm_destroy(u);
    rkllm_destroy(h);
    if (o) {
        rkllm_destroy(o);
    }
}

/* With the default ChatML template, the cached part is system + user prefix + the prefix text. */
static void check_template_reuse(const char *tiny, const char *prefix, const char *whole)
{
    LLMHandle u = open_handle(tiny, &(HandleOpts){2048, 32, 1, 0.8f, 1}, NULL);
    LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 32, 1, 0.8f, 1}, NULL);
    if (!u || !h) {
        return;
    }
    Collector base, c;
    collector_init(&base);
    collector_init(&c);
    const char *file = work_file("chatml.kvc");
    CHECK(run_text(u, &base, whole, 0, NULL) == 0, "uncached");
    CHECK(run_text(h, &c, prefix, 0, file) == 0 && rkllm_load_prompt_cache(h, file) == 0, "save and load");
    int saved = rkllm_sim_prompt_tokens(h);
    CHECK(run_text(h, &c, whole, 0, NULL) == 0 && collector_same_tokens(&base, &c), "same output");
    int postfix = 13; /* <|im_end|> \n <|im_start|> assistant\n: the part after the prompt, not reused */
    CHECK(c.perf.prefill_tokens == rkllm_sim_prompt_tokens(h) - (saved - postfix), "prefill %d of %d, %d cached",
          c.perf.prefill_tokens, rkllm_sim_prompt_tokens(h), saved - postfix);
    collector_destroy(&base);
    collector_destroy(&c);
    rkllm_destroy(u);
    rkllm_destroy(h);
}

static void write_patched(const char *src, const char *dst, size_t keep, long at, unsigned char value)
{
    unsigned char *b;
    size_t n;
    CHECK(file_bytes(src, &b, &n) == 0, "read %s", src);
    if (at >= 0 && (size_t)at < n) {
        b[at] = value;
    }
    FILE *f = fopen(dst, "wb");
    size_t len = keep < n ? keep : n;
    CHECK(f && fwrite(b, 1, len, f) == len, "write %s", dst);
    if (f) {
        fclose(f);
    }
    free(b);
}

static void expect_load_fails(LLMHandle h, const char *path, const char *needle)
{
    int rc = rkllm_load_prompt_cache(h, path);
    CHECK(rc == -1 && strstr(rkllm_sim_last_error(h), needle) != NULL, "loading %s: rc %d, \"%s\" lacks \"%s\"",
          path, rc, rkllm_sim_last_error(h), needle);
}

static int tmp_files_left(void)
{
    DIR *d = opendir(work_file(""));
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        n += strstr(e->d_name, ".tmp.") != NULL;
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void check_bad_files(const char *tiny, const char *prefix, const char *whole)
{
    const char *good = work_file("prefix.kvc"), *bad = work_file("bad.kvc"), *other = work_file("other.npfsim");
    LLMHandle h = raw_handle(tiny);
    write_model(other, 32, 2, 2, 64, 2048, 0xd1ff);
    LLMHandle f = raw_handle(other);
    if (!h || !f) {
        return;
    }
    Collector c;
    collector_init(&c);
    int total = (int)strlen(whole);
    CHECK(rkllm_load_prompt_cache(h, good) == 0, "good cache loads");
    expect_load_fails(h, work_file("nothing.kvc"), "cannot open prompt cache");
    write_patched(good, bad, (size_t)-1, 0, 'X');
    expect_load_fails(h, bad, "is not a prompt cache");
    write_patched(good, bad, 0, -1, 0);
    expect_load_fails(h, bad, "is truncated: 0 bytes");
    write_patched(good, bad, 5000, -1, 0);
    expect_load_fails(h, bad, "is truncated: 5000 bytes");
    write_patched(good, bad, (size_t)-1, 5000, 0x55);
    expect_load_fails(h, bad, "checksum mismatch");
    write_patched(good, bad, (size_t)-1, 8, 9);
    expect_load_fails(h, bad, "format version 9");
    write_patched(good, bad, (size_t)-1, 12, 99);
    expect_load_fails(h, bad, "was written by ABI");
    write_patched(good, bad, (size_t)-1, 28, 64);
    expect_load_fails(h, bad, "has dims 2 layers x 64");
    unsigned char *g;
    size_t glen;
    CHECK(file_bytes(good, &g, &glen) == 0, "read the good cache");
    for (size_t at = 0; g && at < glen; at += at < 48 ? 1 : glen / 16) { /* every header byte, some body bytes */
        write_patched(good, bad, (size_t)-1, (long)at, g[at] ^ 0x5A);
        CHECK(rkllm_load_prompt_cache(h, bad) == -1, "a cache changed at byte %zu is refused", at);
    }
    free(g);
    CHECK(run_text(f, &c, prefix, 0, bad) == 0, "another model saves");
    expect_load_fails(h, bad, "belongs to another model");
    CHECK(run_text(h, &c, whole, 0, NULL) == 0 && c.perf.prefill_tokens == total - PREFIX_LEN,
          "failed loads keep the good cache in use: prefill %d", c.perf.prefill_tokens);
    CHECK(rkllm_release_prompt_cache(h) == 0 && run_text(h, &c, whole, 0, NULL) == 0 &&
              c.perf.prefill_tokens == total,
          "released: full prefill %d", c.perf.prefill_tokens);
    CHECK(run_text(h, &c, prefix, 0, work_file("no/such/dir/x.kvc")) == -1 && c.n_error == 1, "unwritable path");
    CHECK(strstr(c.error, "cannot create prompt cache") != NULL, "error: %s", c.error);
    CHECK(tmp_files_left() == 0, "no temp files are left behind");
    collector_destroy(&c);
    rkllm_destroy(h);
    rkllm_destroy(f);
}

void check_cache(const char *tiny)
{
    char *prefix = make_text(PREFIX_LEN, 3);
    char *whole = malloc(PREFIX_LEN + sizeof SUFFIX);
    memcpy(whole, prefix, PREFIX_LEN);
    memcpy(whole + PREFIX_LEN, SUFFIX, sizeof SUFFIX);
    check_equality(tiny, prefix, whole);
    check_template_reuse(tiny, prefix, whole);
    check_bad_files(tiny, prefix, whole);
    free(prefix);
    free(whole);
}
