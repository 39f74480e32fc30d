/* check_faults.c: fault injection kills the process like a dying board (checked in forked children). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Runs prompt in a child with one RKLLM_SIM_* variable set; returns the wait status, tokens seen via *tokens. */
static int child_run(const char *tiny, const char *var, const char *value, const char *prompt, int *tokens)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        setenv(var, value, 1);
        Collector c;
        collector_init(&c);
        LLMHandle h = open_handle(tiny, &(HandleOpts){2048, 40, 1, 0.8f, 1}, NULL);
        if (!h) {
            _exit(3);
        }
        /* Each token is reported at once, so the parent knows how far the child got before it died. */
        c.report_fd = fds[1];
        int rc = run_text(h, &c, prompt, 0, NULL);
        rkllm_destroy(h);
        _exit(rc == 0 ? 0 : 5);
    }
    close(fds[1]);
    int status = -1;
    waitpid(pid, &status, 0);
    char buf[256];
    ssize_t n;
    *tokens = 0;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        *tokens += (int)n;
    }
    close(fds[0]);
    return status;
}

static int killed(int status)
{
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

void check_faults(const char *tiny)
{
    int tokens;
    int st = child_run(tiny, "RKLLM_SIM_CRASH_AFTER_TOKENS", "3", "hello there", &tokens);
    CHECK(killed(st) && tokens == 3, "crash_after_tokens kills the process after 3 tokens (status %d, %d tokens)",
          st, tokens);
    st = child_run(tiny, "RKLLM_SIM_CRASH_ON", "POISON", "this job carries POISON inside", &tokens);
    CHECK(killed(st) && tokens == 0, "crash_on kills a run whose input holds the text (status %d)", st);
    st = child_run(tiny, "RKLLM_SIM_CRASH_ON", "POISON", "a harmless job", &tokens);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && tokens > 0, "other inputs run normally (status %d, %d tokens)",
          st, tokens);
    st = child_run(tiny, "RKLLM_SIM_CRASH_AFTER_TOKENS", "1000", "hello there", &tokens);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && tokens > 0 && tokens <= 40, "a run shorter than N survives");
}
