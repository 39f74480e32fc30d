/* sim_script.c: the scripted mode: a file of prompt -> reply pairs; a run whose prompt holds a key answers its reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SCRIPT_MAX_BYTES (1 << 20)
#define ENTRY_MARK ">>> "

/* Reads the whole file into a NUL-terminated buffer. */
static char *read_file(const char *path, char *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, SIM_ERR_LEN, "script: cannot open \"%.180s\"", path);
        return NULL;
    }
    char *buf = malloc(SCRIPT_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SCRIPT_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf || n > SCRIPT_MAX_BYTES) {
        free(buf);
        snprintf(err, SIM_ERR_LEN, "script: \"%.160s\" is larger than %d bytes", path, SCRIPT_MAX_BYTES);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Copies a key line (up to end), turning "\n" into a newline and "\\" into a backslash. */
static char *unescape_key(const char *from, const char *end)
{
    char *key = malloc((size_t)(end - from) + 1);
    size_t at = 0;
    if (!key) {
        return NULL;
    }
    for (const char *p = from; p < end; p++) {
        if (*p == '\\' && p + 1 < end && (p[1] == 'n' || p[1] == '\\')) {
            key[at++] = p[1] == 'n' ? '\n' : '\\';
            p++;
        } else {
            key[at++] = *p;
        }
    }
    key[at] = '\0';
    return key;
}

/* Position just after the last occurrence of key in prompt, or -1. */
static long last_end(const char *prompt, const char *key)
{
    long best = -1;
    size_t klen = strlen(key);
    for (const char *p = strstr(prompt, key); p; p = strstr(p + 1, key)) {
        best = (long)(p - prompt) + (long)klen;
    }
    return best;
}

/* A malloc'd copy of an entry's reply, from body up to the next entry (or the file's end, less one newline). */
static char *copy_body(const char *body, const char *next)
{
    size_t len = next ? (size_t)(next - body) : strlen(body);
    if (!next && len > 0 && body[len - 1] == '\n') {
        len--;
    }
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    return copy;
}

/*
 * Finds the reply to prompt in the script at path: among the entries whose key occurs in the prompt, the one whose
 * key ends latest (so a later turn's key wins over an earlier turn's). *reply is a malloc'd copy, or NULL when no key
 * occurs. Returns SIM_FAIL with err set when the file cannot be read or holds no entry.
 */
int sim_script_reply(const char *path, const char *prompt, char **reply, char *err)
{
    *reply = NULL;
    char *text = read_file(path, err);
    if (!text) {
        return SIM_FAIL;
    }
    char *entry = strncmp(text, ENTRY_MARK, 4) == 0 ? text : strstr(text, "\n" ENTRY_MARK);
    if (!entry) {
        free(text);
        snprintf(err, SIM_ERR_LEN, "script: \"%.150s\" has no entry (a line starting with \"%s\")", path, ENTRY_MARK);
        return SIM_FAIL;
    }
    long best = -1;
    int rc = SIM_OK;
    while (entry && rc == SIM_OK) {
        char *key_at = entry + (entry[0] == '\n' ? 1 : 0) + 4;
        char *key_end = strchr(key_at, '\n');
        char *body = key_end ? key_end + 1 : key_at + strlen(key_at);
        char *next = key_end ? strstr(key_end, "\n" ENTRY_MARK) : NULL;
        char *key = unescape_key(key_at, key_end ? key_end : body);
        long at = key && key[0] ? last_end(prompt, key) : -1;
        if (!key) {
            rc = SIM_FAIL;
            snprintf(err, SIM_ERR_LEN, "script: out of memory");
        } else if (at > best) {
            free(*reply);
            *reply = copy_body(body, next);
            best = *reply ? at : best;
        }
        free(key);
        entry = next;
    }
    free(text);
    return rc;
}
