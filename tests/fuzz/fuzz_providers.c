/*
 * fuzz_providers.c -- libFuzzer target for the providers-file loader
 * (`make fuzz`). The loader reads a path, so each input is written to a
 * file of this process under $TMPDIR (default /tmp) and loaded from
 * there; the file is removed at exit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/providers.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256];

static void cleanup(void)
{
  unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *tmp = getenv("TMPDIR");
  (void)argc;
  (void)argv;
  snprintf(path, sizeof(path), "%s/icp-fuzz-providers-%ld.lua",
           tmp ? tmp : "/tmp", (long)getpid());
  atexit(cleanup);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct icp_providers *pv = NULL;
  struct icp_err err;
  FILE *fp = fopen(path, "wb");
  if(!fp)
    abort();
  if(fwrite(data, 1, size, fp) != size || fclose(fp))
    abort();
  if(icp_providers_load(&pv, path, &err) == ICP_OK)
    icp_providers_free(pv);
  return 0;
}
