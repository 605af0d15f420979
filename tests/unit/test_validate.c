/*
 * test_validate.c -- core/stats/validate*: the deals table, the figures
 * (checked against SciPy on tests/fixtures/validate/, regenerate with
 * make_fixtures.py there), the review flags on generated histories with a
 * planted drift, and the JSON document. Run from the repository root.
 */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/value.h"
#include "stats/validate.h"

#define FIX "tests/fixtures/validate/"

static int close_to(double got, double want, double rel)
{
  if(isnan(want))
    return isnan(got);
  if(got == want)
    return 1;
  return fabs(got - want) <= rel * fabs(want) + 1e-300;
}

static int32_t day_of(const char *s)
{
  int32_t d = 0;
  cr_assert(icp_parse_date(s, strlen(s), &d), "bad date %s", s);
  return d;
}

/* ---- the table ---------------------------------------------------------- */

Test(validate, key_normalize_trims_lowercases_and_drops_scheme)
{
  char out[64];
  cr_assert_eq(icp_val_key_normalize("  https://www.Acme.IO ", 22, out,
                                     sizeof(out)), 7);
  cr_assert_str_eq(out, "acme.io");
  cr_assert_eq(icp_val_key_normalize("Acme Corporation", 16, out,
                                     sizeof(out)), 16);
  cr_assert_str_eq(out, "acme corporation");
  cr_assert_eq(icp_val_key_normalize("   ", 3, out, sizeof(out)), 0);
}

Test(validate, stage_spellings_of_crms_are_recognised)
{
  cr_assert_eq(icp_val_stage_parse("Won", 3), ICP_VAL_WON);
  cr_assert_eq(icp_val_stage_parse("Closed Won", 10), ICP_VAL_WON);
  cr_assert_eq(icp_val_stage_parse("closed_lost", 11), ICP_VAL_LOST);
  cr_assert_eq(icp_val_stage_parse("Lost", 4), ICP_VAL_LOST);
  cr_assert_eq(icp_val_stage_parse("Engaging", 8), ICP_VAL_OPEN);
  cr_assert_eq(icp_val_stage_parse("Prospecting", 11), ICP_VAL_OPEN);
}

Test(validate, accounts_are_found_by_any_spelling_of_their_key)
{
  struct icp_val_data *d = icp_val_data_new(1);
  int added;
  long i, j;
  cr_assert_not_null(d);
  i = icp_val_acct_intern(d, "Acme.io", 7, &added);
  cr_assert(i == 0 && added);
  j = icp_val_acct_intern(d, "www.acme.io", 11, &added);
  cr_assert(j == 0 && !added);
  for(j = 0; j < 5000; j++) {
    char k[32];
    int n = snprintf(k, sizeof(k), "a%ld.example", j);
    cr_assert(icp_val_acct_intern(d, k, (size_t)n, &added) == j + 1);
  }
  cr_assert_eq(icp_val_acct_find(d, "A4999.EXAMPLE", 13), 5000);
  cr_assert_eq(icp_val_acct_find(d, "nope", 4), -1);
  cr_assert_str_eq(icp_val_acct_key(d, 0), "acme.io");
  icp_val_data_free(d);
}

Test(validate, deals_without_a_stage_column_are_refused_by_name)
{
  struct icp_val_data *d = icp_val_data_new(1);
  struct icp_err err;
  FILE *f = fopen("build/test_validate_nostage.csv", "w");
  cr_assert_not_null(f);
  fputs("account,close_date\nacme,2026-01-01\n", f);
  fclose(f);
  cr_assert_eq(icp_val_read_deals(d, "build/test_validate_nostage.csv",
                                  NULL, NULL, NULL, NULL, &err), ICP_EINVAL);
  cr_assert(strstr(err.msg, "no stage column"), "%s", err.msg);
  icp_val_data_free(d);
}

/* ---- the fixture -------------------------------------------------------- */

