/*
 * mannwhitney.c -- Mann-Whitney U test (asymptotic, two-sided) and medians.
 *
 * Both samples are sorted separately and merged; each run of equal values
 * gets its midrank, which yields the rank sum of x and the tie term
 * sum(t^3 - t) in one pass.
 */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
  double a = *(const double *)pa, b = *(const double *)pb;

  return (a > b) - (a < b);
}

/* Sorted malloc'd copy of x, or NULL.  Sets *bad if x holds a NaN. */
static double *sorted_copy(const double *x, size_t n, int *bad)
{
  double *s;
  size_t i;

  *bad = 0;
  for (i = 0; i < n; i++)
    if (isnan(x[i])) {
      *bad = 1;
      return NULL;
    }
  s = malloc(n * sizeof *s);
  if (!s)
    return NULL;
  memcpy(s, x, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  return s;
}

static double median_sorted(const double *s, size_t n)
{
  if (n % 2)
    return s[n / 2];
  return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

int icp_stats_median(const double *x, size_t n, double *median)
{
  double *s;
  int bad;

  if (!x || n == 0 || !median)
    return ICP_STATS_EINVAL;
  s = sorted_copy(x, n, &bad);
  if (!s)
    return bad ? ICP_STATS_EINVAL : ICP_STATS_ENOMEM;
  *median = median_sorted(s, n);
  free(s);
  return ICP_STATS_OK;
}

int icp_stats_mannwhitney(const double *x, size_t nx, const double *y,
                          size_t ny, struct icp_stats_mwu *out)
{
  double *sx, *sy;
  double r1 = 0.0, ties = 0.0, n1 = (double)nx, n2 = (double)ny, n;
  double u2, umax, sigma2;
  size_t i = 0, j = 0, pos = 0;
  int bad;

  if (!x || !y || nx == 0 || ny == 0 || !out)
    return ICP_STATS_EINVAL;
  sx = sorted_copy(x, nx, &bad);
  if (!sx)
    return bad ? ICP_STATS_EINVAL : ICP_STATS_ENOMEM;
  sy = sorted_copy(y, ny, &bad);
  if (!sy) {
    free(sx);
    return bad ? ICP_STATS_EINVAL : ICP_STATS_ENOMEM;
  }

  while (i < nx || j < ny) {
    double v, t, midrank;
    size_t cx = 0, cy = 0;

    if (j >= ny || (i < nx && sx[i] <= sy[j]))
      v = sx[i];
    else
      v = sy[j];
    while (i < nx && sx[i] == v) {
      i++;
      cx++;
    }
    while (j < ny && sy[j] == v) {
      j++;
      cy++;
    }
    t = (double)(cx + cy);
    midrank = (double)pos + (t + 1.0) / 2.0; /* ranks pos+1 .. pos+t */
    r1 += (double)cx * midrank;
    ties += t * t * t - t;
    pos += cx + cy;
  }

  n = n1 + n2;
  out->u = r1 - n1 * (n1 + 1.0) / 2.0;
  u2 = n1 * n2 - out->u;
  umax = out->u > u2 ? out->u : u2;
  sigma2 = n1 * n2 / 12.0 * ((n + 1.0) - (n > 1 ? ties / (n * (n - 1.0))
                                                 : 0.0));
  if (sigma2 > 0) {
    out->z = (umax - n1 * n2 / 2.0 - 0.5) / sqrt(sigma2);
    out->p = 2.0 * icp_stats_norm_sf(out->z);
    if (out->p > 1.0)
      out->p = 1.0;
  } else {
    out->z = 0.0;
    out->p = 1.0;
  }
  out->median_x = median_sorted(sx, nx);
  out->median_y = median_sorted(sy, ny);
  free(sx);
  free(sy);
  return ICP_STATS_OK;
}
