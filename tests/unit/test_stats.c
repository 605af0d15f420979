/*
 * test_stats.c -- core/stats checked against SciPy, NumPy and scikit-learn.
 *
 * The reference answers live in tests/fixtures/stats/ (regenerate with
 * tests/fixtures/stats/make_fixtures.py); the layouts are described there.
 * Run from the repository root.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static FILE *fixture(const char *name)
{
  char path[256];
  FILE *f;
  int n = snprintf(path, sizeof path, "tests/fixtures/stats/%s", name);

  cr_assert(n > 0 && (size_t)n < sizeof path);
  f = fopen(path, "r");
  cr_assert_not_null(f, "cannot open %s (run from the repo root)", path);
  return f;
}

/* Next number of the fixture, or 0 at the end of the file. */
static int next_num(FILE *f, double *v)
{
  return fscanf(f, "%lf", v) == 1;
}

static double need(FILE *f)
{
  double v;

  cr_assert(next_num(f, &v), "fixture ends early");
  return v;
}

static double *need_array(FILE *f, size_t n)
{
  double *a = malloc((n ? n : 1) * sizeof *a);
  size_t i;

  cr_assert_not_null(a);
  for (i = 0; i < n; i++)
    a[i] = need(f);
  return a;
}

static int close_to(double got, double want, double rel, double abs_tol)
{
  if (got == want)
    return 1;
  if (isnan(got) || isnan(want))
    return 0;
  return fabs(got - want) <= abs_tol ||
         fabs(got - want) <= rel * fabs(want);
}

/* Assert got ~ want; the remaining arguments are a printf-style message. */
#define assert_close(got, want, rel, abs_tol, ...)                           \
  do {                                                                       \
    double got_ = (got), want_ = (want);                                     \
    if (!close_to(got_, want_, (rel), (abs_tol))) {                          \
      cr_log_error("got %.17g, want %.17g", got_, want_);                    \
      cr_assert_fail(__VA_ARGS__);                                           \
    }                                                                        \
  } while (0)

/* The generator of make_fixtures.py's lcg(). */
static uint64_t lcg_next(uint64_t *s)
{
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 33;
}

