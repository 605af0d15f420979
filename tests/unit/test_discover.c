/* test_discover.c -- icp discover: outcomes, joins, evidence, honesty and
 * the draft pack, on data generated here. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/value.h"
#include "data/account.h"
#include "rules/pack.h"
#include "rules/rules.h"
#include "score/score.h"
#include "stats/discover.h"
#include "stats/stats.h"

/* ---- helpers ----------------------------------------------------------- */

static char *tmp_write(const char *suffix, const char *text)
{
  char *path = malloc(64);
  int fd;
  FILE *fp;
  snprintf(path, 64, "/tmp/icp_disc_XXXXXX%s", suffix);
  fd = mkstemps(path, (int)strlen(suffix));
  cr_assert(fd >= 0);
  fp = fdopen(fd, "w");
  fputs(text, fp);
  fclose(fp);
  return path;
}

static struct icp_disc *run(struct icp_disc_opts *o, const char *path)
{
  struct icp_disc *d = icp_disc_new(o);
  struct icp_err err;
  const char *in[1] = { path };
  cr_assert(d);
  cr_assert_eq(icp_disc_read(d, in, 1, &err), ICP_OK, "%s", err.msg);
  cr_assert_eq(icp_disc_evidence(d, &err), ICP_OK, "%s", err.msg);
  return d;
}

static const struct icp_disc_test *find(const struct icp_disc *d,
                                        const char *desc)
{
  size_t i;
  char buf[200];
  for(i = 0; i < d->ntests; i++) {
    icp_disc_describe(d, &d->tests[i], buf, sizeof(buf));
    if(!strcmp(buf, desc))
      return &d->tests[i];
  }
  return NULL;
}

struct rng {
  uint64_t s;
};

