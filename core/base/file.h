/*
 * file.h -- the one way a whole file is read: in chunks, by one loop, either
 * handed to a callback (counting, hashing) or collected into memory under a
 * size cap. The streaming account readers (core/io/) are another thing:
 * they parse records as they come.
 */
#ifndef ICP_FILE_H
#define ICP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "icp.h"

/* Reads path from start to end, handing each chunk to fn (n > 0); fn
 * returns 0 to go on, anything else to stop early (then ICP_OK). ICP_EIO
 * when the file cannot be opened (errno is fopen's, e.g. ENOENT) or read,
 * naming it in err. */
enum icp_status icp_file_scan(const char *path,
                              int (*fn)(void *ctx, const char *p, size_t n),
                              void *ctx, struct icp_err *err);

/* Reads a whole file into a NUL-terminated malloc'd buffer (at most max
 * bytes, else ICP_ELIMIT); the caller frees *out. Errors as
 * icp_file_scan's, or ICP_ENOMEM. */
enum icp_status icp_read_file(const char *path, size_t max, char **out,
                              size_t *len, struct icp_err *err);

/* The one loop that reads part of an open file in place (pread, so that
 * threads read one file side by side): n bytes at off into buf, fewer
 * only at the file's end. The bytes read, or -1 with errno set; EINTR is
 * retried. */
ssize_t icp_pread_full(int fd, void *buf, size_t n, uint64_t off);

#endif