/* Loads the fixture's accounts and deals: tiers A-D, ICP = A, B. */
static struct icp_val_data *load_fixture(void)
{
  struct icp_val_data *d = icp_val_data_new(1);
  struct icp_err err;
  char key[128];
  int tier, score, added, t;
  FILE *f = fopen(FIX "accounts.txt", "r");
  cr_assert_not_null(f, "run from the repository root");
  cr_assert_not_null(d);
  for(t = 0; t < 4; t++) {
    const char name[2] = { (char)('A' + t), 0 };
    cr_assert_eq(icp_val_set_tier_name(d, 0, t, name), ICP_OK);
  }
  while(fscanf(f, "%127s %d %d", key, &tier, &score) == 3) {
    long i = icp_val_acct_intern(d, key, strlen(key), &added);
    cr_assert(i >= 0);
    d->acct[i].tier[0] = (int16_t)tier;
    d->acct[i].icp[0] = tier < 2;
    d->acct[i].score[0] = score;
  }
  fclose(f);
  cr_assert_eq(icp_val_read_deals(d, FIX "deals.csv", NULL, NULL, NULL,
                                  NULL, &err), ICP_OK, "%s", err.msg);
  return d;
}

static struct icp_val_metrics *fixture_metrics(struct icp_val_data *d)
{
  struct icp_val_opts o;
  struct icp_val_metrics *m;
  struct icp_err err;
  icp_val_opts_default(&o);
  o.as_of = day_of("2026-06-30");
  o.max_periods = 2;
  cr_assert_eq(icp_val_compute(d, &o, &m, &err), ICP_OK, "%s", err.msg);
  return m;
}

Test(validate, fixture_columns_are_recognised_in_crm_spelling)
{
  struct icp_val_data *d = load_fixture();
  cr_assert_str_eq(d->col_key, "account");
  cr_assert_str_eq(d->col_created, "engage_date");
  cr_assert_str_eq(d->col_closed, "close_date");
  cr_assert_str_eq(d->col_stage, "deal_stage");
  cr_assert_str_eq(d->col_amount, "close_value");
  cr_assert_str_eq(d->col_support, "support_tickets");
  cr_assert(d->blank_account > 0);
  cr_assert_eq(d->unknown_account, 0);
  icp_val_data_free(d);
}

Test(validate, every_cell_agrees_with_scipy_to_1e_9)
{
  struct icp_val_data *d = load_fixture();
  struct icp_val_metrics *m = fixture_metrics(d);
  FILE *f = fopen(FIX "expected.txt", "r");
  char name[32];
  int cells = 0;
  cr_assert_not_null(f);
  while(fscanf(f, "%31s", name) == 1) {
    if(!strcmp(name, "cell")) {
      int p, g;
      long deals, won, lost;
      double v[8];
      const struct icp_val_cell *c;
      cr_assert(fscanf(f, "%d %d %ld %ld %ld %lf %lf %lf %lf %lf %lf %lf",
                       &p, &g, &deals, &won, &lost, &v[0], &v[1], &v[2],
                       &v[3], &v[4], &v[5], &v[6]) == 12);
      c = icp_val_cell_at(m, p, g);
      cr_assert_eq(c->deals, deals, "cell %d %d deals", p, g);
      cr_assert_eq(c->won, won, "cell %d %d won", p, g);
      cr_assert_eq(c->lost, lost, "cell %d %d lost", p, g);
      cr_assert(close_to(c->win_rate, v[0], 1e-9), "cell %d %d rate", p, g);
      cr_assert(close_to(c->win_lo, v[1], 1e-9), "cell %d %d lo", p, g);
      cr_assert(close_to(c->win_hi, v[2], 1e-9), "cell %d %d hi", p, g);
      cr_assert(close_to(c->cycle_median, v[3], 1e-9), "cell %d %d cycle",
                p, g);
      cr_assert(close_to(c->amount_mean, v[4], 1e-9), "cell %d %d mean", p,
                g);
      cr_assert(close_to(c->amount_median, v[5], 1e-9), "cell %d %d med",
                p, g);
      cr_assert(close_to(c->support_per_account, v[6], 1e-9),
                "cell %d %d support %.17g vs %.17g", p, g,
                c->support_per_account, v[6]);
      cells++;
    }
    else {
      double x;
      cr_assert(fscanf(f, "%lf", &x) == 1);
      if(!strcmp(name, "auc"))
        cr_assert(close_to(m->auc, x, 1e-9), "auc %.17g vs %.17g", m->auc,
                  x);
      else if(!strcmp(name, "newcombe")) {
        double k2, n2, lo, hi, glo, ghi, n1;
        cr_assert(fscanf(f, "%lf %lf %lf %lf %lf", &n1, &k2, &n2, &lo,
                         &hi) == 5);
        cr_assert_eq(icp_val_newcombe((uint64_t)x, (uint64_t)n1,
                                      (uint64_t)k2, (uint64_t)n2,
                                      1.959963984540054, &glo, &ghi), 0);
        cr_assert(close_to(glo, lo, 1e-9) && close_to(ghi, hi, 1e-9),
                  "newcombe %g/%g", x, n1);
      }
    }
  }
  fclose(f);
  cr_assert(cells >= 20, "only %d cells in the fixture", cells);
  icp_val_metrics_free(m);
  icp_val_data_free(d);
}