static double unit(struct rng *r)
{
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* n rows: plan (raises), tech Snowflake (raises), employees (lowers above
 * 1000), nulls null_1..null_k; planted = 0 plants nothing. */
static char *planted_csv(int n, int nulls, int planted, uint64_t seed)
{
  size_t cap = (size_t)n * (64 + 8 * (size_t)nulls) + 4096, len = 0;
  char *s = malloc(cap);
  struct rng r = { seed };
  int i, k;
  static const char *const lv[] = { "a", "b", "c", "d" };
  len += (size_t)snprintf(s + len, cap - len, "domain,plan,tech,employees");
  for(k = 1; k <= nulls; k++)
    len += (size_t)snprintf(s + len, cap - len, ",null_%d", k);
  len += (size_t)snprintf(s + len, cap - len, ",won\n");
  for(i = 0; i < n; i++) {
    int pro = unit(&r) < 0.3, snow = unit(&r) < 0.4;
    int emp = (int)(10 + unit(&r) * 3000);
    int miss = unit(&r) < 0.1;
    double eta = -0.5;
    if(planted)
      eta += 1.0 * pro + 0.8 * snow - (emp > 1000 ? 0.9 : 0);
    len += (size_t)snprintf(s + len, cap - len, "a%d.io,%s,%s,%d", i,
                            miss ? "" : pro ? "pro" : "basic",
                            snow ? "Snowflake;Slack" : "Slack", emp);
    for(k = 1; k <= nulls; k++)
      len += (size_t)snprintf(s + len, cap - len, ",%s",
                              lv[(int)(unit(&r) * 4)]);
    len += (size_t)snprintf(s + len, cap - len, ",%s\n",
                            unit(&r) < 1 / (1 + exp(-eta)) ? "won" : "lost");
  }
  return s;
}

/* ---- outcomes ---------------------------------------------------------- */

Test(discover, labels_in_any_case_and_unknown_values_are_left_out)
{
  struct icp_disc_opts o;
  char *p = tmp_write(".csv", "domain,x,won\na.io,1,Won\nb.io,2,LOST\n"
                      "c.io,3,yes\nd.io,4,0\ne.io,5,maybe\nf.io,6,\n");
  struct icp_disc *d;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  cr_assert_eq(d->n_best, 2);
  cr_assert_eq(d->n_worst, 2);
  cr_assert_eq(d->label_bad, 1);
  icp_disc_free(d);
  unlink(p);
  free(p);
}

Test(discover, churn_yes_is_the_worst_group)
{
  struct icp_disc_opts o;
  char *p = tmp_write(".csv", "id,x,Churn\n1,a,Yes\n2,b,No\n3,c,No\n");
  struct icp_disc *d;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_CHURN;
  o.label = "Churn";
  o.key = "id";
  d = run(&o, p);
  cr_assert_eq(d->n_best, 2);
  cr_assert_eq(d->n_worst, 1);
  icp_disc_free(d);
  unlink(p);
  free(p);
}

Test(discover, ltv_cut_keeps_ties_together)
{
  struct icp_disc_opts o;
  struct icp_disc *d;
  char text[2048];
  size_t len = 0;
  int i;
  char *p;
  /* 20 rows: five tied at 1 (the bottom 20% is 4), then 2..16 */
  len += (size_t)snprintf(text + len, sizeof(text) - len, "domain,v\n");
  for(i = 0; i < 20; i++)
    len += (size_t)snprintf(text + len, sizeof(text) - len, "a%d.io,%d\n",
                            i, i < 5 ? 1 : i - 3);
  p = tmp_write(".csv", text);
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_LTV;
  o.value = "v";
  d = run(&o, p);
  cr_assert_eq(d->n_worst, 5, "the tied block stays whole");
  cr_assert_eq(d->n_best, 4);
  cr_assert_eq(d->cut_lo, 1);
  cr_assert_eq(d->cut_hi, 13);
  icp_disc_free(d);
  unlink(p);
  free(p);
}

Test(discover, deals_join_per_account_and_per_deal)
{
  struct icp_disc_opts o;
  char *acc = tmp_write(".csv", "account,sector\nA,x\nB,y\nC,x\n");
  char *deals = tmp_write(".csv", "account,deal_stage,close_value\n"
                          "A,Won,10\nA,Lost,0\nB,Lost,0\nB,Lost,0\n"
                          "C,Engaging,\n,Prospecting,\nZ,Won,5\n");
  struct icp_disc *d;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.deals = deals;
  o.key = "account";
  o.label = "deal_stage";
  d = run(&o, acc);
  cr_assert_eq(d->nrows, 2, "A and B have closed deals");
  cr_assert_eq(d->n_best, 1);
  cr_assert_eq(d->n_worst, 1);
  cr_assert_eq(d->deals_open, 2);
  cr_assert_eq(d->deals_unmatched, 1);
  cr_assert_eq(d->accounts_without_deals, 1);
  icp_disc_free(d);
  o.per_deal = 1;
  d = run(&o, acc);
  cr_assert_eq(d->nrows, 4, "every closed, matched deal is a row");
  cr_assert_eq(d->n_best, 1);
  cr_assert_eq(d->n_worst, 3);
  icp_disc_free(d);
  unlink(acc);
  unlink(deals);
  free(acc);
  free(deals);
}

/* ---- evidence ---------------------------------------------------------- */

Test(discover, each_test_is_the_fisher_table_of_its_counts)
{
  struct icp_disc_opts o;
  char *csv = planted_csv(2000, 2, 1, 7);
  char *p = tmp_write(".csv", csv);
  struct icp_disc *d;
  size_t i;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  cr_assert(d->ntests > 5);
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *t = &d->tests[i];
    struct icp_stats_fisher f;
    struct icp_stats_lift l;
    cr_assert_eq(icp_stats_fisher_exact((uint64_t)t->n_best,
                                        (uint64_t)t->n_worst,
                                        (uint64_t)(d->n_best - t->n_best),
                                        (uint64_t)(d->n_worst - t->n_worst),
                                        &f), 0);
    cr_assert_float_eq(t->p, f.p, 1e-300 + 1e-12 * f.p);
    cr_assert(t->q >= t->p);
    if(t->n_best + t->n_worst) {
      icp_stats_lift((uint64_t)t->n_best, (uint64_t)d->n_best,
                     (uint64_t)(t->n_best + t->n_worst),
                     (uint64_t)(d->n_best + d->n_worst), ICP_STATS_Z95, &l);
      cr_assert_float_eq(t->lift, l.lift, 1e-12);
    }
  }
  cr_assert(find(d, "tech has Snowflake"), "list elements are tested");
  cr_assert(find(d, "tech has Slack"));
  cr_assert(find(d, "plan missing"), "missing is a value of its own");
  cr_assert_eq(d->nmwu, 1, "employees gets a Mann-Whitney test");
  icp_disc_free(d);
  unlink(p);
  free(p);
  free(csv);
}

