/*
 * fuzz_pack.c -- libFuzzer target for the rule pack loader (`make fuzz`).
 *
 * The input is a pack's text, loaded into a fresh schema and pack with a
 * small memory cap and instruction budget (a hostile pack must hit them
 * and be reported, not hang or crash); a pack that loads is also scored
 * once against an empty account, so compiled predicates run too. Every
 * diagnostic must name the pack ("fuzz.lua").
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/schema.h"
#include "rules/rules.h"
#include "score/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct icp_pack_opts opts = { (size_t)8 << 20, 200000 };
  struct icp_schema *s = icp_schema_new();
  struct icp_pack *p = s ? icp_pack_new(s, &opts) : NULL;
  struct icp_err err;
  int i;
  if(p && icp_pack_load_text(p, "fuzz.lua", (const char *)data, size,
                             &err) == ICP_OK) {
    struct icp_account *a = icp_account_new(s);
    struct icp_result *r = a ? icp_result_new(p) : NULL;
    if(r)
      icp_score(p, a, r, 1);
    icp_result_free(r);
    icp_account_free(a);
  }
  for(i = 0; p && i < icp_pack_ndiags(p); i++)
    if(!strstr(icp_pack_diag(p, i), "fuzz.lua"))
      abort(); /* a load error that does not name its file */
  icp_pack_free(p);
  icp_schema_free(s);
  return 0;
}