Test(validate, flag_tests_agree_with_scipy_to_1e_9)
{
  struct icp_val_data *d = load_fixture();
  struct icp_val_metrics *m = fixture_metrics(d);
  struct icp_val_flag *fl;
  size_t n, i;
  struct icp_err err;
  FILE *f = fopen(FIX "expected.txt", "r");
  char name[32];
  double want[4] = { NAN, NAN, NAN, NAN };
  cr_assert_not_null(f);
  while(fscanf(f, "%31s", name) == 1) {
    char line[512];
    double x;
    if(!strcmp(name, "cell") || !strcmp(name, "newcombe")) {
      cr_assert_not_null(fgets(line, sizeof(line), f));
      continue;
    }
    cr_assert(fscanf(f, "%lf", &x) == 1);
    if(!strcmp(name, "twoprop_icp"))
      want[0] = x;
    else if(!strcmp(name, "mwu_cycle_A"))
      want[1] = x;
    else if(!strcmp(name, "mwu_amount_icp"))
      want[2] = x;
    else if(!strcmp(name, "mwu_support_icp"))
      want[3] = x;
  }
  fclose(f);
  cr_assert_eq(icp_val_flags(m, &fl, &n, &err), ICP_OK);
  for(i = 0; i < n; i++) {
    if(fl[i].check == ICP_VAL_CONVERSION_DROP)
      cr_assert(close_to(fl[i].p, want[0], 1e-9), "two-prop %.17g vs %.17g",
                fl[i].p, want[0]);
    if(fl[i].check == ICP_VAL_CYCLE_INCREASE && fl[i].group == 0)
      cr_assert(close_to(fl[i].p, want[1], 1e-9), "mwu cycle");
    if(fl[i].check == ICP_VAL_DEAL_SIZE_CHANGE)
      cr_assert(close_to(fl[i].p, want[2], 1e-9), "mwu amount");
    if(fl[i].check == ICP_VAL_SUPPORT_INCREASE)
      cr_assert(close_to(fl[i].p, want[3], 1e-9), "mwu support");
  }
  free(fl);
  icp_val_metrics_free(m);
  icp_val_data_free(d);
}

/* ---- generated histories ------------------------------------------------ */

static uint64_t rs;

