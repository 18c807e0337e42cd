#define _GNU_SOURCE
#include "CSystem.h"

#include <errno.h>
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
