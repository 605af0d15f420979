/*
 * test_file.c -- core/base/file: the one whole-file reader. A file comes
 * back whole and NUL-terminated (an empty one as ""), one over the cap is
 * ICP_ELIMIT naming it, a missing one ICP_EIO with errno kept, and the
 * chunk loop hands over every byte in order and stops when asked.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

static char path[64];

static void write_file(size_t n)
{
  FILE *fp;
  size_t i;
  snprintf(path, sizeof(path), "/tmp/icp_test_file_%ld", (long)getpid());
  fp = fopen(path, "wb");
  cr_assert_not_null(fp);
  for(i = 0; i < n; i++)
    fputc('a' + (int)(i % 26), fp);
  fclose(fp);
}

static void done(void)
{
  remove(path);
}

Test(file, a_file_comes_back_whole_and_terminated, .fini = done)
{
  char *text;
  size_t len, i;
  struct icp_err err;
  write_file(200000);  /* more than one chunk */
  cr_assert_eq(icp_read_file(path, 1 << 20, &text, &len, &err), ICP_OK);
  cr_assert_eq(len, 200000);
  cr_assert_eq(text[len], 0);
  for(i = 0; i < len; i++)
    if(text[i] != 'a' + (int)(i % 26))
      cr_assert_fail("byte %zu differs", i);
  free(text);
}

Test(file, an_empty_file_reads_as_an_empty_string, .fini = done)
{
  char *text = NULL;
  size_t len = 1;
  struct icp_err err;
  write_file(0);
  cr_assert_eq(icp_read_file(path, 10, &text, &len, &err), ICP_OK);
  cr_assert_not_null(text);
  cr_assert_eq(len, 0);
  cr_assert_str_eq(text, "");
  free(text);
}

Test(file, a_file_over_the_cap_is_a_limit_naming_it, .fini = done)
{
  char *text = NULL;
  size_t len;
  struct icp_err err;
  write_file(101);
  cr_assert_eq(icp_read_file(path, 100, &text, &len, &err), ICP_ELIMIT);
  cr_assert_null(text);
  cr_assert(strstr(err.msg, path) && strstr(err.msg, "larger than 100"),
            "%s", err.msg);
  write_file(100);  /* exactly the cap fits */
  cr_assert_eq(icp_read_file(path, 100, &text, &len, &err), ICP_OK);
  cr_assert_eq(len, 100);
  free(text);
}

Test(file, a_missing_file_is_an_io_error_with_errno_kept)
{
  char *text = NULL;
  size_t len;
  struct icp_err err;
  cr_assert_eq(icp_read_file("/nonexistent/icp/x", 10, &text, &len, &err),
               ICP_EIO);
  cr_assert_eq(errno, ENOENT);
  cr_assert(strstr(err.msg, "/nonexistent/icp/x"), "%s", err.msg);
  cr_assert_null(text);
}

struct tally {
  size_t bytes;
  int calls, stop_after;
};

static int count(void *ctx, const char *p, size_t n)
{
  struct tally *t = ctx;
  (void)p;
  t->bytes += n;
  return ++t->calls == t->stop_after;
}

Test(file, the_chunk_loop_sees_every_byte_and_stops_when_asked, .fini = done)
{
  struct tally t = { 0, 0, 0 };
  struct icp_err err;
  write_file(300000);
  cr_assert_eq(icp_file_scan(path, count, &t, &err), ICP_OK);
  cr_assert_eq(t.bytes, 300000);
  cr_assert_gt(t.calls, 1);
  memset(&t, 0, sizeof(t));
  t.stop_after = 1;
  cr_assert_eq(icp_file_scan(path, count, &t, &err), ICP_OK);
  cr_assert_eq(t.calls, 1);
  cr_assert_lt(t.bytes, 300000);
}

Test(file, part_of_a_file_is_read_in_place_and_short_only_at_its_end,
     .fini = done)
{
  char buf[300000];
  int fd;
  size_t i;
  write_file(200000);
  fd = open(path, O_RDONLY);
  cr_assert_geq(fd, 0);
  cr_assert_eq(icp_pread_full(fd, buf, 150000, 1000), 150000);
  for(i = 0; i < 150000; i++)
    if(buf[i] != 'a' + (int)((i + 1000) % 26))
      cr_assert_fail("byte %zu differs", i);
  cr_assert_eq(icp_pread_full(fd, buf, sizeof(buf), 190000), 10000);
  cr_assert_eq(buf[0], 'a' + 190000 % 26);
  cr_assert_eq(icp_pread_full(fd, buf, 10, 200000), 0, "at the end");
  close(fd);
  errno = 0;
  cr_assert_eq(icp_pread_full(fd, buf, 10, 0), -1, "a closed descriptor");
  cr_assert_eq(errno, EBADF);
}
