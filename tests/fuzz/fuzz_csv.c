/*
 * fuzz_csv.c -- libFuzzer target for the CSV reader.
 *
 *   clang -std=c11 -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -Icore -I/usr/include/cjson tests/fuzz/fuzz_csv.c \
 *     $(find core/base core/data core/io -name '*.c') -lcjson -lm \
 *     -o build/fuzz_csv && build/fuzz_csv -max_len=4096
 *
 * The input is read through fmemopen, record by record, with warnings
 * collected, until the end or a fatal status; every record and every
 * problem must be handled without a crash, a leak or undefined behaviour.
 * Then it is cut into chunks as the workers of --threads cut it, a block
 * at a time and record by record (a byte range that holds it all), with a
 * chunk size from its first byte: the two cuts must be the same, byte for
 * byte, and every chunk is parsed by a sub-reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "io/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_warn(void *ud, const char *msg)
{
  size_t *n = ud;
  *n += strlen(msg);
}

/* Opens data as a CSV stream into *r (and *fp): 0 when it opened. */
static int open_csv(const uint8_t *data, size_t size, struct icp_schema *s,
                    FILE **fp, struct icp_reader **r)
{
  struct icp_err err;
  *fp = fmemopen((void *)data, size, "r");
  if(!*fp)
    return -1;
  if(icp_reader_open_stream(r, *fp, "fuzz.csv", NULL, s, &err) == ICP_OK)
    return 0;
  fclose(*fp);
  *fp = NULL;
  return -1;
}

/* The next chunk of r into c; its status, the chunk's fields compared by
 * the caller. */
static enum icp_status next_chunk(struct icp_reader *r, struct icp_chunk *c,
                                  size_t want)
{
  struct icp_err err;
  return icp_reader_chunk(r, c, want, &err);
}

/* Cuts data both ways and aborts when the cuts differ. */
static void cut_both(const uint8_t *data, size_t size, struct icp_schema *s)
{
  size_t want = 1 + (size_t)data[0] * 3;
  struct icp_reader *a = NULL, *b = NULL, *sub = NULL;
  struct icp_account *acc = icp_account_new(s);
  struct icp_chunk ca, cb;
  FILE *fa = NULL, *fb = NULL;
  long n = 0;
  icp_buf_init(&ca.data, want + 2 * ICP_READER_RECORD_MAX + 64);
  icp_buf_init(&cb.data, want + 2 * ICP_READER_RECORD_MAX + 64);
  if(acc && !open_csv(data, size, s, &fa, &a) &&
     !open_csv(data, size, s, &fb, &b)) {
    struct icp_err err;
    icp_reader_set_range(b, 0, UINT64_MAX - 1); /* record by record */
    if(icp_reader_open_sub(&sub, a, &err))
      sub = NULL;
    while(n++ < 100000) {
      enum icp_status sa = next_chunk(a, &ca, want);
      enum icp_status sb = next_chunk(b, &cb, want);
      if(sa != sb || ca.data.len != cb.data.len || ca.line != cb.line ||
         ca.bad_line != cb.bad_line ||
         (ca.data.len && memcmp(ca.data.p, cb.data.p, ca.data.len)) ||
         (ca.bad_line && strcmp(ca.bad, cb.bad)))
        abort(); /* a block cut that is not the record cut */
      if(sa != ICP_OK)
        break;
      if(sub) { /* the workers' parse of it */
        long k;
        icp_reader_load(sub, &ca);
        for(k = 0; k < 100000 && icp_reader_next(sub, acc, &err) !=
                                   ICP_EOF; k++)
          ;
      }
    }
  }
  icp_reader_close(sub);
  icp_reader_close(a);
  icp_reader_close(b);
  if(fa)
    fclose(fa);
  if(fb)
    fclose(fb);
  icp_buf_free(&ca.data);
  icp_buf_free(&cb.data);
  icp_account_free(acc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct icp_schema *s;
  struct icp_account *a;
  struct icp_reader *r;
  struct icp_err err;
  enum icp_status st;
  size_t warned = 0;
  long n = 0;
  FILE *fp;

  if(!size)
    return 0;
  fp = fmemopen((void *)data, size, "r");
  if(!fp)
    return 0;
  s = icp_schema_new();
  a = s ? icp_account_new(s) : NULL;
  if(a && icp_reader_open_stream(&r, fp, "fuzz.csv", NULL, s, &err) ==
            ICP_OK) {
    icp_reader_set_warn(r, on_warn, &warned);
    while(n++ < 1000000) {
      st = icp_reader_next(r, a, &err);
      if(st == ICP_EOF || st == ICP_EIO || st == ICP_ENOMEM)
        break;
      /* a kept record's values must be readable */
      if(st == ICP_OK)
        (void)icp_account_domain(a);
    }
    icp_reader_close(r);
  }
  if(s)
    cut_both(data, size, s);
  icp_account_free(a);
  icp_schema_free(s);
  fclose(fp);
  return 0;
}