Test(discover, rare_values_pool_into_other)
{
  struct icp_disc_opts o;
  char text[4096];
  size_t len = 0;
  int i;
  char *p;
  struct icp_disc *d;
  len += (size_t)snprintf(text + len, sizeof(text) - len, "domain,c,won\n");
  for(i = 0; i < 60; i++)
    len += (size_t)snprintf(text + len, sizeof(text) - len,
                            "a%d.io,%s,%s\n", i, i < 3 ? "rare" :
                            i % 2 ? "odd" : "even", i % 3 ? "won" : "lost");
  p = tmp_write(".csv", text);
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  cr_assert_null(find(d, "c = rare"));
  cr_assert(find(d, "c = other (rare values)"));
  cr_assert(find(d, "c = odd"));
  icp_disc_free(d);
  unlink(p);
  free(p);
}

/* ---- honesty ----------------------------------------------------------- */

Test(discover, planted_effects_are_found_with_their_sign_and_nulls_stay_quiet)
{
  struct icp_disc_opts o;
  char *csv = planted_csv(8000, 40, 1, 11);
  char *p = tmp_write(".csv", csv);
  struct icp_disc *d;
  const struct icp_disc_test *t;
  size_t i, nulls = 0, false_pos = 0;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  t = find(d, "plan = pro");
  cr_assert(t && t->significant && t->lift > 1);
  t = find(d, "tech has Snowflake");
  cr_assert(t && t->significant && t->lift > 1);
  for(i = 0; i < d->nmwu; i++)
    if(!strcmp(d->cols[d->mwu[i].col].name, "employees"))
      cr_assert(d->mwu[i].significant &&
                d->mwu[i].median_best < d->mwu[i].median_worst);
  for(i = 0; i < d->ntests; i++)
    if(!strncmp(d->cols[d->tests[i].col].name, "null_", 5)) {
      nulls++;
      false_pos += (size_t)d->tests[i].significant;
    }
  cr_assert(nulls >= 160);
  cr_assert_leq((double)false_pos / (double)nulls, 0.05,
                "%zu of %zu null values significant", false_pos, nulls);
  icp_disc_free(d);
  unlink(p);
  free(p);
  free(csv);
}

Test(discover, no_signal_means_nothing_significant)
{
  struct icp_disc_opts o;
  char *csv = planted_csv(3000, 20, 0, 5);
  char *p = tmp_write(".csv", csv);
  struct icp_disc *d;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  cr_assert_eq(d->n_significant, 0);
  icp_disc_free(d);
  unlink(p);
  free(p);
  free(csv);
}

Test(discover, small_groups_get_a_warning)
{
  struct icp_disc_opts o;
  char *p = tmp_write(".csv", "domain,x,won\na.io,1,won\nb.io,2,lost\n"
                      "c.io,3,won\n");
  struct icp_disc *d;
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  d = run(&o, p);
  cr_assert(d->notes && strstr(d->notes, "small groups"));
  icp_disc_free(d);
  unlink(p);
  free(p);
}

/* ---- the draft --------------------------------------------------------- */

Test(discover, draft_pack_loads_ranks_like_the_model_and_has_cases)
{
  struct icp_disc_opts o;
  char *csv = planted_csv(4000, 3, 1, 3);
  char *p = tmp_write(".csv", csv);
  char pack[64], cases[80];
  const char *in[1];
  struct icp_disc *d;
  struct icp_err err;
  struct icp_schema *sc;
  struct icp_pack *pk;
  char *text;
  size_t len;
  int fd;
  snprintf(pack, sizeof(pack), "/tmp/icp_disc_packXXXXXX.lua");
  fd = mkstemps(pack, 4);
  cr_assert(fd >= 0);
  close(fd);
  snprintf(cases, sizeof(cases), "%.*s_test.lua",
           (int)(strlen(pack) - 4), pack);
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  o.holdout = 0.3;
  o.seed = 9;
  o.as_of = icp_days_from_civil(2026, 11, 24);
  d = run(&o, p);
  in[0] = p;
  cr_assert_eq(icp_disc_draft(d, in, 1, pack, &err), ICP_OK, "%s",
               err.msg);
  cr_assert(d->model.fitted);
  cr_assert(d->model.auc_holdout_model > 0.6);
  cr_assert(fabs(d->model.auc_holdout_pack - d->model.auc_holdout_model)
            < 0.02, "the pack ranks as the model: %g vs %g",
            d->model.auc_holdout_pack, d->model.auc_holdout_model);
  sc = icp_schema_new();
  pk = icp_pack_new(sc, NULL);
  cr_assert_eq(icp_pack_load_file(pk, pack, &err), ICP_OK, "%s", err.msg);
  cr_assert(pk->nrules >= 2);
  icp_pack_free(pk);
  icp_schema_free(sc);
  cr_assert_eq(icp_read_file(cases, 1 << 20, &text, &len, &err), ICP_OK);
  cr_assert(strstr(text, "case \"A: line"));
  cr_assert(strstr(text, "expect = { tier = "));
  free(text);
  icp_disc_free(d);
  unlink(pack);
  unlink(cases);
  unlink(p);
  free(p);
  free(csv);
}

