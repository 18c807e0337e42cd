#ifndef CONSTITUTION_CSYSTEM_H
#define CONSTITUTION_CSYSTEM_H

#include <stddef.h>
#include <sys/types.h>

/// Reads the entries of the folder open as `fd` into `buffer` as Linux `dirent64` records
/// (inode, offset, record length at byte 16, type at byte 18, NUL-terminated name from byte 19).
/// Returns the bytes written, 0 at the end of the folder, or -1 with errno set (ENOSYS where the
/// system has no getdents64).
ssize_t constitution_getdents64(int fd, void *buffer, size_t length);

/// How a supervised child ended (see `constitution_supervise`).
enum {
    /// `detail` is its exit status.
    CONSTITUTION_CHILD_EXITED = 0,
    /// `detail` is the signal that killed it.
    CONSTITUTION_CHILD_SIGNALED = 1,
    /// It ran past the time limit and was killed.
    CONSTITUTION_CHILD_TIMED_OUT = 2,
    /// fork() failed; `detail` is errno. Nothing runs in a child: the caller does the work.
    CONSTITUTION_FORK_FAILED = 3,
};

/// Runs the rest of the program in a child process, so that whatever happens to it (a trap, a
/// stack overflow, an abort, a hang) its parent can still answer. Call it while the process has
/// a single thread. Returns 0 in the child, which carries on. In the parent, waits for the child
/// for at most `timeout_ms` milliseconds (killing it with SIGKILL when time runs out), stores how
/// it ended in `*outcome` and `*detail`, and returns 1; with CONSTITUTION_FORK_FAILED it returns
/// 1 without a child.
int constitution_supervise(int timeout_ms, int *outcome, int *detail);

#endif
