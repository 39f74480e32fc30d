/* rkllm_abi.h: npufleet's own declaration of the RKLLM runtime C ABI, generations 1.2.x and 1.3.0 (LP64). */
#ifndef NPUFLEET_RKLLM_ABI_H
#define NPUFLEET_RKLLM_ABI_H

/*
 * Declared from the facts in shared/rkllm-abi.md, not copied from Rockchip's rkllm.h.
 * Both generations live side by side with a suffix (_v130, _v12x) so the JNI bridge can
 * speak either one; a library built for one generation (the simulator) defines
 * RKLLM_ABI_VERSION to 130 or 122 and gets the unsuffixed names and prototypes.
 * Every size and offset is pinned by a static assert below.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void *LLMHandle;

typedef enum {
    RKLLM_RUN_NORMAL = 0,  /* one token */
    RKLLM_RUN_WAITING = 1, /* text so far ends in an incomplete UTF-8 character */
    RKLLM_RUN_FINISH = 2,  /* done; perf stats valid */
    RKLLM_RUN_ERROR = 3
} LLMCallState;

enum {
    RKLLM_INPUT_PROMPT = 0,
    RKLLM_INPUT_TOKEN = 1,
    RKLLM_INPUT_EMBED = 2,
    RKLLM_INPUT_MULTIMODAL = 3
};

enum {
    RKLLM_INFER_GENERATE = 0,
    RKLLM_INFER_GET_LAST_HIDDEN_LAYER = 1,
    RKLLM_INFER_GET_LOGITS = 2
};

/* Callback return values. */
enum {
    RKLLM_CALLBACK_CONTINUE = 0,
    RKLLM_CALLBACK_PAUSE = 1,         /* stop here; a later run resumes */
    RKLLM_CALLBACK_RELEASE_BUFFER = 2 /* 1.3.0 only */
};

/* ---- Shared by both generations ---------------------------------------------------- */

typedef struct {
    int32_t base_domain_id;
    int8_t embed_flash;
    int8_t enabled_cpus_num;
    uint32_t enabled_cpus_mask;
    uint8_t n_batch;
    int8_t use_cross_attn;
    uint8_t reserved[104];
} RKLLMExtendParam;

typedef struct {
    const char *lora_adapter_name;
} RKLLMLoraParam;

typedef struct {
    int save_prompt_cache;
    const char *prompt_cache_path;
} RKLLMPromptCacheParam;

typedef struct {
    int32_t top_k;
    float top_p;
    float temperature;
    float repeat_penalty;
    float frequency_penalty;
    float presence_penalty;
    int32_t mirostat;
    float mirostat_tau;
    float mirostat_eta;
} RKLLMSamplingParam;

typedef struct {
    float prefill_time_ms;
    int prefill_tokens;
    float generate_time_ms;
    int generate_tokens;
    float memory_usage_mb;
} RKLLMPerfStat;

typedef struct {
    const float *hidden_states;
    int embd_size;
    int num_tokens;
} RKLLMResultLastHiddenLayer;

typedef struct {
    const float *logits;
    int vocab_size;
    int num_tokens;
} RKLLMResultLogits;

typedef struct {
    const char *text;
    int32_t token_id;
    RKLLMResultLastHiddenLayer last_hidden_layer;
    RKLLMResultLogits logits;
    RKLLMPerfStat perf;
} RKLLMResult;

typedef int (*LLMResultCallback)(RKLLMResult *result, void *userdata, LLMCallState state);

typedef struct {
    float *embed;
    size_t n_tokens;
} RKLLMEmbedInput;

typedef struct {
    int32_t *input_ids;
    size_t n_tokens;
} RKLLMTokenInput;

/* ---- 1.3.0 ------------------------------------------------------------------------- */

typedef struct {
    const char *model_path;
    int32_t max_context_len;
    int32_t max_new_tokens;
    int32_t top_k;
    int32_t n_keep;
    float top_p;
    float temperature;
    float repeat_penalty;
    float frequency_penalty;
    float presence_penalty;
    int32_t mirostat;
    float mirostat_tau;
    float mirostat_eta;
    bool skip_special_token;
    bool ignore_eos_token;
    bool is_async;
    RKLLMExtendParam extend_param;
} RKLLMParam_v130;

typedef struct {
    uint8_t opaque[144]; /* multimodal input: not used by npufleet */
} RKLLMMultiModalInput_v130;

typedef struct {
    const char *role;
    bool enable_thinking;
    int32_t input_type;
    union {
        const char *prompt_input;
        RKLLMEmbedInput embed_input;
        RKLLMTokenInput token_input;
        RKLLMMultiModalInput_v130 multimodal_input;
    };
} RKLLMInput_v130;

typedef struct {
    int32_t mode;
    RKLLMLoraParam *lora_params;
    RKLLMPromptCacheParam *prompt_cache_params;
    RKLLMSamplingParam *sampling_params;
    int keep_history;
    int32_t max_new_tokens;
} RKLLMInferParam_v130;

typedef struct {
    LLMResultCallback result_callback;
    void *result_userdata;
    void *tokenizer_callback; /* optional; signature not used by npufleet */
    void *tokenizer_userdata;
    void *embed_callback;
    void *embed_userdata;
} RKLLMCallback_v130;

