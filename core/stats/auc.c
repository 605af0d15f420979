/*
 * auc.c -- ROC AUC with ties counted half (the Mann-Whitney statistic).
 */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

struct scored {
  double s;
  unsigned char pos;
};

static int cmp_scored(const void *pa, const void *pb)
{
  const struct scored *a = pa, *b = pb;

  return (a->s > b->s) - (a->s < b->s);
}

int icp_stats_auc(const double *score, const unsigned char *label, size_t n,
                  double *auc)
{
  struct scored *v;
  double npos = 0.0, nneg = 0.0, neg_below = 0.0, sum = 0.0;
  size_t i;

  if (!score || !label || !auc || n == 0)
    return ICP_STATS_EINVAL;
  for (i = 0; i < n; i++) {
    if (isnan(score[i]))
      return ICP_STATS_EINVAL;
    if (label[i])
      npos += 1.0;
    else
      nneg += 1.0;
  }
  if (npos == 0.0 || nneg == 0.0)
    return ICP_STATS_EINVAL;
  v = malloc(n * sizeof *v);
  if (!v)
    return ICP_STATS_ENOMEM;
  for (i = 0; i < n; i++) {
    v[i].s = score[i];
    v[i].pos = label[i] != 0;
  }
  qsort(v, n, sizeof *v, cmp_scored);

  /* each positive beats the negatives below its tie group and half-beats
   * the negatives inside it */
  i = 0;
  while (i < n) {
    double gpos = 0.0, gneg = 0.0, s = v[i].s;

    while (i < n && v[i].s == s) {
      if (v[i].pos)
        gpos += 1.0;
      else
        gneg += 1.0;
      i++;
    }
    sum += gpos * neg_below + 0.5 * gpos * gneg;
    neg_below += gneg;
  }
  free(v);
  *auc = sum / npos / nneg;
  return ICP_STATS_OK;
}