/* A better-mixed generator for simulated data (splitmix64). */
static uint64_t mix_next(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* ------------------------------------------------------------------ */
/* Normal distribution                                                 */
/* ------------------------------------------------------------------ */

Test(norm, cdf_and_sf_match_scipy_deep_in_both_tails)
{
  FILE *f = fixture("norm.txt");
  double x;
  int count = 0;

  while (next_num(f, &x)) {
    double cdf = need(f), sf = need(f);

    assert_close(icp_stats_norm_cdf(x), cdf, 1e-12, 1e-300, "cdf(%g)", x);
    assert_close(icp_stats_norm_sf(x), sf, 1e-12, 1e-300, "sf(%g)", x);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 10);
}

/* ------------------------------------------------------------------ */
/* Fisher exact test                                                   */
/* ------------------------------------------------------------------ */

Test(fisher, matches_scipy_on_every_fixture_table)
{
  FILE *f = fixture("fisher.txt");
  double a;
  int count = 0;

  while (next_num(f, &a)) {
    double b = need(f), c = need(f), d = need(f);
    double p = need(f);
    struct icp_stats_fisher r;

    need(f);
    cr_assert_eq(icp_stats_fisher_exact((uint64_t)a, (uint64_t)b,
                                        (uint64_t)c, (uint64_t)d, &r),
                 ICP_STATS_OK);
    assert_close(r.p, p, 1e-9, 1e-300, "table %g %g %g %g", a, b, c, d);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 140);
}

Test(fisher, log_p_matches_mpmath_far_below_double_underflow)
{
  FILE *f = fixture("fisher.txt");
  double a;
  int deep = 0;

  while (next_num(f, &a)) {
    double b = need(f), c = need(f), d = need(f);
    double lp;
    struct icp_stats_fisher r;

    need(f);
    lp = need(f);
    cr_assert_eq(icp_stats_fisher_exact((uint64_t)a, (uint64_t)b,
                                        (uint64_t)c, (uint64_t)d, &r),
                 ICP_STATS_OK);
    /* 1e-13 absolute on log p is 1e-13 relative on p; deep in the tail,
     * 1e-14 of log p */
    assert_close(r.log_p, lp, 1e-14, 1e-13, "table %g %g %g %g", a, b, c, d);
    if (lp < -745.0)
      deep++;
  }
  fclose(f);
  cr_assert_gt(deep, 5);
}

Test(fisher, matches_scipy_on_tiny_p_values)
{
  struct icp_stats_fisher r;

  /* SciPy 1.10.1: fisher_exact([[400, 50], [50, 400]]) */
  cr_assert_eq(icp_stats_fisher_exact(400, 50, 50, 400, &r), ICP_STATS_OK);
  assert_close(r.p, 7.160442053379465e-136, 1e-9, 0, "400 50 50 400");
  /* [[1000, 0], [0, 1000]]: 1 / C(2000, 1000) * 2, far below 1e-300 */
  cr_assert_eq(icp_stats_fisher_exact(1000, 0, 0, 1000, &r), ICP_STATS_OK);
  cr_assert_eq(r.p, 0.0);
  assert_close(r.log_p, -1381.57484636, 1e-10, 0, "log p");
}

Test(fisher, tables_with_a_zero_margin_have_p_one)
{
  struct icp_stats_fisher r;

  cr_assert_eq(icp_stats_fisher_exact(0, 0, 3, 4, &r), ICP_STATS_OK);
  cr_assert_eq(r.p, 1.0);
  cr_assert_eq(icp_stats_fisher_exact(0, 10, 0, 10, &r), ICP_STATS_OK);
  cr_assert_eq(r.p, 1.0);
  cr_assert_eq(icp_stats_fisher_exact(0, 0, 0, 0, &r), ICP_STATS_OK);
  cr_assert_eq(r.p, 1.0);
  cr_assert_eq(r.log_p, 0.0);
}

Test(fisher, odds_ratio_is_infinite_when_an_off_diagonal_cell_is_zero)
{
  struct icp_stats_fisher r;

  cr_assert_eq(icp_stats_fisher_exact(12, 0, 3, 10, &r), ICP_STATS_OK);
  cr_assert(isinf(r.odds_ratio));
  cr_assert_eq(icp_stats_fisher_exact(8, 2, 1, 5, &r), ICP_STATS_OK);
  assert_close(r.odds_ratio, 20.0, 1e-15, 0, "odds ratio");
  assert_close(r.p, 0.03496503496503495, 1e-12, 0, "whales and sharks");
}

Test(fisher, refuses_totals_of_two_to_the_31)
{
  struct icp_stats_fisher r;

  cr_assert_eq(icp_stats_fisher_exact(1u << 30, 1u << 30, 0, 0, &r),
               ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_fisher_exact(1, 1, 1, 1, NULL), ICP_STATS_EINVAL);
}

Test(fisher, two_million_row_tables_sum_only_the_terms_that_matter)
{
  struct icp_stats_fisher r;
  int i;

  /* a thousand near-null huge tables: each walks a few thousand terms */
  for (i = 0; i < 1000; i++) {
    cr_assert_eq(icp_stats_fisher_exact(1000 + (uint64_t)i % 50,
                                        399000, 4000, 1596000, &r),
                 ICP_STATS_OK);
    cr_assert(r.p > 0.0 && r.p <= 1.0);
  }
}

/* ------------------------------------------------------------------ */
/* Mann-Whitney U                                                      */
/* ------------------------------------------------------------------ */

Test(mannwhitney, matches_scipy_with_and_without_ties)
{
  FILE *f = fixture("mwu.txt");
  double nx;
  int count = 0;

  while (next_num(f, &nx)) {
    double ny = need(f), u = need(f), p = need(f);
    double *x = need_array(f, (size_t)nx), *y = need_array(f, (size_t)ny);
    struct icp_stats_mwu r;

    cr_assert_eq(icp_stats_mannwhitney(x, (size_t)nx, y, (size_t)ny, &r),
                 ICP_STATS_OK);
    assert_close(r.u, u, 1e-12, 0, "U, case %d", count);
    assert_close(r.p, p, 1e-9, 1e-300, "p, case %d", count);
    free(x);
    free(y);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 10);
}

Test(mannwhitney, matches_scipy_on_a_million_heavily_tied_values)
{
  FILE *f = fixture("mwu_lcg.txt");
  double seed;
  int count = 0;

  while (next_num(f, &seed)) {
    size_t nx = (size_t)need(f), ny = (size_t)need(f), i;
    uint64_t mx = (uint64_t)need(f), my = (uint64_t)need(f);
    double u = need(f), p = need(f);
    double *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y);
    uint64_t s = (uint64_t)seed;
    struct icp_stats_mwu r;

    cr_assert(x && y);
    for (i = 0; i < nx; i++)
      x[i] = (double)(lcg_next(&s) % mx);
    for (i = 0; i < ny; i++)
      y[i] = (double)(lcg_next(&s) % my);
    cr_assert_eq(icp_stats_mannwhitney(x, nx, y, ny, &r), ICP_STATS_OK);
    assert_close(r.u, u, 1e-12, 0, "U, seed %g", seed);
    assert_close(r.p, p, 1e-9, 1e-300, "p, seed %g", seed);
    free(x);
    free(y);
    count++;
  }
  fclose(f);
  cr_assert_eq(count, 3);
}

