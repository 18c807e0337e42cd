#define _GNU_SOURCE
#include "CSystem.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

ssize_t constitution_getdents64(int fd, void *buffer, size_t length) {
#if defined(__linux__) && defined(SYS_getdents64)
    return syscall(SYS_getdents64, fd, buffer, length);
#else
    (void)fd;
    (void)buffer;
    (void)length;
    errno = ENOSYS;
    return -1;
#endif
}

int constitution_supervise(int timeout_ms, int *outcome, int *detail) {
    sigset_t child_set, old_set;
    // An inherited SIG_IGN would make the kernel reap the child itself, and its status be lost.
    signal(SIGCHLD, SIG_DFL);
    sigemptyset(&child_set);
    sigaddset(&child_set, SIGCHLD);
    // SIGCHLD is blocked before the fork so that its arrival cannot be missed between fork and
    // sigtimedwait; the child gets the caller's mask back.
    if (sigprocmask(SIG_BLOCK, &child_set, &old_set) != 0) {
        *outcome = CONSTITUTION_FORK_FAILED;
        *detail = errno;
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        *outcome = CONSTITUTION_FORK_FAILED;
        *detail = errno;
        sigprocmask(SIG_SETMASK, &old_set, NULL);
        return 1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old_set, NULL);
        return 0;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            // The child cannot be waited for (it is not ours any more): treat as a failure.
            *outcome = CONSTITUTION_CHILD_SIGNALED;
            *detail = 0;
            sigprocmask(SIG_SETMASK, &old_set, NULL);
            return 1;
        }
        struct timespec now, left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = deadline.tv_sec - now.tv_sec;
        left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
            left.tv_sec -= 1;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            *outcome = CONSTITUTION_CHILD_TIMED_OUT;
            *detail = timeout_ms;
            sigprocmask(SIG_SETMASK, &old_set, NULL);
            return 1;
        }
        sigtimedwait(&child_set, NULL, &left);
    }
    sigprocmask(SIG_SETMASK, &old_set, NULL);
    if (WIFEXITED(status)) {
        *outcome = CONSTITUTION_CHILD_EXITED;
        *detail = WEXITSTATUS(status);
    } else {
        *outcome = CONSTITUTION_CHILD_SIGNALED;
        *detail = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return 1;
}
