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

static double median_sorted(const double *s, size_t n)
{
  if (n % 2)
    return s[n / 2];
  return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

static double median_of(const double *s, size_t n, double unused)
{
  (void)unused;
  return median_sorted(s, n);
}

int icp_stats_median(const double *x, size_t n, double *median)
{
  if (!x || n == 0 || !median)
    return ICP_STATS_EINVAL;
  return icp_stats_on_sorted_copy(x, n, median_of, 0, median);
}

int icp_stats_mannwhitney(const double *x, size_t nx, const double *y,
                          size_t ny, struct icp_stats_mwu *out)
{
  double *sx, *sy;
  double r1 = 0.0, ties = 0.0, n1 = (double)nx, n2 = (double)ny, n;
  double u2, umax, sigma2;
  size_t i = 0, j = 0, pos = 0;
  int rc;

  if (!x || !y || nx == 0 || ny == 0 || !out)
    return ICP_STATS_EINVAL;
  sx = icp_stats_sorted_copy(x, nx, &rc);
  if (!sx)
    return rc;
  sy = icp_stats_sorted_copy(y, ny, &rc);
  if (!sy) {
    free(sx);
    return rc;
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