Test(mannwhitney, reports_medians_and_leaves_inputs_untouched)
{
  double x[] = { 5, 1, 3, 2 }, y[] = { 9, 7, 8 };
  struct icp_stats_mwu r;

  cr_assert_eq(icp_stats_mannwhitney(x, 4, y, 3, &r), ICP_STATS_OK);
  cr_assert_eq(r.median_x, 2.5);
  cr_assert_eq(r.median_y, 8.0);
  cr_assert_eq(r.u, 0.0);
  cr_assert_eq(x[0], 5.0);
  cr_assert_eq(y[0], 9.0);
}

Test(mannwhitney, identical_values_give_p_one)
{
  double x[] = { 2, 2, 2 }, y[] = { 2, 2 };
  struct icp_stats_mwu r;

  cr_assert_eq(icp_stats_mannwhitney(x, 3, y, 2, &r), ICP_STATS_OK);
  cr_assert_eq(r.p, 1.0);
  cr_assert_eq(r.u, 3.0);
}

Test(mannwhitney, rejects_empty_samples_and_nan)
{
  double x[] = { 1, NAN }, y[] = { 2 };
  struct icp_stats_mwu r;

  cr_assert_eq(icp_stats_mannwhitney(x, 0, y, 1, &r), ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_mannwhitney(x, 2, y, 1, &r), ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_mannwhitney(y, 1, x, 2, &r), ICP_STATS_EINVAL);
}

