/*
 * proportion.c -- normal tails, Wilson interval, two-proportion z-test and
 * lift with a Katz interval.
 */
#include "stats/stats.h"

#include <math.h>

#define SQRT1_2 0.70710678118654752440084436210485

double icp_stats_norm_cdf(double x)
{
  return 0.5 * erfc(-x * SQRT1_2);
}

double icp_stats_norm_sf(double x)
{
  return 0.5 * erfc(x * SQRT1_2);
}

int icp_stats_wilson(uint64_t k, uint64_t n, double z, double *lo,
                     double *hi)
{
  double nobs = (double)n, q, z2, denom, center, dist;

  if (n == 0 || k > n || !(z > 0) || !isfinite(z) || !lo || !hi)
    return ICP_STATS_EINVAL;
  q = (double)k / nobs;
  z2 = z * z;
  denom = 1.0 + z2 / nobs;
  center = (q + z2 / (2.0 * nobs)) / denom;
  dist = z * sqrt(q * (1.0 - q) / nobs + z2 / (4.0 * nobs * nobs));
  dist /= denom;
  *lo = center - dist;
  *hi = center + dist;
  return ICP_STATS_OK;
}

int icp_stats_two_prop_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                         double *z, double *p)
{
  double r1, r2, pp, var, zz = 0.0, pv = 1.0;

  if (n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2)
    return ICP_STATS_EINVAL;
  r1 = (double)k1 / (double)n1;
  r2 = (double)k2 / (double)n2;
  pp = ((double)k1 + (double)k2) / ((double)n1 + (double)n2);
  var = pp * (1.0 - pp) * (1.0 / (double)n1 + 1.0 / (double)n2);
  if (var > 0) {
    zz = (r1 - r2) / sqrt(var);
    pv = 2.0 * icp_stats_norm_sf(fabs(zz));
    if (pv > 1.0)
      pv = 1.0;
  }
  if (z)
    *z = zz;
  if (p)
    *p = pv;
  return ICP_STATS_OK;
}

int icp_stats_lift(uint64_t k_best, uint64_t n_best, uint64_t k_all,
                   uint64_t n_all, double z, struct icp_stats_lift *out)
{
  double a = (double)k_best, n1 = (double)n_best;
  double c = (double)k_all, n2 = (double)n_all, se, rr;

  if (!out || n_best == 0 || n_all == 0 || k_best > n_best ||
      k_all > n_all || k_all == 0 || !(z > 0) || !isfinite(z))
    return ICP_STATS_EINVAL;
  out->lift = (a / n1) / (c / n2);
  if (k_best == 0) {
    a += 0.5;
    n1 += 1.0;
    c += 0.5;
    n2 += 1.0;
  }
  rr = (a / n1) / (c / n2);
  se = sqrt(1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2);
  out->lo = k_best == 0 ? 0.0 : rr * exp(-z * se);
  out->hi = rr * exp(z * se);
  return ICP_STATS_OK;
}
