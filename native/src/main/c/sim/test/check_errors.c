/* check_errors.c: the simulator refuses bad models, parameters, inputs and options with -1 and a clear message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void expect_init_fails(const char *model, int n_batch, const char *needle)
{
    RKLLMParam p = rkllm_createDefaultParam();
    p.model_path = model;
    p.extend_param.n_batch = (uint8_t)n_batch;
    LLMHandle h = (LLMHandle)0x1;
#if RKLLM_ABI_VERSION == 130
    RKLLMCallback cb = {check_callback, NULL, NULL, NULL, NULL, NULL};
    int rc = rkllm_init(&h, &p, &cb);
#else
    int rc = rkllm_init(&h, &p, check_callback);
#endif
    const char *msg = rkllm_sim_last_error(NULL);
    CHECK(rc == -1 && h == NULL, "init of %s should fail (rc %d)", model ? model : "NULL", rc);
    CHECK(strstr(msg, needle) != NULL, "init error \"%s\" should mention \"%s\"", msg, needle);
    if (rc == 0) {
        rkllm_destroy(h);
    }
}

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(b, 1, n, f) == n, "write %s", path);
    if (f) {
        fclose(f);
    }
}

static void check_bad_models(void)
{
    const char *path = work_file("bad.npfsim");
    unsigned char *good;
    size_t n;
    write_model(path, 32, 2, 2, 64, 2048, 1);
    CHECK(file_bytes(path, &good, &n) == 0 && n == 76, "model file is %zu bytes", n);
    unsigned char b[80];
    expect_init_fails(work_file("missing.npfsim"), 1, "cannot open model file");
    expect_init_fails(NULL, 1, "model_path is NULL");
    expect_init_fails(path, 0, "n_batch 0 is outside 1..100");
    expect_init_fails(path, 101, "n_batch 101 is outside 1..100");
    memcpy(b, good, 76);
    b[0] = 'X';
    write_bytes(path, b, 76);
    expect_init_fails(path, 1, "not a simulator model file");
    memcpy(b, good, 76);
    b[8] = 2;
    write_bytes(path, b, 76);
    expect_init_fails(path, 1, "format version 2");
    write_bytes(path, good, 50);
    expect_init_fails(path, 1, "fewer than 76");
    memcpy(b, good, 76);
    memset(b + 76, 0, 4);
    write_bytes(path, b, 80);
    expect_init_fails(path, 1, "more than 76");
    write_model(path, 30, 2, 2, 64, 2048, 1);
    expect_init_fails(path, 1, "d_model 30 / n_heads 2 is absurd");
    write_model(path, 32, 0, 2, 64, 2048, 1);
    expect_init_fails(path, 1, "n_layers 0 is absurd");
    write_model(path, 32, 2, 2, 64, 1u << 30, 1);
    expect_init_fails(path, 1, "max_context 1073741824 is absurd");
    write_model(path, 4096, 64, 64, 16384, 2048, 1);
    expect_init_fails(path, 1, "more than the simulator's 1024 MiB");
    memcpy(b, good, 76);
    b[12] = 100;
    b[13] = 0;
    write_bytes(path, b, 76);
    expect_init_fails(path, 1, "vocab_size 100");
    free(good);
}

static void check_null_handle(void)
{
    int sizes[1];
    CHECK(rkllm_run(NULL, NULL, NULL, NULL) == -1, "run(NULL)");
    CHECK(rkllm_run_async(NULL, NULL, NULL, NULL) == -1, "run_async(NULL)");
    CHECK(rkllm_abort(NULL) == -1 && rkllm_is_running(NULL) == -1 && rkllm_destroy(NULL) == -1, "NULL handle");
    CHECK(rkllm_load_prompt_cache(NULL, "x") == -1 && rkllm_release_prompt_cache(NULL) == -1, "cache NULL");
    CHECK(rkllm_clear_kv_cache(NULL, 0, NULL, NULL) == -1 && rkllm_get_kv_cache_size(NULL, sizes) == -1, "kv NULL");
    CHECK(rkllm_set_chat_template(NULL, "", "", "") == -1 && rkllm_sim_set_seed(NULL, 1) == -1, "template NULL");
    CHECK(rkllm_sim_set_option(NULL, "board", "rk3588") == -1 && rkllm_sim_prompt_tokens(NULL) == -1, "opt NULL");
    CHECK(strstr(rkllm_sim_last_error(NULL), "handle is NULL") != NULL, "thread error: %s",
          rkllm_sim_last_error(NULL));
}

static void expect_run_fails(LLMHandle h, Collector *c, RKLLMInput *in, RKLLMInferParam *p, const char *needle)
{
    int rc = run_input(h, in, p, c);
    CHECK(rc == -1, "run should fail with \"%s\" (rc %d)", needle, rc);
    CHECK(c->n_error == 1 && c->n_finish == 0 && c->n_tokens == 0, "one ERROR callback (errors %d finish %d)",
          c->n_error, c->n_finish);
    CHECK(strstr(rkllm_sim_last_error(h), needle) != NULL, "last error \"%s\" should mention \"%s\"",
          rkllm_sim_last_error(h), needle);
    CHECK(strstr(c->error, needle) != NULL, "ERROR text \"%s\" should mention \"%s\"", c->error, needle);
}

static void check_bad_inputs(const char *tiny)
{
    HandleOpts o = default_opts();
    o.max_ctx = 256;
    LLMHandle h = open_handle(tiny, &o, NULL);
    if (!h) {
        return;
    }
    Collector c;
    collector_init(&c);
    RKLLMInput in;
    RKLLMInferParam p;
    RKLLMPromptCacheParam pc;
    memset(&in, 0, sizeof in);
    init_infer(&p, &pc, 0, NULL);
    in.input_type = RKLLM_INPUT_EMBED;
    expect_run_fails(h, &c, &in, &p, "input type EMBED is not supported");
    in.input_type = RKLLM_INPUT_MULTIMODAL;
    expect_run_fails(h, &c, &in, &p, "input type MULTIMODAL is not supported");
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = "hello";
    p.mode = RKLLM_INFER_GET_LOGITS;
    expect_run_fails(h, &c, &in, &p, "infer mode 2 is not supported");
    p.mode = RKLLM_INFER_GENERATE;
    in.role = "system";
    expect_run_fails(h, &c, &in, &p, "role \"system\" is not supported");
    in.role = NULL;
    in.prompt_input = NULL;
    expect_run_fails(h, &c, &in, &p, "prompt_input is NULL");
    int32_t ids[3] = {72, 300, 10};
    in.input_type = RKLLM_INPUT_TOKEN;
    in.token_input.input_ids = ids;
    in.token_input.n_tokens = 3;
    expect_run_fails(h, &c, &in, &p, "token input id 300 at index 1");
    in.token_input.n_tokens = 0;
    expect_run_fails(h, &c, &in, &p, "token input is NULL, empty");
    in.input_type = RKLLM_INPUT_PROMPT;
    in.prompt_input = "x";
    pc.save_prompt_cache = 1;
    pc.prompt_cache_path = NULL;
    p.prompt_cache_params = &pc;
    expect_run_fails(h, &c, &in, &p, "prompt_cache_path is NULL or empty");
    CHECK(rkllm_run(h, NULL, &p, &c) == -1, "NULL input");

    char *big = make_text(300, 1);
    CHECK(run_text(h, &c, big, 0, NULL) == -1, "a prompt over max_context_len must fail");
    CHECK(c.n_error == 1 && strstr(c.error, "more than max_context_len 256"), "error: %s", c.error);
    CHECK(strstr(rkllm_sim_last_error(h), "prompt has ") != NULL, "last error: %s", rkllm_sim_last_error(h));
    CHECK(run_text(h, &c, "still works", 0, NULL) == 0 && c.n_finish == 1, "a handle stays usable after errors");
    free(big);

    CHECK(rkllm_sim_set_option(h, "no_such_key", "1") == -1, "unknown option key");
    CHECK(strstr(rkllm_sim_last_error(h), "unknown option \"no_such_key\""), "%s", rkllm_sim_last_error(h));
    CHECK(rkllm_sim_set_option(h, "slow_ms_per_token", "fast") == -1, "bad number");
    CHECK(rkllm_sim_set_option(h, "board", "rk9999") == -1, "bad board");
    CHECK(rkllm_sim_set_option(h, "decode_tps", "-3") == -1, "negative rate");
    CHECK(rkllm_sim_set_option(h, "board", "") == 0 && rkllm_sim_set_option(h, "crash_on", "") == 0, "reset ok");
    CHECK(rkllm_get_kv_cache_size(h, NULL) == -1, "NULL sizes");
    CHECK(rkllm_load_prompt_cache(h, NULL) == -1, "NULL cache path");
    int bad_start = -1, end = 5;
    CHECK(rkllm_clear_kv_cache(h, 0, &bad_start, &end) == -1, "negative clear range");
    collector_destroy(&c);
    rkllm_destroy(h);
}

static void check_env_options(const char *tiny)
{
    setenv("RKLLM_SIM_SLOW_MS_PER_TOKEN", "soon", 1);
    expect_init_fails(tiny, 1, "RKLLM_SIM_SLOW_MS_PER_TOKEN");
    unsetenv("RKLLM_SIM_SLOW_MS_PER_TOKEN");
    setenv("RKLLM_SIM_BOARD", "rk1", 1);
    expect_init_fails(tiny, 1, "is not rk3588, rk3576 or none");
    unsetenv("RKLLM_SIM_BOARD");
}

void check_errors(const char *tiny)
{
    check_bad_models();
    check_null_handle();
    check_bad_inputs(tiny);
    check_env_options(tiny);
}