/* ---- 1.2.x (1.2.1 - 1.2.3) ----------------------------------------------------------- */

typedef struct {
    const char *model_path;
    int32_t max_context_len;
    int32_t max_new_tokens;
    int32_t top_k;
    int32_t n_keep;
    float top_p;
    float temperature;
    float repeat_penalty;
    float frequency_penalty;
    float presence_penalty;
    int32_t mirostat;
    float mirostat_tau;
    float mirostat_eta;
    bool skip_special_token;
    bool is_async;
    const char *img_start;
    const char *img_end;
    const char *img_content;
    RKLLMExtendParam extend_param;
} RKLLMParam_v12x;

typedef struct {
    char *prompt;
    float *image_embed;
    size_t n_image_tokens;
    size_t n_image;
    size_t image_width;
    size_t image_height;
} RKLLMMultiModalInput_v12x;

typedef struct {
    const char *role;
    bool enable_thinking;
    int32_t input_type;
    union {
        const char *prompt_input;
        RKLLMEmbedInput embed_input;
        RKLLMTokenInput token_input;
        RKLLMMultiModalInput_v12x multimodal_input;
    };
} RKLLMInput_v12x;

typedef struct {
    int32_t mode;
    RKLLMLoraParam *lora_params;
    RKLLMPromptCacheParam *prompt_cache_params;
    int keep_history;
} RKLLMInferParam_v12x;

/* ---- Function types, for dlsym ------------------------------------------------------ */

typedef RKLLMParam_v130 (*rkllm_createDefaultParam_v130_fn)(void);
typedef RKLLMParam_v12x (*rkllm_createDefaultParam_v12x_fn)(void);
typedef int (*rkllm_init_v130_fn)(LLMHandle *handle, RKLLMParam_v130 *param, RKLLMCallback_v130 *callback);
typedef int (*rkllm_init_v12x_fn)(LLMHandle *handle, RKLLMParam_v12x *param, LLMResultCallback callback);
typedef int (*rkllm_run_v130_fn)(LLMHandle handle, RKLLMInput_v130 *input, RKLLMInferParam_v130 *param, void *userdata);
typedef int (*rkllm_run_v12x_fn)(LLMHandle handle, RKLLMInput_v12x *input, RKLLMInferParam_v12x *param, void *userdata);
typedef int (*rkllm_abort_fn)(LLMHandle handle);
typedef int (*rkllm_is_running_fn)(LLMHandle handle);
typedef int (*rkllm_destroy_fn)(LLMHandle handle);
typedef int (*rkllm_load_prompt_cache_fn)(LLMHandle handle, const char *prompt_cache_path);
typedef int (*rkllm_release_prompt_cache_fn)(LLMHandle handle);
typedef int (*rkllm_clear_kv_cache_fn)(LLMHandle handle, int keep_system_prompt, int *start_pos, int *end_pos);
typedef int (*rkllm_get_kv_cache_size_fn)(LLMHandle handle, int *cache_sizes);
typedef int (*rkllm_set_chat_template_fn)(LLMHandle handle, const char *system_prompt, const char *prompt_prefix,
                                          const char *prompt_postfix);

/*
 * Extensions exported by npufleet's simulator only (the vendor runtime has none of them).
 * The bridge looks them up with dlsym and treats their absence as "not supported".
 */
typedef int (*rkllm_sim_abi_version_fn)(void);                                    /* 130 or 122 */
typedef int (*rkllm_sim_set_seed_fn)(LLMHandle handle, uint64_t seed);            /* next runs' sampling seed */
typedef int (*rkllm_sim_set_option_fn)(LLMHandle handle, const char *key, const char *value);
typedef const char *(*rkllm_sim_last_error_fn)(LLMHandle handle);                 /* message of the last failure */
typedef int (*rkllm_sim_prompt_tokens_fn)(LLMHandle handle); /* tokens in the last run's whole input, cached or not */

/* ---- One generation, by name (the simulator) ------------------------------------------ */

#if defined(RKLLM_ABI_VERSION)
#if RKLLM_ABI_VERSION == 130
typedef RKLLMParam_v130 RKLLMParam;
typedef RKLLMInput_v130 RKLLMInput;
typedef RKLLMInferParam_v130 RKLLMInferParam;
typedef RKLLMCallback_v130 RKLLMCallback;
#define RKLLM_INIT_CALLBACK_ARG RKLLMCallback *callback
#elif RKLLM_ABI_VERSION == 122
typedef RKLLMParam_v12x RKLLMParam;
typedef RKLLMInput_v12x RKLLMInput;
typedef RKLLMInferParam_v12x RKLLMInferParam;
#define RKLLM_INIT_CALLBACK_ARG LLMResultCallback callback
#else
#error "RKLLM_ABI_VERSION must be 130 or 122"
#endif

