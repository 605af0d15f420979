/*
 * fuzz_jsonl.c -- libFuzzer target for the JSONL reader.
 *
 *   clang -std=c11 -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -Icore -I/usr/include/cjson tests/fuzz/fuzz_jsonl.c \
 *     $(find core/base core/data core/io -name '*.c') -lcjson -lm \
 *     -o build/fuzz_jsonl && build/fuzz_jsonl -max_len=4096
 *
 * The input is read through fmemopen, record by record, with warnings
 * collected, until the end or a fatal status; every record and every
 * problem must be handled without a crash, a leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
  if(a && icp_reader_open_stream(&r, fp, "fuzz.jsonl", NULL, s, &err) ==
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
  icp_account_free(a);
  icp_schema_free(s);
  fclose(fp);
  return 0;
}
