/*
 * discover_evidence.c -- the tests of a discovery, on the training rows:
 * per categorical value, list element, quantile bin and missing value a
 * 2x2 table (has it / not, best / worst) with its lift, Katz CI and Fisher
 * p; per numeric column Mann-Whitney U; BH q-values over all of them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "stats/discover.h"
#include "stats/stats.h"

/* ==================================================================== */
/* Adding a test                                                         */
/* ==================================================================== */

static struct icp_disc_test *add_test(struct icp_disc *d, int col, int what,
                                      uint32_t level, long nb, long nw)
{
  struct icp_disc_test *t;
  if(icp_grow(d->tests, d->captests, d->ntests + 1))
    return NULL;
  t = &d->tests[d->ntests++];
  memset(t, 0, sizeof(*t));
  t->col = col;
  t->what = what;
  t->level = level;
  t->n_best = nb;
  t->n_worst = nw;
  t->feature = -1;
  return t;
}

/* Fisher p and lift of one test against the group totals. */
static int finish_test(const struct icp_disc *d, struct icp_disc_test *t)
{
  struct icp_stats_fisher f;
  struct icp_stats_lift l;
  uint64_t a = (uint64_t)t->n_best, b = (uint64_t)t->n_worst;
  uint64_t B = (uint64_t)d->n_best, W = (uint64_t)d->n_worst;
  if(icp_stats_fisher_exact(a, b, B - a, W - b, &f))
    return -1;
  t->p = f.p;
  t->log_p = f.log_p;
  if(a + b && !icp_stats_lift(a, B, a + b, B + W, ICP_STATS_Z95, &l)) {
    t->lift = l.lift;
    t->lift_lo = l.lo;
    t->lift_hi = isfinite(l.hi) ? l.hi : 1e308;
  }
  else
    t->lift = t->lift_lo = t->lift_hi = 0;
  return 0;
}

/* The compared training rows: y 1 best, 0 worst. */
#define EACH_ROW(d, i, acct, y)                                         \
  for(i = 0; i < (d)->nrows; i++)                                       \
    if((d)->row_train[i] && (d)->row_y[i] >= 0 &&                       \
       ((acct = (d)->row_acct[i]), (y = (d)->row_y[i]), 1))

/* ==================================================================== */
/* Categorical and bool columns                                          */
/* ==================================================================== */

/* The test of one value (nb best, nw worst accounts), or its counts
 * pooled into oth when it has fewer than min_support; 0, or -1 when out
 * of memory. */
static int value_test(struct icp_disc *d, int ci, uint32_t level, long nb,
                      long nw, long oth[2])
{
  if(nb + nw < d->o.min_support) {
    oth[1] += nb;
    oth[0] += nw;
    return 0;
  }
  return add_test(d, ci, ICP_DW_VALUE, level, nb, nw) ? 0 : -1;
}

static int cat_tests(struct icp_disc *d, int ci)
{
  struct icp_disc_col *c = &d->cols[ci];
  uint32_t nl = c->nlv, l;
  long *cnt = calloc((size_t)(nl + 2) * 2, sizeof(long));
  long miss[2] = { 0, 0 }, oth[2] = { 0, 0 };
  size_t i;
  uint32_t acct;
  int y;
  if(!cnt)
    return -1;
  EACH_ROW(d, i, acct, y) {
    uint32_t code = c->code[acct];
    if(code == ICP_DISC_NONE)
      miss[y]++;
    else if(code == ICP_DISC_RARE)
      oth[y]++;
    else if(c->kind == ICP_DK_BOOL) {
      if(c->lvbool[code] < 0)
        miss[y]++;
      else
        cnt[(size_t)c->lvbool[code] * 2 + (size_t)y]++;
    }
    else
      cnt[(size_t)code * 2 + (size_t)y]++;
  }
  if(c->kind == ICP_DK_BOOL) {
    int b;
    for(b = 1; b >= 0; b--) {
      uint32_t rep = ICP_DISC_NONE;
      long nb = cnt[b * 2 + 1], nw = cnt[b * 2];
      for(l = 0; l < nl && rep == ICP_DISC_NONE; l++)
        if(c->lvbool[l] == b)
          rep = l;
      if(rep != ICP_DISC_NONE && nb + nw &&
         value_test(d, ci, rep, nb, nw, oth))
        goto fail;
    }
  }
  else
    for(l = 0; l < nl; l++) {
      long nb = cnt[(size_t)l * 2 + 1], nw = cnt[(size_t)l * 2];
      if(nb + nw && value_test(d, ci, l, nb, nw, oth))
        goto fail;
    }
  if(miss[0] + miss[1] >= d->o.min_support) {
    if(!add_test(d, ci, ICP_DW_MISSING, 0, miss[1], miss[0]))
      goto fail;
  }
  else {
    oth[0] += miss[0];
    oth[1] += miss[1];
  }
  if(oth[0] + oth[1] &&
     !add_test(d, ci, ICP_DW_OTHER, 0, oth[1], oth[0]))
    goto fail;
  free(cnt);
  return 0;
fail:
  free(cnt);
  return -1;
}

