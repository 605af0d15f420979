/*
 * discover_rows.c -- the rows of a discovery: best, worst and neither
 * (an LTV cut at the top and bottom 20%), and the holdout split.
 */
#include <math.h>
#include <stdlib.h>

#include "stats/discover.h"
#include "stats/discover_impl.h"
#include "stats/stats.h"

int icp_disc_add_row(struct icp_disc *d, size_t *cap, uint32_t acct, int y,
                   double value)
{
  size_t need = d->nrows + 1;
  if(need > *cap) {
    /* four arrays share *cap: each grows from it to the same capacity (a
     * failure leaves *cap as it was) */
    size_t c[4] = { *cap, *cap, *cap, *cap };
    if(icp_grow(d->row_acct, c[0], need) || icp_grow(d->row_y, c[1], need) ||
       icp_grow(d->row_value, c[2], need) ||
       icp_grow(d->row_train, c[3], need))
      return -1;
    *cap = c[0];
  }
  d->row_acct[d->nrows] = acct;
  d->row_y[d->nrows] = (int8_t)y;
  d->row_value[d->nrows] = value;
  d->nrows++;
  return 0;
}

/* Number of sorted values <= x (upper) or < x (lower). */
static size_t count_le(const double *v, size_t n, double x, int strict)
{
  size_t lo = 0, hi = n;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(strict ? v[mid] < x : v[mid] <= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Cuts LTV rows into the top and bottom 20%, ties kept together: each cut
 * goes on the side of a tied block that lands closer to 20%. */
enum icp_status icp_disc_cut_ltv(struct icp_disc *d, struct icp_err *err)
{
  size_t i, n = 0, k, le, lt;
  double *v = malloc((d->nrows ? d->nrows : 1) * sizeof(*v));
  double target, x;
  if(!v)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(i = 0; i < d->nrows; i++)
    if(!isnan(d->row_value[i]))
      v[n++] = d->row_value[i];
  if(n < 5) {
    free(v);
    return icp_err_set(err, ICP_EINVAL, "only %zu rows have a value; "
                       "nothing to compare", n);
  }
  icp_stats_sort_doubles(v, n);
  target = 0.2 * (double)n;
  k = (size_t)llround(target);
  if(k < 1)
    k = 1;
  /* bottom: values <= cut_lo */
  x = v[k - 1];
  le = count_le(v, n, x, 0);
  lt = count_le(v, n, x, 1);
  if(lt && fabs((double)lt - target) < fabs((double)le - target))
    d->cut_lo = v[lt - 1];
  else
    d->cut_lo = x;
  /* top: values >= cut_hi */
  x = v[n - k];
  le = n - count_le(v, n, x, 1);   /* >= x */
  lt = n - count_le(v, n, x, 0);   /* > x */
  if(lt && fabs((double)lt - target) < fabs((double)le - target))
    d->cut_hi = v[n - lt];
  else
    d->cut_hi = x;
  free(v);
  if(!(d->cut_lo < d->cut_hi))
    return icp_err_set(err, ICP_EINVAL, "the value has too many ties to "
                       "cut a top and a bottom 20%%");
  for(i = 0; i < d->nrows; i++) {
    double y = d->row_value[i];
    d->row_y[i] = (int8_t)(isnan(y) ? -1 : y >= d->cut_hi ? 1 :
                           y <= d->cut_lo ? 0 : -1);
  }
  return ICP_OK;
}

static uint64_t mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void icp_disc_split_holdout(struct icp_disc *d)
{
  size_t i;
  d->n_best = d->n_worst = 0;
  for(i = 0; i < d->nrows; i++) {
    uint64_t h = mix64(d->o.seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull
                       + d->row_acct[i] * 0xD1B54A32D192ED03ull);
    double u = (double)(h >> 11) * 0x1.0p-53;
    d->row_train[i] = (uint8_t)!(u < d->o.holdout);
    if(!d->row_train[i])
      continue;
    if(d->row_y[i] == 1)
      d->n_best++;
    else if(d->row_y[i] == 0)
      d->n_worst++;
  }
}
