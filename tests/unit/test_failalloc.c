/*
 * test_failalloc.c -- out of memory at every allocation of a pack load
 * (linked with tests/alloc/failalloc.c, which fails the Nth allocation):
 * a pack with an error never loads as valid, a good pack loads whole or
 * not at all, and a diagnostic that cannot be kept still counts.
 */
#include "test_support.h"

void icp_failalloc_arm(long n);
long icp_failalloc_count(void);

#include "data/dupes.h"
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

static void never_called(void *ud, const char *domain,
                         const struct icp_dupe_at *at, size_t n)
{
  (void)ud;
  (void)at;
  (void)n;
  cr_assert_fail("a report after a lost occurrence named %s", domain);
}

Test(failalloc, a_duplicate_check_that_lost_an_occurrence_reports_nothing)
{
  struct icp_dupes *d = icp_dupes_new();
  cr_assert(d);
  cr_assert_eq(icp_dupes_add(d, "a.io", "in.csv", 2), ICP_OK);
  icp_failalloc_arm(1); /* the domain pool grows for b.io */
  cr_assert_eq(icp_dupes_add(d, "b.io", "in.csv", 3), ICP_ENOMEM);
  icp_failalloc_arm(0);
  /* later ones fit, but the report would miss b.io's: it fails whole */
  cr_assert_eq(icp_dupes_add(d, "a.io", "in.csv", 4), ICP_OK);
  cr_assert_eq(icp_dupes_report(d, never_called, NULL), -1);
  icp_dupes_free(d);
}

/* A tracker whose domains went to several runs (a prune has work). */
static struct icp_dupes *spilled(void)
{
  static const char *const files[] = { "in.csv" };
  struct icp_dupes *d = icp_dupes_new_budget(600);
  char dom[32];
  long i;
  cr_assert(d);
  cr_assert_eq(icp_dupes_set_files(d, files, 1), ICP_OK);
  for(i = 0; i < 3000; i++) {
    snprintf(dom, sizeof(dom), "d%ld.io", (i * 7) % 1200);
    cr_assert_eq(icp_dupes_add_in(d, dom, 0, i + 2), ICP_OK);
  }
  return d;
}

/* A prune failing allocation n, for every n it makes: it says so, and
 * the report then fails whole; or it went through and the report is the
 * whole tracker's. */
Test(failalloc, a_prune_that_runs_out_of_memory_leaves_no_partial_report)
{
  struct icp_dupes *d = spilled();
  long want, n, made, failed = 0;
  icp_failalloc_arm(0); /* counts, fails none */
  cr_assert_eq(icp_dupes_prune(d, 1), ICP_OK);
  made = icp_failalloc_count();
  want = icp_dupes_report(d, NULL, NULL);
  cr_assert_eq(want, 1200);
  icp_dupes_free(d);
  for(n = 1; n <= made; n++) {
    enum icp_status st;
    d = spilled();
    icp_failalloc_arm(n);
    st = icp_dupes_prune(d, 1); /* one part: on this thread */
    icp_failalloc_arm(0);
    if(st) {
      failed++;
      cr_assert_eq(icp_dupes_report(d, never_called, NULL), -1);
    }
    else
      cr_assert_eq(icp_dupes_report(d, NULL, NULL), want, "n %ld", n);
    icp_dupes_free(d);
  }
  cr_assert_gt(failed, 3, "%ld of %ld allocations failed the prune", failed,
               made);
}

/* Scoring with an explanation, failing allocation n inside icp_score: the
 * result is an error, or a rule error that is counted, or the complete
 * explanation of a run without failure; never a partial one that looks
 * whole. Returns 1 when allocation n failed icp_score itself. */
static int score_failing(long n, int *nreads_ref, long *count)
{
  struct tp t;
  enum icp_status st;
  tp_ok(&t, good);
  tp_num(&t, "n", 7);
  tp_str(&t, "plan", "pro");
  icp_failalloc_arm(n);
  st = icp_score(t.pack, t.a, t.r, 1);
  *count = icp_failalloc_count();
  icp_failalloc_arm(0);
  if(n == 0) {
    cr_assert_eq(st, ICP_OK);
    cr_assert_eq(t.r->nerrors, 0);
    *nreads_ref = t.r->nreads;
  }
  else if(st == ICP_OK && !t.r->nerrors)
    cr_assert_eq(t.r->nreads, *nreads_ref,
                 "allocation %ld: %d fields read, not %d, and ICP_OK", n,
                 t.r->nreads, *nreads_ref);
  else if(st != ICP_OK)
    cr_assert_eq(st, ICP_ENOMEM);
  tp_free(&t);
  return st == ICP_ENOMEM;
}

Test(failalloc, an_explanation_is_whole_or_an_error)
{
  long total, n, c;
  int nreads = 0, errors = 0;
  score_failing(0, &nreads, &total);
  cr_assert_gt(nreads, 0, "the function rule's read of n is explained");
  cr_assert_gt(total, 0);
  for(n = 1; n <= total; n++)
    errors += score_failing(n, &nreads, &c);
  cr_assert_gt(errors, 0, "some allocation of %ld fails icp_score", total);
}