Test(median, takes_the_middle_or_the_mean_of_the_two_middles)
{
  double odd[] = { 9, -1, 4 }, even[] = { 4, 1, 3, 100 }, m;

  cr_assert_eq(icp_stats_median(odd, 3, &m), ICP_STATS_OK);
  cr_assert_eq(m, 4.0);
  cr_assert_eq(icp_stats_median(even, 4, &m), ICP_STATS_OK);
  cr_assert_eq(m, 3.5);
  cr_assert_eq(icp_stats_median(even, 0, &m), ICP_STATS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Benjamini-Hochberg                                                  */
/* ------------------------------------------------------------------ */

Test(bh, matches_scipy_false_discovery_control)
{
  FILE *f = fixture("bh.txt");
  double nd;
  int count = 0;

  while (next_num(f, &nd)) {
    size_t n = (size_t)nd, i;
    double *p = need_array(f, n), *want = need_array(f, n);
    double *q = malloc(n * sizeof *q);

    cr_assert_not_null(q);
    cr_assert_eq(icp_stats_bh(p, n, q), ICP_STATS_OK);
    for (i = 0; i < n; i++)
      assert_close(q[i], want[i], 1e-12, 0, "case %d, q[%zu]", count, i);
    cr_assert_eq(icp_stats_bh(p, n, p), ICP_STATS_OK); /* in place */
    for (i = 0; i < n; i++)
      cr_assert_eq(p[i], q[i]);
    free(p);
    free(want);
    free(q);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 6);
}

Test(bh, rejects_p_values_outside_the_unit_interval)
{
  double p[] = { 0.1, 1.5 }, pn[] = { NAN }, q[2];

  cr_assert_eq(icp_stats_bh(p, 2, q), ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_bh(pn, 1, q), ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_bh(p, 0, q), ICP_STATS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* ROC AUC                                                             */
/* ------------------------------------------------------------------ */

Test(auc, matches_sklearn_with_tied_scores)
{
  FILE *f = fixture("auc.txt");
  double nd;
  int count = 0;

  while (next_num(f, &nd)) {
    size_t n = (size_t)nd, i;
    double want = need(f), got;
    double *s = need_array(f, n), *ld = need_array(f, n);
    unsigned char *lab = malloc(n);

    cr_assert_not_null(lab);
    for (i = 0; i < n; i++)
      lab[i] = ld[i] != 0.0;
    cr_assert_eq(icp_stats_auc(s, lab, n, &got), ICP_STATS_OK);
    assert_close(got, want, 1e-12, 0, "case %d", count);
    free(s);
    free(ld);
    free(lab);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 5);
}

Test(auc, matches_sklearn_on_a_million_rows)
{
  FILE *f = fixture("auc_lcg.txt");
  double seed = need(f), nd = need(f), want = need(f), got;
  size_t n = (size_t)nd, i;
  double *s = malloc(n * sizeof *s);
  unsigned char *lab = malloc(n);
  uint64_t st = (uint64_t)seed;

  fclose(f);
  cr_assert(s && lab);
  for (i = 0; i < n; i++) {
    uint64_t v = lcg_next(&st) % 1000, noise = lcg_next(&st) % 700;

    s[i] = (double)v;
    lab[i] = v + noise > 900;
  }
  cr_assert_eq(icp_stats_auc(s, lab, n, &got), ICP_STATS_OK);
  assert_close(got, want, 1e-12, 0, "seed %g", seed);
  free(s);
  free(lab);
}

Test(auc, refuses_labels_of_a_single_class)
{
  double s[] = { 0.1, 0.2 };
  unsigned char lab[] = { 1, 1 };
  double a;

  cr_assert_eq(icp_stats_auc(s, lab, 2, &a), ICP_STATS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Proportions                                                         */
/* ------------------------------------------------------------------ */

Test(wilson, matches_the_statsmodels_formula)
{
  FILE *f = fixture("wilson.txt");
  double k;
  int count = 0;

  while (next_num(f, &k)) {
    double n = need(f), lo = need(f), hi = need(f), glo, ghi;

    cr_assert_eq(icp_stats_wilson((uint64_t)k, (uint64_t)n, ICP_STATS_Z95,
                                  &glo, &ghi),
                 ICP_STATS_OK);
    assert_close(glo, lo, 1e-9, 1e-15, "lo %g/%g", k, n);
    assert_close(ghi, hi, 1e-9, 1e-15, "hi %g/%g", k, n);
    cr_assert(glo <= k / n + 1e-15 && k / n <= ghi + 1e-15);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 30);
}

Test(wilson, rejects_more_successes_than_trials)
{
  double lo, hi;

  cr_assert_eq(icp_stats_wilson(3, 2, ICP_STATS_Z95, &lo, &hi),
               ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_wilson(0, 0, ICP_STATS_Z95, &lo, &hi),
               ICP_STATS_EINVAL);
}

Test(two_prop, matches_the_pooled_z_test)
{
  FILE *f = fixture("twoprop.txt");
  double k1;
  int count = 0;

  while (next_num(f, &k1)) {
    double n1 = need(f), k2 = need(f), n2 = need(f);
    double z = need(f), p = need(f), gz, gp;

    cr_assert_eq(icp_stats_two_prop_z((uint64_t)k1, (uint64_t)n1,
                                      (uint64_t)k2, (uint64_t)n2, &gz, &gp),
                 ICP_STATS_OK);
    assert_close(gz, z, 1e-9, 1e-15, "z %g/%g %g/%g", k1, n1, k2, n2);
    assert_close(gp, p, 1e-9, 1e-300, "p %g/%g %g/%g", k1, n1, k2, n2);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 30);
}

Test(lift, matches_the_katz_log_interval)
{
  FILE *f = fixture("lift.txt");
  double a;
  int count = 0;

  while (next_num(f, &a)) {
    double n1 = need(f), c = need(f), n2 = need(f);
    double v = need(f), lo = need(f), hi = need(f);
    struct icp_stats_lift r;

    cr_assert_eq(icp_stats_lift((uint64_t)a, (uint64_t)n1, (uint64_t)c,
                                (uint64_t)n2, ICP_STATS_Z95, &r),
                 ICP_STATS_OK);
    assert_close(r.lift, v, 1e-12, 0, "lift %g/%g %g/%g", a, n1, c, n2);
    assert_close(r.lo, lo, 1e-9, 0, "lo %g/%g %g/%g", a, n1, c, n2);
    assert_close(r.hi, hi, 1e-9, 0, "hi %g/%g %g/%g", a, n1, c, n2);
    cr_assert(r.lo <= r.lift && r.lift <= r.hi);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 20);
}

Test(lift, is_undefined_when_the_attribute_never_occurs)
{
  struct icp_stats_lift r;

  cr_assert_eq(icp_stats_lift(0, 10, 0, 100, ICP_STATS_Z95, &r),
               ICP_STATS_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Quantiles                                                           */
/* ------------------------------------------------------------------ */

Test(quantile, matches_numpy_linear_interpolation)
{
  FILE *f = fixture("quantile.txt");
  double nd;
  int count = 0;

  while (next_num(f, &nd)) {
    size_t n = (size_t)nd, nq = (size_t)need(f), i;
    double *x = need_array(f, n);

    for (i = 0; i < nq; i++) {
      double q = need(f), want = need(f), got;

      cr_assert_eq(icp_stats_quantile(x, n, q, &got), ICP_STATS_OK);
      assert_close(got, want, 1e-12, 1e-15, "case %d q %g", count, q);
    }
    free(x);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 4);
}

/* The radix sort of doubles orders as comparisons do: negative and
 * positive values, zeros, infinities, subnormals and ties, below and
 * above the size where it stops calling qsort. */
Test(quantile, the_sort_of_doubles_orders_every_kind_of_value)
{
  static const double special[] = { 0.0, -0.0, INFINITY, -INFINITY, 5e-324,
                                    -5e-324, 1e308, -1e308, 1, -1, 0.5 };
  static const size_t sizes[] = { 0, 1, 2, 255, 256, 257, 5000, 100000 };
  size_t k, i;
  unsigned long long r = 88172645463325252ULL;
  for(k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
    size_t n = sizes[k];
    double *v = malloc((n ? n : 1) * sizeof(double));
    double *w = malloc((n ? n : 1) * sizeof(double));
    cr_assert(v && w);
    for(i = 0; i < n; i++) {
      r ^= r << 13;
      r ^= r >> 7;
      r ^= r << 17;
      if(r % 7 == 0)
        v[i] = special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
      else if(r % 7 == 1)
        v[i] = (double)((r >> 20) % 50); /* many ties */
      else
        v[i] = ((double)(r >> 11) / 9007199254740992.0 - 0.5) *
               pow(10, (double)((r >> 3) % 40) - 20);
    }
    memcpy(w, v, n * sizeof(double));
    icp_stats_sort_doubles(v, n);
    qsort(w, n, sizeof(double), icp_stats_cmp_double);
    for(i = 0; i < n; i++) {
      cr_assert(v[i] == w[i], "n %zu, at %zu: %g, not %g", n, i, v[i], w[i]);
      cr_assert(i == 0 || v[i - 1] <= v[i]);
    }
    free(v);
    free(w);
  }
}

Test(quantile, edges_drop_duplicates_so_ties_stay_in_one_bin)
{
  FILE *f = fixture("edges.txt");
  double nd;
  int count = 0;

  while (next_num(f, &nd)) {
    size_t n = (size_t)nd, bins = (size_t)need(f), ne = (size_t)need(f);
    size_t got_n, i, j;
    double *x = need_array(f, n), *want = need_array(f, ne);
    double *e = malloc((bins + 1) * sizeof *e);

    cr_assert_not_null(e);
    cr_assert_eq(icp_stats_quantile_edges(x, n, bins, e, &got_n),
                 ICP_STATS_OK);
    cr_assert_eq(got_n, ne, "case %d", count);
    for (i = 0; i < ne; i++)
      assert_close(e[i], want[i], 1e-12, 1e-15, "case %d edge %zu", count,
                   i);
    /* equal values land in the same bin, bins are ordered */
    for (i = 0; i < n; i++)
      for (j = 0; j < n; j++) {
        size_t bi = icp_stats_bin_of(e, got_n, x[i]);
        size_t bj = icp_stats_bin_of(e, got_n, x[j]);

        if (x[i] == x[j])
          cr_assert_eq(bi, bj);
        else if (x[i] < x[j])
          cr_assert_leq(bi, bj);
      }
    free(x);
    free(want);
    free(e);
    count++;
  }
  fclose(f);
  cr_assert_gt(count, 4);
}

Test(quantile, bin_of_closes_the_last_bin_and_clamps_outliers)
{
  double e[] = { 0.0, 1.0, 2.0, 3.0 };

  cr_assert_eq(icp_stats_bin_of(e, 4, -5.0), 0);
  cr_assert_eq(icp_stats_bin_of(e, 4, 0.0), 0);
  cr_assert_eq(icp_stats_bin_of(e, 4, 1.0), 1);
  cr_assert_eq(icp_stats_bin_of(e, 4, 2.999), 2);
  cr_assert_eq(icp_stats_bin_of(e, 4, 3.0), 2);
  cr_assert_eq(icp_stats_bin_of(e, 4, 99.0), 2);
  cr_assert_eq(icp_stats_bin_of(e, 1, 99.0), 0);
}

/* ------------------------------------------------------------------ */
/* Logistic regression                                                 */
/* ------------------------------------------------------------------ */

struct logit_fixture {
  size_t n, p, nl;
  unsigned char *x, *y;
  double *want; /* nl rows of: lambda intercept coef_1 .. coef_p */
};

static void load_logit(struct logit_fixture *lf)
{
  FILE *f = fixture("logit.txt");
  size_t i, j;

  lf->n = (size_t)need(f);
  lf->p = (size_t)need(f);
  lf->nl = (size_t)need(f);
  lf->x = malloc(lf->n * lf->p);
  lf->y = malloc(lf->n);
  cr_assert(lf->x && lf->y);
  for (i = 0; i < lf->n; i++) {
    lf->y[i] = need(f) != 0.0;
    for (j = 0; j < lf->p; j++)
      lf->x[i * lf->p + j] = need(f) != 0.0;
  }
  lf->want = need_array(f, lf->nl * (lf->p + 2));
  fclose(f);
}

static void free_logit(struct logit_fixture *lf)
{
  free(lf->x);
  free(lf->y);
  free(lf->want);
}

Test(logit, matches_sklearn_with_c_equal_to_one_over_lambda)
{
  struct logit_fixture lf;
  size_t l, j;

  load_logit(&lf);
  for (l = 0; l < lf.nl; l++) {
    const double *w = lf.want + l * (lf.p + 2);
    double coef[64];
    struct icp_stats_logit r;

    cr_assert_leq(lf.p, 64);
    cr_assert_eq(icp_stats_logit_fit(lf.x, lf.y, lf.n, lf.p, w[0], NULL,
                                     coef, &r),
                 ICP_STATS_OK);
    cr_assert(r.converged, "lambda %g", w[0]);
    cr_assert_leq(r.iterations, 20);
    assert_close(r.intercept, w[1], 1e-6, 1e-6, "lambda %g intercept",
                 w[0]);
    for (j = 0; j < lf.p; j++)
      assert_close(coef[j], w[2 + j], 1e-6, 1e-6, "lambda %g coef %zu",
                   w[0], j);
  }
  free_logit(&lf);
}

/* Rows with 4 random features (densities 1/2, 1/4, 1/2, 1/8) and a label
 * drawn from the planted model. */
static void planted(size_t n, unsigned char *x, unsigned char *y)
{
  const double w[4] = { 1.5, -2.0, 0.5, 0.0 }, b = -0.7;
  uint64_t s = 42;
  size_t i, j;

  for (i = 0; i < n; i++) {
    double eta = b;

    x[i * 4 + 0] = mix_next(&s) % 2 == 0;
    x[i * 4 + 1] = mix_next(&s) % 4 == 0;
    x[i * 4 + 2] = mix_next(&s) % 2 == 0;
    x[i * 4 + 3] = mix_next(&s) % 8 == 0;
    for (j = 0; j < 4; j++)
      eta += x[i * 4 + j] ? w[j] : 0.0;
    y[i] = (double)(mix_next(&s) >> 11) * 0x1p-53 <
           1.0 / (1.0 + exp(-eta));
  }
}

Test(logit, recovers_a_planted_coefficient)
{
  size_t n = 40000;
  unsigned char *x = malloc(n * 4), *y = malloc(n);
  double coef[4];
  struct icp_stats_logit r;

  cr_assert(x && y);
  planted(n, x, y);
  cr_assert_eq(icp_stats_logit_fit(x, y, n, 4, 1e-3, NULL, coef, &r),
               ICP_STATS_OK);
  cr_assert(r.converged);
  assert_close(coef[0], 1.5, 0.06, 0, "w1");
  assert_close(coef[1], -2.0, 0.06, 0, "w2");
  assert_close(coef[2], 0.5, 0.15, 0, "w3");
  cr_assert_lt(fabs(coef[3]), 0.1, "w4 = %g", coef[3]);
  assert_close(r.intercept, -0.7, 0.1, 0, "b");
  free(x);
  free(y);
}

Test(logit, cross_validation_is_repeatable_and_refits_at_the_winner)
{
  size_t n = 5000, best, best2, l;
  unsigned char *x = malloc(n * 4), *y = malloc(n);
  const double grid[] = { 1e4, 1e2, 1.0, 1e-2 };
  double coef[4], coef2[4], coef3[4], loss[4], loss2[4];
  struct icp_stats_logit r, r2, r3;

  cr_assert(x && y);
  planted(n, x, y);
  cr_assert_eq(icp_stats_logit_cv(x, y, n, 4, grid, 4, 5, 7, NULL, loss,
                                  &best, coef, &r),
               ICP_STATS_OK);
  cr_assert_eq(icp_stats_logit_cv(x, y, n, 4, grid, 4, 5, 7, NULL, loss2,
                                  &best2, coef2, &r2),
               ICP_STATS_OK);
  cr_assert_eq(best, best2);
  for (l = 0; l < 4; l++) {
    cr_assert_eq(loss[l], loss2[l]);
    cr_assert_leq(loss[best], loss[l]);
  }
  cr_assert_neq(best, 0, "lambda 1e4 cannot win with 5000 rows");
  cr_assert_eq(icp_stats_logit_fit(x, y, n, 4, grid[best], NULL, coef3,
                                   &r3),
               ICP_STATS_OK);
  for (l = 0; l < 4; l++)
    assert_close(coef[l], coef3[l], 1e-12, 1e-12, "refit coef %zu", l);
  free(x);
  free(y);
}

Test(logit, rejects_bad_arguments)
{
  unsigned char x[4] = { 0, 1, 1, 0 }, y[2] = { 0, 1 };
  double coef[2], lam = 1.0;
  size_t best;
  struct icp_stats_logit r;

  cr_assert_eq(icp_stats_logit_fit(x, y, 2, 2, -1.0, NULL, coef, &r),
               ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_logit_fit(x, y, 0, 2, 1.0, NULL, coef, &r),
               ICP_STATS_EINVAL);
  cr_assert_eq(icp_stats_logit_cv(x, y, 2, 2, &lam, 1, 3, 1, NULL, NULL,
                                  &best, coef, &r),
               ICP_STATS_EINVAL);
}
