/*
 * multitest.c -- Benjamini-Hochberg false discovery rate control.
 */
#include "stats/stats.h"

#include <stdlib.h>

struct ranked {
  double p;
  size_t at; /* position in the caller's array */
};

static int cmp_ranked(const void *pa, const void *pb)
{
  const struct ranked *a = pa, *b = pb;

  if (a->p != b->p)
    return (a->p > b->p) - (a->p < b->p);
  return (a->at > b->at) - (a->at < b->at);
}

int icp_stats_bh(const double *p, size_t n, double *q)
{
  struct ranked *r;
  double m = (double)n, run = 1.0;
  size_t i;

  if (!p || !q || n == 0)
    return ICP_STATS_EINVAL;
  for (i = 0; i < n; i++)
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) /* also rejects NaN */
      return ICP_STATS_EINVAL;
  r = malloc(n * sizeof *r);
  if (!r)
    return ICP_STATS_ENOMEM;
  for (i = 0; i < n; i++) {
    r[i].p = p[i];
    r[i].at = i;
  }
  qsort(r, n, sizeof *r, cmp_ranked);
  for (i = n; i-- > 0;) {
    double v = r[i].p * (m / (double)(i + 1));

    if (v < run)
      run = v;
    q[r[i].at] = run; /* run <= 1 from the start: the clip */
  }
  free(r);
  return ICP_STATS_OK;
}