/* Drafted bins meet: a value between one bin's largest observed value and
 * the next bin's smallest (612.5 between 612 and 613) is in the bin, not
 * in "other"; and a value less common among the best earns no points. */
Test(discover, drafted_bins_have_no_gaps_and_rarer_among_the_best_earn_nothing)
{
  struct icp_disc_opts o;
  char *csv = planted_csv(4000, 0, 1, 5);
  char *p = tmp_write(".csv", csv);
  char pack[64];
  const char *in[1];
  struct icp_disc *d;
  struct icp_err err;
  struct icp_schema *sc;
  struct icp_pack *pk;
  struct icp_account *a;
  struct icp_result *res;
  size_t i, k;
  int fd, gaps = 0, zeroed = 0, emp;
  snprintf(pack, sizeof(pack), "/tmp/icp_disc_gapXXXXXX.lua");
  fd = mkstemps(pack, 4);
  cr_assert(fd >= 0);
  close(fd);
  icp_disc_opts_init(&o);
  o.outcome = ICP_DISC_WON;
  o.label = "won";
  o.bins = 8;
  o.as_of = icp_days_from_civil(2026, 11, 24);
  d = run(&o, p);
  in[0] = p;
  cr_assert_eq(icp_disc_draft(d, in, 1, pack, &err), ICP_OK, "%s",
               err.msg);
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *t = &d->tests[i];
    if(t->feature >= 0 && t->lift < 1) {
      cr_assert_eq(d->model.points[t->feature], 0, "%s: lift %g",
                   d->cols[t->col].name, t->lift);
      zeroed++;
    }
  }
  cr_assert_gt(zeroed, 0, "the planted data has drafted levels rarer "
               "among the best (employees above 1000)");
  sc = icp_schema_new();
  pk = icp_pack_new(sc, NULL);
  cr_assert_eq(icp_pack_load_file(pk, pack, &err), ICP_OK, "%s", err.msg);
  a = icp_account_new(sc);
  res = icp_result_new(pk);
  emp = icp_schema_find(sc, "employees", 9);
  cr_assert(emp >= 0);
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *t = &d->tests[i];
    double next = INFINITY, x;
    int in_bin = 0, other = 0;
    if(t->what != ICP_DW_BIN || strcmp(d->cols[t->col].name, "employees") ||
       t->feature < 0 || d->model.points[t->feature] <= 0)
      continue;
    for(k = 0; k < d->ntests; k++)
      if(d->tests[k].col == t->col && d->tests[k].what == ICP_DW_BIN &&
         d->tests[k].lo > t->hi && d->tests[k].lo < next)
        next = d->tests[k].lo;
    if(!isfinite(next))
      continue;
    x = (t->hi + next) / 2;   /* no row has it: a gap between the bins */
    icp_account_clear(a);
    cr_assert_eq(icp_account_set_num(a, emp, x, 0), ICP_OK);
    cr_assert_eq(icp_score(pk, a, res, 0), ICP_OK);
    for(k = 0; k < (size_t)pk->nrules; k++) {
      const char *n = pk->rules[k].name;
      if(res->outcome[k] != ICP_TRUE || strncmp(n, "employees_", 10))
        continue;
      if(strstr(n, "_other"))
        other = 1;
      else
        in_bin = 1;
    }
    cr_assert(in_bin && !other, "employees = %g (between %g and %g) "
              "falls to other", x, t->hi, next);
    gaps++;
  }
  cr_assert_gt(gaps, 0, "some drafted bin has a next bin");
  icp_result_free(res);
  icp_account_free(a);
  icp_pack_free(pk);
  icp_schema_free(sc);
  icp_disc_free(d);
  unlink(pack);
  {
    char cases[80];
    snprintf(cases, sizeof(cases), "%.*s_test.lua", (int)(strlen(pack) - 4),
             pack);
    unlink(cases);
  }
  unlink(p);
  free(p);
  free(csv);
}
