/*
 * auc.c -- ROC AUC with ties counted half (the Mann-Whitney statistic).
 */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

int icp_stats_auc(const double *score, const unsigned char *label, size_t n,
                  double *auc)
{
  double *pos, *neg, neg_below = 0.0, sum = 0.0;
  size_t np = 0, nn = 0, i, j;

  if (!score || !label || !auc || n == 0)
    return ICP_STATS_EINVAL;
  for (i = 0; i < n; i++) {
    if (isnan(score[i]))
      return ICP_STATS_EINVAL;
    if (label[i])
      np++;
    else
      nn++;
  }
  if (np == 0 || nn == 0)
    return ICP_STATS_EINVAL;
  /* the positives' and the negatives' scores, each sorted */
  pos = malloc(n * sizeof *pos);
  if (!pos)
    return ICP_STATS_ENOMEM;
  neg = pos + np;
  for (i = 0, np = nn = 0; i < n; i++) {
    if (label[i])
      pos[np++] = score[i];
    else
      neg[nn++] = score[i];
  }
  icp_stats_sort_doubles(pos, np);
  icp_stats_sort_doubles(neg, nn);

  /* tie groups in rising order: each positive beats the negatives below
   * its group and half-beats the negatives inside it */
  i = j = 0;
  while (i < np) {
    double gpos = 0.0, gneg = 0.0;
    double s = j < nn && neg[j] < pos[i] ? neg[j] : pos[i];

    while (i < np && pos[i] == s) {
      gpos += 1.0;
      i++;
    }
    while (j < nn && neg[j] == s) {
      gneg += 1.0;
      j++;
    }
    sum += gpos * neg_below + 0.5 * gpos * gneg;
    neg_below += gneg;
  }
  free(pos);
  *auc = sum / (double)np / (double)nn;
  return ICP_STATS_OK;
}
