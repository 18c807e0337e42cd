#ifndef CONSTITUTION_CSYSTEM_H
#define CONSTITUTION_CSYSTEM_H

#include <stddef.h>
#include <sys/types.h>

/// Reads the entries of the folder open as `fd` into `buffer` as Linux `dirent64` records
/// (inode, offset, record length at byte 16, type at byte 18, NUL-terminated name from byte 19).
/// Returns the bytes written, 0 at the end of the folder, or -1 with errno set (ENOSYS where the
/// system has no getdents64).
ssize_t constitution_getdents64(int fd, void *buffer, size_t length);

#endif
