/*
 * quantile.c -- quantiles (numpy's default 'linear' method) and quantile
 * bin edges that keep ties together.
 */
#include "stats/stats.h"
#include "base/buf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int icp_stats_cmp_double(const void *pa, const void *pb)
{
  double a = *(const double *)pa, b = *(const double *)pb;

  return (a > b) - (a < b);
}

/* LSD radix sort on the doubles' bits, ordered as the values are (8-bit
 * digits, a digit all values share is skipped), qsort when small or when
 * scratch space cannot be had. */
void icp_stats_sort_doubles(double *v, size_t n)
{
  uint64_t *a, *b, *t;
  size_t i, cnt[256];
  int shift;
  if(n < 256 || !(a = malloc(2 * n * sizeof(uint64_t)))) {
    qsort(v, n, sizeof(double), icp_stats_cmp_double);
    return;
  }
  icp_mem_huge(a, 2 * n * sizeof(uint64_t));
  b = a + n;
  for(i = 0; i < n; i++) {
    uint64_t u;
    memcpy(&u, &v[i], sizeof(u));
    a[i] = u >> 63 ? ~u : u | 0x8000000000000000ULL;
  }
  for(shift = 0; shift < 64; shift += 8) {
    size_t sum = 0, c;
    memset(cnt, 0, sizeof(cnt));
    for(i = 0; i < n; i++)
      cnt[(a[i] >> shift) & 255]++;
    if(cnt[(a[0] >> shift) & 255] == n)
      continue;
    for(i = 0; i < 256; i++) {
      c = cnt[i];
      cnt[i] = sum;
      sum += c;
    }
    for(i = 0; i < n; i++)
      b[cnt[(a[i] >> shift) & 255]++] = a[i];
    t = a;
    a = b;
    b = t;
  }
  for(i = 0; i < n; i++) {
    uint64_t u = a[i] >> 63 ? a[i] ^ 0x8000000000000000ULL : ~a[i];
    memcpy(&v[i], &u, sizeof(u));
  }
  free(a < b ? a : b);
}

double *icp_stats_sorted_copy(const double *x, size_t n, int *rc)
{
  double *s;
  size_t i;

  for (i = 0; i < n; i++)
    if (isnan(x[i])) {
      *rc = ICP_STATS_EINVAL;
      return NULL;
    }
  s = malloc(n * sizeof *s);
  if (!s) {
    *rc = ICP_STATS_ENOMEM;
    return NULL;
  }
  memcpy(s, x, n * sizeof *s);
  icp_stats_sort_doubles(s, n);
  *rc = ICP_STATS_OK;
  return s;
}

int icp_stats_on_sorted_copy(const double *x, size_t n, icp_stats_sorted_fn f,
                             double q, double *out)
{
  int rc;
  double *s = icp_stats_sorted_copy(x, n, &rc);

  if (!s)
    return rc;
  *out = f(s, n, q);
  free(s);
  return ICP_STATS_OK;
}

/* numpy's _lerp: a + (b - a) t, from the b side when t >= 0.5 */
static double lerp(double a, double b, double t)
{
  double diff = b - a;

  if (t >= 0.5)
    return b - diff * (1.0 - t);
  return a + diff * t;
}

static double quantile_of_sorted(const double *s, size_t n, double q)
{
  double h = (double)(n - 1) * q, fl = floor(h);
  size_t lo = (size_t)fl;

  if (lo >= n - 1)
    return s[n - 1];
  return lerp(s[lo], s[lo + 1], h - fl);
}

int icp_stats_quantile_sorted(const double *sorted, size_t n, double q,
                              double *out)
{
  if (!sorted || n == 0 || !out || !(q >= 0.0 && q <= 1.0))
    return ICP_STATS_EINVAL;
  *out = quantile_of_sorted(sorted, n, q);
  return ICP_STATS_OK;
}

int icp_stats_quantile(const double *x, size_t n, double q, double *out)
{
  if (!x || n == 0 || !out || !(q >= 0.0 && q <= 1.0))
    return ICP_STATS_EINVAL;
  return icp_stats_on_sorted_copy(x, n, quantile_of_sorted, q, out);
}

int icp_stats_quantile_edges(const double *x, size_t n, size_t bins,
                             double *edges, size_t *n_edges)
{
  double *s;
  size_t i, m = 0;
  int rc;

  if (!x || n == 0 || bins == 0 || !edges || !n_edges)
    return ICP_STATS_EINVAL;
  s = icp_stats_sorted_copy(x, n, &rc);
  if (!s)
    return rc;
  for (i = 0; i <= bins; i++) {
    double e = i == bins ? s[n - 1]
                         : quantile_of_sorted(s, n, (double)i / bins);

    if (m == 0 || e > edges[m - 1])
      edges[m++] = e;
  }
  free(s);
  *n_edges = m;
  return ICP_STATS_OK;
}

size_t icp_stats_bin_of(const double *edges, size_t n_edges, double v)
{
  size_t lo = 0, hi;

  if (!edges || n_edges <= 2)
    return 0;
  /* count of inner edges edges[1..n_edges-2] that are <= v */
  hi = n_edges - 2;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (edges[mid + 1] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