static double unif(void)
{
  uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

/* 400 accounts (tiers A-D, 100 each; A, B ICP), n deals over 4 periods of
 * 90 days ending at 2026-06-30. ICP win 0.6, cycle 20-40, amount ~10000,
 * 2 tickets; non-ICP 0.4, 40-80, ~5000, 4. With planted drift the last
 * period has ICP win 0.42, tier A cycles x1.5, ICP tickets x2 and ICP
 * amounts x1.3. */
static struct icp_val_data *history(long n, int planted, uint64_t seed)
{
  struct icp_val_data *d = icp_val_data_new(1);
  int32_t end = day_of("2026-06-30");
  long i;
  int t, added;
  rs = seed;
  for(t = 0; t < 4; t++) {
    const char name[2] = { (char)('A' + t), 0 };
    icp_val_set_tier_name(d, 0, t, name);
  }
  for(i = 0; i < 400; i++) {
    char k[32];
    int len = snprintf(k, sizeof(k), "acct%ld", i);
    long a = icp_val_acct_intern(d, k, (size_t)len, &added);
    d->acct[a].tier[0] = (int16_t)(i % 4);
    d->acct[a].icp[0] = i % 4 < 2;
    d->acct[a].score[0] = 100 - 25 * (double)(i % 4);
  }
  for(i = 0; i < n; i++) {
    struct icp_val_deal dl;
    int a = (int)(unif() * 400), tier = a % 4, icp = tier < 2;
    int p = (int)(i % 4), last = p == 0 && planted;
    double cyc = icp ? 20 + floor(unif() * 21) : 40 + floor(unif() * 41);
    double win = icp ? (last ? 0.42 : 0.6) : 0.4;
    if(last && tier == 0)
      cyc = floor(cyc * 1.5);
    dl.acct = a;
    dl.closed = end - 90 * p - (int32_t)(unif() * 90);
    dl.created = dl.closed - (int32_t)cyc;
    dl.stage = unif() < win ? ICP_VAL_WON : ICP_VAL_LOST;
    dl.amount = (icp ? 8000 : 4000) + floor(unif() * (icp ? 4000 : 2000));
    if(last && icp)
      dl.amount *= 1.3;
    dl.support = (icp ? 1 : 3) + 2 * (unif() < 0.5);
    if(last && icp)
      dl.support *= 2;
    dl.churn = -1;
    icp_val_deal_add(d, &dl);
  }
  d->has_support = 1;
  return d;
}

/* "check:tier" of every review flag, space-separated, into out. */
static void reviews(struct icp_val_data *d, char *out, size_t cap,
                    int *insufficient)
{
  struct icp_val_opts o;
  struct icp_val_metrics *m;
  struct icp_val_flag *fl;
  struct icp_err err;
  size_t n, i, len = 0;
  icp_val_opts_default(&o);
  o.as_of = day_of("2026-06-30");
  cr_assert_eq(icp_val_compute(d, &o, &m, &err), ICP_OK);
  cr_assert_eq(icp_val_flags(m, &fl, &n, &err), ICP_OK);
  out[0] = 0;
  *insufficient = 0;
  for(i = 0; i < n; i++) {
    if(fl[i].status == ICP_VAL_INSUFFICIENT)
      (*insufficient)++;
    if(fl[i].status != ICP_VAL_REVIEW)
      continue;
    len += (size_t)snprintf(out + len, cap - len, "%s%s:%s",
                            len ? " " : "", icp_val_check_name(fl[i].check),
                            icp_val_group_name(m, fl[i].group));
  }
  free(fl);
  icp_val_metrics_free(m);
}

Test(validate, a_planted_drift_raises_every_expected_flag_and_no_other)
{
  uint64_t seed;
  for(seed = 1; seed <= 5; seed++) {
    struct icp_val_data *d = history(40000, 1, seed);
    char got[512];
    int insufficient;
    reviews(d, got, sizeof(got), &insufficient);
    cr_assert_str_eq(got, "conversion_drop:ICP cycle_increase:A "
                     "support_increase:ICP deal_size_change:ICP",
                     "seed %lu", (unsigned long)seed);
    cr_assert_eq(insufficient, 0);
    icp_val_data_free(d);
  }
}

Test(validate, a_flat_history_raises_no_flag)
{
  uint64_t seed;
  for(seed = 1; seed <= 5; seed++) {
    struct icp_val_data *d = history(40000, 0, seed);
    char got[512];
    int insufficient;
    reviews(d, got, sizeof(got), &insufficient);
    cr_assert_str_eq(got, "", "seed %lu", (unsigned long)seed);
    icp_val_data_free(d);
  }
}

Test(validate, a_drift_on_too_few_deals_says_insufficient_data)
{
  struct icp_val_data *d = history(60, 1, 7);
  char got[512];
  int insufficient;
  reviews(d, got, sizeof(got), &insufficient);
  cr_assert_str_eq(got, "");
  cr_assert_eq(insufficient, 9, "%d insufficient", insufficient);
  icp_val_data_free(d);
}

Test(validate, json_holds_every_flag_and_no_nan)
{
  struct icp_val_data *d = history(4000, 1, 3);
  struct icp_val_opts o;
  struct icp_val_metrics *m;
  struct icp_val_flag *fl;
  struct icp_err err;
  struct icp_buf b;
  size_t n;
  cJSON *doc, *flags, *f;
  int count = 0;
  icp_val_opts_default(&o);
  o.as_of = day_of("2026-06-30");
  cr_assert_eq(icp_val_compute(d, &o, &m, &err), ICP_OK);
  cr_assert_eq(icp_val_flags(m, &fl, &n, &err), ICP_OK);
  icp_buf_init(&b, 1 << 26);
  cr_assert_eq(icp_val_json(&b, m, fl, n, "\"rules\":\"x.lua\"", 10),
               ICP_OK);
  cr_assert_null(strstr(b.p, "nan"));
  cr_assert_null(strstr(b.p, "inf"));
  doc = cJSON_Parse(b.p);
  cr_assert_not_null(doc, "not JSON");
  flags = cJSON_GetObjectItem(doc, "flags");
  cr_assert(cJSON_IsArray(flags));
  cJSON_ArrayForEach(f, flags) {
    const char *keys[] = { "check", "tier", "period", "baseline", "current",
                           "n", "p", "status" };
    size_t k;
    for(k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
      cr_assert(cJSON_HasObjectItem(f, keys[k]), "flag lacks %s", keys[k]);
    count++;
  }
  cr_assert_eq((size_t)count, n);
  cr_assert_eq(count, 9); /* conversion, 4 tiers, support, size, 2 */
  cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(doc, "auc")));
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "periods")), 4);
  cJSON_Delete(doc);
  icp_buf_free(&b);
  free(fl);
  icp_val_metrics_free(m);
  icp_val_data_free(d);
}