RKLLMParam rkllm_createDefaultParam(void);
int rkllm_init(LLMHandle *handle, RKLLMParam *param, RKLLM_INIT_CALLBACK_ARG);
int rkllm_run(LLMHandle handle, RKLLMInput *input, RKLLMInferParam *param, void *userdata);
int rkllm_run_async(LLMHandle handle, RKLLMInput *input, RKLLMInferParam *param, void *userdata);
int rkllm_abort(LLMHandle handle);
int rkllm_is_running(LLMHandle handle);
int rkllm_destroy(LLMHandle handle);
int rkllm_load_prompt_cache(LLMHandle handle, const char *prompt_cache_path);
int rkllm_release_prompt_cache(LLMHandle handle);
int rkllm_clear_kv_cache(LLMHandle handle, int keep_system_prompt, int *start_pos, int *end_pos);
int rkllm_get_kv_cache_size(LLMHandle handle, int *cache_sizes);
int rkllm_set_chat_template(LLMHandle handle, const char *system_prompt, const char *prompt_prefix,
                            const char *prompt_postfix);

int rkllm_sim_abi_version(void);
int rkllm_sim_set_seed(LLMHandle handle, uint64_t seed);
int rkllm_sim_set_option(LLMHandle handle, const char *key, const char *value);
const char *rkllm_sim_last_error(LLMHandle handle);
int rkllm_sim_prompt_tokens(LLMHandle handle);
#endif

/* ---- The layout facts, pinned (LP64 only) --------------------------------------------- */

#if defined(__LP64__) || defined(_LP64)
#define RKLLM_ABI_ASSERT_SIZE(T, n) _Static_assert(sizeof(T) == (n), "sizeof " #T)
#define RKLLM_ABI_ASSERT_AT(T, f, n) _Static_assert(offsetof(T, f) == (n), "offsetof " #T "." #f)

RKLLM_ABI_ASSERT_SIZE(RKLLMExtendParam, 120);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, base_domain_id, 0);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, embed_flash, 4);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, enabled_cpus_num, 5);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, enabled_cpus_mask, 8);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, n_batch, 12);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, use_cross_attn, 13);
RKLLM_ABI_ASSERT_AT(RKLLMExtendParam, reserved, 14);

RKLLM_ABI_ASSERT_SIZE(RKLLMParam_v130, 184);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, model_path, 0);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, max_context_len, 8);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, max_new_tokens, 12);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, top_k, 16);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, n_keep, 20);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, top_p, 24);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, temperature, 28);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, repeat_penalty, 32);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, frequency_penalty, 36);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, presence_penalty, 40);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, mirostat, 44);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, mirostat_tau, 48);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, mirostat_eta, 52);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, skip_special_token, 56);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, ignore_eos_token, 57);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, is_async, 58);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v130, extend_param, 60);

RKLLM_ABI_ASSERT_SIZE(RKLLMInput_v130, 160);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v130, role, 0);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v130, enable_thinking, 8);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v130, input_type, 12);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v130, prompt_input, 16);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v130, token_input, 16);

RKLLM_ABI_ASSERT_SIZE(RKLLMInferParam_v130, 40);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, mode, 0);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, lora_params, 8);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, prompt_cache_params, 16);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, sampling_params, 24);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, keep_history, 32);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v130, max_new_tokens, 36);

RKLLM_ABI_ASSERT_SIZE(RKLLMSamplingParam, 36);
RKLLM_ABI_ASSERT_AT(RKLLMSamplingParam, mirostat_eta, 32);

RKLLM_ABI_ASSERT_SIZE(RKLLMPromptCacheParam, 16);
RKLLM_ABI_ASSERT_AT(RKLLMPromptCacheParam, save_prompt_cache, 0);
RKLLM_ABI_ASSERT_AT(RKLLMPromptCacheParam, prompt_cache_path, 8);

RKLLM_ABI_ASSERT_SIZE(RKLLMResult, 72);
RKLLM_ABI_ASSERT_AT(RKLLMResult, text, 0);
RKLLM_ABI_ASSERT_AT(RKLLMResult, token_id, 8);
RKLLM_ABI_ASSERT_AT(RKLLMResult, last_hidden_layer, 16);
RKLLM_ABI_ASSERT_AT(RKLLMResult, logits, 32);
RKLLM_ABI_ASSERT_AT(RKLLMResult, perf, 48);

RKLLM_ABI_ASSERT_SIZE(RKLLMCallback_v130, 48);

RKLLM_ABI_ASSERT_SIZE(RKLLMParam_v12x, 208);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, skip_special_token, 56);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, is_async, 57);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, img_start, 64);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, img_end, 72);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, img_content, 80);
RKLLM_ABI_ASSERT_AT(RKLLMParam_v12x, extend_param, 88);

RKLLM_ABI_ASSERT_SIZE(RKLLMInput_v12x, 64);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v12x, input_type, 12);
RKLLM_ABI_ASSERT_AT(RKLLMInput_v12x, prompt_input, 16);

RKLLM_ABI_ASSERT_SIZE(RKLLMInferParam_v12x, 32);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v12x, prompt_cache_params, 16);
RKLLM_ABI_ASSERT_AT(RKLLMInferParam_v12x, keep_history, 24);
#endif

#ifdef __cplusplus
}
#endif

#endif /* NPUFLEET_RKLLM_ABI_H */