/* ==================================================================== */
/* List columns: each element on its own                                 */
/* ==================================================================== */

static int list_tests(struct icp_disc *d, int ci)
{
  struct icp_disc_col *c = &d->cols[ci];
  uint32_t nl = c->nlv, l;
  long *cnt = calloc((size_t)(nl + 1) * 2, sizeof(long));
  size_t *stamp = malloc((size_t)(nl + 1) * sizeof(size_t));
  uint8_t *rare = calloc((size_t)nl + 1, 1);
  long miss[2] = { 0, 0 }, oth[2] = { 0, 0 };
  size_t i;
  uint32_t acct;
  int y, rc = -1;
  if(!cnt || !stamp || !rare)
    goto out;
  for(l = 0; l <= nl; l++)
    stamp[l] = SIZE_MAX;
  EACH_ROW(d, i, acct, y) {
    uint32_t k;
    if(c->loff[acct] == c->loff[acct + 1]) {
      miss[y]++;
      continue;
    }
    for(k = c->loff[acct]; k < c->loff[acct + 1]; k++) {
      uint32_t e = c->items[k] >= nl ? nl : c->items[k];
      if(stamp[e] == i)
        continue;
      stamp[e] = i;
      cnt[(size_t)e * 2 + (size_t)y]++;
    }
  }
  for(l = 0; l < nl; l++) {
    long nb = cnt[(size_t)l * 2 + 1], nw = cnt[(size_t)l * 2];
    if(!(nb + nw))
      continue;
    if(nb + nw < d->o.min_support) {
      rare[l] = 1;
      continue;
    }
    if(!add_test(d, ci, ICP_DW_ELEMENT, l, nb, nw))
      goto out;
  }
  rare[nl] = 1;
  /* other: rows with at least one rare element */
  EACH_ROW(d, i, acct, y) {
    uint32_t k;
    for(k = c->loff[acct]; k < c->loff[acct + 1]; k++) {
      uint32_t e = c->items[k] >= nl ? nl : c->items[k];
      if(rare[e]) {
        oth[y]++;
        break;
      }
    }
  }
  if(miss[0] + miss[1] >= d->o.min_support &&
     !add_test(d, ci, ICP_DW_MISSING, 0, miss[1], miss[0]))
    goto out;
  if(oth[0] + oth[1] &&
     !add_test(d, ci, ICP_DW_OTHER, 0, oth[1], oth[0]))
    goto out;
  rc = 0;
out:
  free(cnt);
  free(stamp);
  free(rare);
  return rc;
}

/* ==================================================================== */
/* Numbers and dates (ages): quantile bins and Mann-Whitney              */
/* ==================================================================== */

