/* file.c -- whole-file reading: one chunk loop (icp_file_scan), and the
 * in-memory read with a cap built on it through core/base/buf.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"

#define CHUNK 65536

enum icp_status icp_file_scan(const char *path,
                              int (*fn)(void *ctx, const char *p, size_t n),
                              void *ctx, struct icp_err *err)
{
  FILE *fp = fopen(path, "rb");
  char chunk[CHUNK];
  size_t got;
  int bad;
  if(!fp) {
    int e = errno;
    icp_err_set(err, ICP_EIO, "%s: %s", path, strerror(e));
    errno = e;  /* the caller may tell a missing file from others */
    return ICP_EIO;
  }
  while((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    if(fn(ctx, chunk, got)) {
      fclose(fp);
      return ICP_OK;
    }
  bad = ferror(fp);
  fclose(fp);
  if(bad)
    return icp_err_set(err, ICP_EIO, "%s: read error", path);
  return ICP_OK;
}

/* Collects chunks into the buffer; stops at its first failed append. */
static int collect(void *ctx, const char *p, size_t n)
{
  return icp_buf_add(ctx, p, n) != ICP_OK;
}

enum icp_status icp_read_file(const char *path, size_t max, char **out,
                              size_t *len, struct icp_err *err)
{
  struct icp_buf b;
  enum icp_status st;
  icp_buf_init(&b, max);
  icp_buf_add(&b, "", 0);  /* an empty file reads as "" */
  st = icp_file_scan(path, collect, &b, err);
  if(!st && icp_buf_status(&b) == ICP_ELIMIT)
    st = icp_err_set(err, ICP_ELIMIT, "%s: larger than %zu bytes", path,
                     max);
  else if(!st && icp_buf_status(&b))
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  if(st) {
    icp_buf_free(&b);
    return st;
  }
  *out = b.p;
  *len = b.len;
  return ICP_OK;
}

ssize_t icp_pread_full(int fd, void *buf, size_t n, uint64_t off)
{
  size_t got = 0;
  while(got < n) {
    ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
    if(r < 0 && errno == EINTR)
      continue;
    if(r < 0)
      return -1;
    if(!r)
      break; /* the end of the file */
    got += (size_t)r;
  }
  return (ssize_t)got;
}
