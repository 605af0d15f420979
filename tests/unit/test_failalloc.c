/*
 * test_failalloc.c -- out of memory at every allocation of a pack load
 * (linked with tests/alloc/failalloc.c, which fails the Nth allocation):
 * a pack with an error never loads as valid, a good pack loads whole or
 * not at all, and a diagnostic that cannot be kept still counts.
 */
#include "test_support.h"

void icp_failalloc_arm(long n);
long icp_failalloc_count(void);

#include "rules/pack.h"

Test(failalloc, a_diagnostic_lost_to_out_of_memory_still_counts)
{
  struct icp_diags d;
  memset(&d, 0, sizeof(d));
  icp_failalloc_arm(1); /* the message array */
  icp_diags_add(&d, "pk.lua:3: something wrong");
  icp_failalloc_arm(0);
  cr_assert_eq(d.n, 0);
  cr_assert_eq(icp_diags_count(&d), 1);
  cr_assert(strstr(icp_diags_msg(&d, 0), "out of memory"));
  icp_diags_add(&d, "pk.lua:4: kept");
  icp_failalloc_arm(1); /* the copy of the message */
  icp_diags_add(&d, "pk.lua:5: lost");
  icp_failalloc_arm(0);
  cr_assert_eq(icp_diags_count(&d), 2);
  cr_assert_str_eq(icp_diags_msg(&d, 0), "pk.lua:4: kept");
  cr_assert(strstr(icp_diags_msg(&d, 1), "out of memory"));
  cr_assert_null(icp_diags_msg(&d, 2));
  icp_diags_free(&d);
}

static const char good[] = T_PROFILE
  "fields { n = \"number\", plan = \"string\" }\n"
  "rule \"big\" { dimension = \"fit\", points = 10, when = field \"n\" :gt(5),"
  " description = \"a big one\" }\n"
  "rule \"plan\" { dimension = \"fit\", points = 5,\n"
  "  when = field \"plan\" :one_of { \"pro\", \"team\" } }\n"
  "rule \"fn\" { dimension = \"fit\", points = 5,\n"
  "  when = function(a) return (a.n or 0) > 1 end }\n"
  "exclude \"neg\" { when = field \"n\" :lt(0), reason = \"negative\" }\n"
  "route { tier = \"A\", to = \"ae\" }\n"
  "route { default = true, to = \"queue\" }\n";

/* the good pack with a duplicate rule name at its end */
static const char bad[] = T_PROFILE
  "fields { n = \"number\" }\n"
  "rule \"big\" { dimension = \"fit\", points = 10, when = field \"n\" :gt(5)"
  " }\n"
  "rule \"fn\" { dimension = \"fit\", points = 5,\n"
  "  when = function(a) return (a.n or 0) > 1 end }\n"
  "rule \"big\" { dimension = \"fit\", points = 1, when = field \"n\" :gt(1)"
  " }\n";

/* Loads text failing allocation n (0: none); returns the status and the
 * number of allocations made. */
static enum icp_status load_failing(const char *text, long n, long *count,
                                    int *nrules)
{
  struct icp_schema *s;
  struct icp_pack *p;
  struct icp_err err;
  enum icp_status st = ICP_ENOMEM;
  icp_failalloc_arm(n);
  s = icp_schema_new();
  p = s ? icp_pack_new(s, NULL) : NULL;
  if(p)
    st = icp_pack_load_text(p, "pk.lua", text, strlen(text), &err);
  *count = icp_failalloc_count();
  icp_failalloc_arm(0);
  *nrules = p ? p->nrules : -1;
  if(st == ICP_OK)
    cr_assert_eq(icp_pack_ndiags(p), 0);
  else if(p && st == ICP_ELOAD)
    cr_assert_gt(icp_pack_ndiags(p), 0);
  icp_pack_free(p);
  icp_schema_free(s);
  return st;
}

Test(failalloc, a_bad_pack_never_loads_whatever_allocation_fails)
{
  long total, n, c;
  int nr;
  cr_assert_eq(load_failing(bad, 0, &total, &nr), ICP_ELOAD);
  cr_assert_gt(total, 100);
  for(n = 1; n <= total; n++)
    cr_assert_neq(load_failing(bad, n, &c, &nr), ICP_OK,
                  "allocation %ld of %ld failed and the bad pack loaded", n,
                  total);
}

Test(failalloc, a_good_pack_loads_whole_or_not_at_all)
{
  long total, n, c, ok = 0;
  int nr, want;
  cr_assert_eq(load_failing(good, 0, &total, &want), ICP_OK);
  cr_assert_eq(want, 3);
  for(n = 1; n <= total; n++)
    if(load_failing(good, n, &c, &nr) == ICP_OK) {
      cr_assert_eq(nr, want, "allocation %ld: %d rules", n, nr);
      ok++;
    }
  cr_assert_lt(ok, total);
}