static int num_tests(struct icp_disc *d, int ci)
{
  struct icp_disc_col *c = &d->cols[ci];
  size_t n = 0, nb = 0, nw = 0, i, nd, ne, b;
  double *vals = malloc((d->nrows ? d->nrows : 1) * sizeof(double));
  double *xb = malloc((d->nrows ? d->nrows : 1) * sizeof(double));
  double *xw = malloc((d->nrows ? d->nrows : 1) * sizeof(double));
  double *edges = malloc(((size_t)d->o.bins + 1) * sizeof(double));
  double *uniq = NULL;
  long miss[2] = { 0, 0 };
  long *cnt = NULL;
  double *lo = NULL, *hi = NULL;
  double amin = INFINITY, amax = -INFINITY;
  uint32_t acct;
  int y, rc = -1;

  if(!vals || !xb || !xw || !edges)
    goto out;
  for(i = 0; i < d->nacct; i++)
    if(!isnan(c->num[i])) {
      if(c->num[i] < amin)
        amin = c->num[i];
      if(c->num[i] > amax)
        amax = c->num[i];
    }
  EACH_ROW(d, i, acct, y) {
    double x = c->num[acct];
    if(isnan(x)) {
      miss[y]++;
      continue;
    }
    vals[n++] = x;
    if(y)
      xb[nb++] = x;
    else
      xw[nw++] = x;
  }
  if(n) {
    /* distinct values: few of them are levels of their own */
    uniq = malloc(n * sizeof(double));
    if(!uniq)
      goto out;
    memcpy(uniq, vals, n * sizeof(double));
    icp_stats_sort_doubles(uniq, n);
    for(nd = 1, i = 1; i < n; i++)
      if(uniq[i] != uniq[nd - 1])
        uniq[nd++] = uniq[i];
    if(nd <= (size_t)d->o.bins) {
      memcpy(edges, uniq, nd * sizeof(double));
      ne = nd;
    }
    else if(icp_stats_quantile_edges(vals, n, (size_t)d->o.bins, edges,
                                     &ne))
      goto out;
    cnt = calloc((ne + 1) * 2, sizeof(long));
    lo = malloc((ne + 1) * sizeof(double));
    hi = malloc((ne + 1) * sizeof(double));
    if(!cnt || !lo || !hi)
      goto out;
    for(b = 0; b <= ne; b++) {
      lo[b] = INFINITY;
      hi[b] = -INFINITY;
    }
    EACH_ROW(d, i, acct, y) {
      double x = c->num[acct];
      if(isnan(x))
        continue;
      if(nd <= (size_t)d->o.bins) {
        size_t l2 = 0, h2 = nd;
        while(l2 < h2) {
          size_t m = (l2 + h2) / 2;
          if(edges[m] < x)
            l2 = m + 1;
          else
            h2 = m;
        }
        b = l2;
      }
      else
        b = icp_stats_bin_of(edges, ne, x);
      cnt[b * 2 + (size_t)y]++;
      if(x < lo[b])
        lo[b] = x;
      if(x > hi[b])
        hi[b] = x;
    }
    for(b = 0; b <= ne; b++) {
      struct icp_disc_test *t;
      if(!(cnt[b * 2] + cnt[b * 2 + 1]))
        continue;
      t = add_test(d, ci, ICP_DW_BIN, (uint32_t)b, cnt[b * 2 + 1],
                   cnt[b * 2]);
      if(!t)
        goto out;
      t->lo = lo[b];
      t->hi = hi[b];
      /* binned ranges reach the data's ends, so every value has a bin */
      if(lo[b] != hi[b] || nd > (size_t)d->o.bins) {
        if(b == 0)
          t->lo = amin;
      }
    }
    /* the last bin reaches the largest value seen */
    if(nd > (size_t)d->o.bins && d->ntests &&
       d->tests[d->ntests - 1].col == ci)
      d->tests[d->ntests - 1].hi = amax;
  }
  if(miss[0] + miss[1] >= d->o.min_support &&
     !add_test(d, ci, ICP_DW_MISSING, 0, miss[1], miss[0]))
    goto out;
  else if(miss[0] + miss[1] && miss[0] + miss[1] < d->o.min_support &&
          !add_test(d, ci, ICP_DW_OTHER, 0, miss[1], miss[0]))
    goto out;
  if(nb && nw) {
    struct icp_stats_mwu m;
    struct icp_disc_mwu *u;
    if(icp_grow(d->mwu, d->capmwu, d->nmwu + 1))
      goto out;
    if(icp_stats_mannwhitney(xb, nb, xw, nw, &m))
      goto out;
    u = &d->mwu[d->nmwu++];
    memset(u, 0, sizeof(*u));
    u->col = ci;
    u->n_best = (long)nb;
    u->n_worst = (long)nw;
    u->median_best = m.median_x;
    u->median_worst = m.median_y;
    u->u = m.u;
    u->p = m.p;
  }
  rc = 0;
out:
  free(vals);
  free(xb);
  free(xw);
  free(edges);
  free(uniq);
  free(cnt);
  free(lo);
  free(hi);
  return rc;
}

/* ==================================================================== */
/* All tests and BH                                                      */
/* ==================================================================== */

enum icp_status icp_disc_evidence(struct icp_disc *d, struct icp_err *err)
{
  size_t i, n;
  double *p;
  int ci;
  for(ci = 0; ci < d->ncols; ci++) {
    int r = 0;
    switch(d->cols[ci].kind) {
    case ICP_DK_CAT:
    case ICP_DK_BOOL:
      r = cat_tests(d, ci);
      break;
    case ICP_DK_LIST:
      r = list_tests(d, ci);
      break;
    case ICP_DK_NUM:
    case ICP_DK_DATE:
      r = num_tests(d, ci);
      break;
    default:
      break;
    }
    if(r)
      return icp_err_set(err, ICP_ENOMEM, "out of memory testing '%s'",
                         d->cols[ci].name);
  }
  for(i = 0; i < d->ntests; i++)
    if(finish_test(d, &d->tests[i]))
      return icp_err_set(err, ICP_EINVAL, "bad table for '%s'",
                         d->cols[d->tests[i].col].name);
  n = d->ntests + d->nmwu;
  if(!n)
    return ICP_OK;
  p = malloc(n * sizeof(double));
  if(!p)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(i = 0; i < d->ntests; i++)
    p[i] = d->tests[i].p;
  for(i = 0; i < d->nmwu; i++)
    p[d->ntests + i] = d->mwu[i].p;
  if(icp_stats_bh(p, n, p)) {
    free(p);
    return icp_err_set(err, ICP_EINVAL, "BH adjustment failed");
  }
  d->n_significant = 0;
  for(i = 0; i < d->ntests; i++) {
    d->tests[i].q = p[i];
    d->tests[i].significant = p[i] <= d->o.q;
    d->n_significant += d->tests[i].significant;
  }
  for(i = 0; i < d->nmwu; i++) {
    d->mwu[i].q = p[d->ntests + i];
    d->mwu[i].significant = d->mwu[i].q <= d->o.q;
    d->n_significant += d->mwu[i].significant;
  }
  free(p);
  if(d->n_best < 30 || d->n_worst < 30)
    icp_disc_note(d, "small groups: %ld best and %ld worst rows; only "
                  "large differences can show, and a value that is not "
                  "significant here may still matter", d->n_best,
                  d->n_worst);
  return ICP_OK;
}