Test(validate, a_backtest_compares_the_two_icp_sets_on_the_same_deals)
{
  struct icp_val_data *d = history(8000, 0, 11);
  struct icp_val_data *d2 = icp_val_data_new(2);
  struct icp_val_opts o;
  struct icp_val_metrics *m;
  struct icp_err err;
  size_t i;
  int added, t;
  /* the same accounts under two packs: B calls only tier A the ICP */
  for(t = 0; t < 4; t++) {
    const char name[2] = { (char)('A' + t), 0 };
    icp_val_set_tier_name(d2, 0, t, name);
    icp_val_set_tier_name(d2, 1, t, name);
  }
  for(i = 0; i < d->nacct; i++) {
    const char *k = icp_val_acct_key(d, i);
    long a = icp_val_acct_intern(d2, k, strlen(k), &added);
    d2->acct[a] = d->acct[i];
    d2->acct[a].tier[1] = d->acct[i].tier[0];
    d2->acct[a].score[1] = d->acct[i].score[0];
    d2->acct[a].icp[1] = d->acct[i].tier[0] == 0;
  }
  for(i = 0; i < d->ndeal; i++)
    icp_val_deal_add(d2, &d->deal[i]);
  icp_val_opts_default(&o);
  o.as_of = day_of("2026-06-30");
  cr_assert_eq(icp_val_compute(d2, &o, &m, &err), ICP_OK);
  cr_assert_eq(icp_val_compute_ab(m, &err), ICP_OK);
  cr_assert(m->ab->backtest);
  cr_assert_eq(m->ab->arm[0].icp_accounts, 200);
  cr_assert_eq(m->ab->arm[1].icp_accounts, 100);
  cr_assert_eq(m->ab->ndisagree, 100);
  cr_assert_eq(m->ab->only[0].accounts, 100);
  cr_assert_eq(m->ab->only[1].accounts, 0);
  cr_assert(fabs(m->ab->diff) < 0.05, "same win rates: %g", m->ab->diff);
  cr_assert(m->ab->diff_lo < 0 && m->ab->diff_hi > 0);
  icp_val_metrics_free(m);
  icp_val_data_free(d);
  icp_val_data_free(d2);
}
