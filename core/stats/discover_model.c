/*
 * discover_model.c -- the model behind a draft pack: the significant
 * values as features, an L2 logistic regression (lambda by k-fold CV),
 * its coefficients shifted per attribute (lowest level 0) and scaled to
 * integer points, and the AUCs and tiers of a score.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/discover.h"
#include "stats/discover_impl.h"
#include "stats/stats.h"

#define FIT_ROWS_MAX 50000   /* rows the model is fitted on, at most */
#define CV_FOLDS 5
#define EXCLUDE_LIFT 0.1     /* "almost never among the best" */

/* ==================================================================== */
/* Features                                                             */
/* ==================================================================== */

/* Does account a have the value of test t? (the pack's predicate) */
static int matches(const struct icp_disc *d, const struct icp_disc_test *t,
                   uint32_t a)
{
  const struct icp_disc_col *c = &d->cols[t->col];
  uint32_t k;
  switch(t->what) {
  case ICP_DW_VALUE:
    if(c->kind == ICP_DK_BOOL)
      return c->code[a] < c->nlv && c->lvbool[c->code[a]] >= 0 &&
             c->lvbool[c->code[a]] == c->lvbool[t->level];
    return c->code[a] == t->level;
  case ICP_DW_BIN:
    return !isnan(c->num[a]) && c->num[a] >= t->lo && c->num[a] <= t->hi;
  case ICP_DW_ELEMENT:
    for(k = c->loff[a]; k < c->loff[a + 1]; k++)
      if(c->items[k] == t->level)
        return 1;
    return 0;
  case ICP_DW_MISSING:
    switch(c->kind) {
    case ICP_DK_NUM:
    case ICP_DK_DATE:
      return isnan(c->num[a]);
    case ICP_DK_LIST:
      return c->loff[a] == c->loff[a + 1];
    case ICP_DK_BOOL:
      return c->code[a] >= c->nlv || c->lvbool[c->code[a]] < 0;
    default:
      return c->code[a] == ICP_DISC_NONE;
    }
  default:
    return 0;
  }
}

static int by_logp(const void *x, const void *y, void *ud)
{
  const struct icp_disc *d = ud;
  const struct icp_disc_test *a = &d->tests[*(const int *)x];
  const struct icp_disc_test *b = &d->tests[*(const int *)y];
  if(a->log_p != b->log_p)
    return a->log_p < b->log_p ? -1 : 1;
  return *(const int *)x - *(const int *)y;
}

/* Insertion sort with a context (qsort_r is not C11). */
static void sort_idx(int *v, size_t n, const struct icp_disc *d)
{
  size_t i;
  for(i = 1; i < n; i++) {
    int x = v[i];
    size_t j = i;
    while(j && by_logp(&v[j - 1], &x, (void *)d) > 0) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
}

/* Picks excludes and features among the significant tests. */
int icp_disc_select_features(struct icp_disc *d)
{
  struct icp_disc_model *m = &d->model;
  size_t i, n = 0;
  int *cand = malloc((d->ntests ? d->ntests : 1) * sizeof(int));
  if(!cand)
    return -1;
  for(i = 0; i < d->ntests; i++) {
    struct icp_disc_test *t = &d->tests[i];
    t->feature = -1;
    t->exclude = 0;
    if(!t->significant || t->what == ICP_DW_OTHER)
      continue;
    if(t->what != ICP_DW_MISSING && t->lift <= EXCLUDE_LIFT) {
      t->exclude = 1;
      continue;
    }
    cand[n++] = (int)i;
  }
  sort_idx(cand, n, d);
  if(n > (size_t)d->o.max_rules)
    n = (size_t)d->o.max_rules;
  m->nfeat = n;
  m->feat_test = cand;
  for(i = 0; i < n; i++)
    d->tests[cand[i]].feature = (int)i;
  return 0;
}

static uint64_t mix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Fits the model on (a sample of) the training rows. */
enum icp_status icp_disc_fit(struct icp_disc *d, struct icp_err *err)
{
  static const double lambdas[] = { 0.01, 0.1, 1, 10, 100 };
  struct icp_disc_model *m = &d->model;
  struct icp_stats_logit out;
  size_t i, j, n = 0, avail = 0, p = m->nfeat, best = 0;
  unsigned char *x = NULL, *y = NULL;
  double keep;
  int rc;
  for(i = 0; i < d->nrows; i++)
    avail += d->row_train[i] && d->row_y[i] >= 0;
  keep = avail > FIT_ROWS_MAX ? (double)FIT_ROWS_MAX / (double)avail : 1;
  x = malloc((avail < FIT_ROWS_MAX ? avail : FIT_ROWS_MAX + 1000) * p + 1);
  y = malloc(avail < FIT_ROWS_MAX ? avail + 1 : FIT_ROWS_MAX + 1001);
  m->coef = calloc(p ? p : 1, sizeof(double));
  m->points = calloc(p ? p : 1, sizeof(double));
  if(!x || !y || !m->coef || !m->points) {
    free(x);
    free(y);
    return icp_err_set(err, ICP_ENOMEM, "out of memory for the model");
  }
  for(i = 0; i < d->nrows; i++) {
    if(!d->row_train[i] || d->row_y[i] < 0)
      continue;
    if(keep < 1) {
      double u = (double)(mix64(d->o.seed ^ (i * 0xD1B54A32D192ED03ull))
                          >> 11) * 0x1.0p-53;
      if(u >= keep || n >= FIT_ROWS_MAX + 1000)
        continue;
    }
    for(j = 0; j < p; j++)
      x[n * p + j] = (unsigned char)matches(d, &d->tests[m->feat_test[j]],
                                            d->row_acct[i]);
    y[n++] = (unsigned char)d->row_y[i];
  }
  m->rows_fitted = (long)n;
  m->folds = n >= CV_FOLDS ? CV_FOLDS : 2;
  rc = n >= 2 ? icp_stats_logit_cv(x, y, n, p, lambdas,
                                   sizeof(lambdas) / sizeof(lambdas[0]),
                                   (unsigned)m->folds, d->o.seed, NULL,
                                   NULL, &best, m->coef, &out) :
       ICP_STATS_EINVAL;
  free(x);
  free(y);
  if(rc)
    return icp_err_set(err, ICP_EINVAL, "the model could not be fitted "
                       "(%ld rows, %zu features)", m->rows_fitted, p);
  m->lambda = lambdas[best];
  m->intercept = out.intercept;
  m->fitted = 1;
  return ICP_OK;
}

/* ==================================================================== */
/* Points: shift each attribute so its lowest level is 0, then scale    */
/* ==================================================================== */

static int same_group(const struct icp_disc_test *t, const struct group *g)
{
  if(t->col != g->col)
    return 0;
  if(t->what == ICP_DW_ELEMENT)
    return g->element == t->level;
  return g->element == ICP_DISC_NONE;
}

int icp_disc_build_groups(struct icp_disc *d, struct draft *dr)
{
  struct icp_disc_model *m = &d->model;
  size_t f, a;
  int k;
  double top = 0;
  dr->g = calloc(m->nfeat ? m->nfeat : 1, sizeof(*dr->g));
  if(!dr->g)
    return -1;
  for(f = 0; f < m->nfeat; f++) {
    const struct icp_disc_test *t = &d->tests[m->feat_test[f]];
    struct group *g = NULL;
    for(k = 0; k < dr->ng && !g; k++)
      if(same_group(t, &dr->g[k]))
        g = &dr->g[k];
    if(!g) {
      g = &dr->g[dr->ng++];
      g->col = t->col;
      g->element = t->what == ICP_DW_ELEMENT ? t->level : ICP_DISC_NONE;
      g->feat = malloc(m->nfeat * sizeof(int));
      if(!g->feat)
        return -1;
    }
    g->feat[g->nfeat++] = (int)f;
  }
  for(k = 0; k < dr->ng; k++) {
    struct group *g = &dr->g[k];
    int j;
    for(a = 0; a < d->nacct && !g->has_ref; a++) {
      int any = 0;
      for(j = 0; j < g->nfeat && !any; j++)
        any = matches(d, &d->tests[m->feat_test[g->feat[j]]], (uint32_t)a);
      g->has_ref = !any;
    }
    g->shift = g->has_ref ? 0 : INFINITY;
    for(j = 0; j < g->nfeat; j++)
      if(m->coef[g->feat[j]] < g->shift)
        g->shift = m->coef[g->feat[j]];
    g->ref_coef = g->has_ref ? -g->shift : 0;
    for(j = 0; j < g->nfeat; j++)
      if(m->coef[g->feat[j]] - g->shift > top)
        top = m->coef[g->feat[j]] - g->shift;
    if(g->ref_coef > top)
      top = g->ref_coef;
  }
  if(!(top > 0))
    return 1;   /* nothing separates: every coefficient is 0 */
  for(k = 0; k < dr->ng; k++) {
    struct group *g = &dr->g[k];
    int j;
    for(j = 0; j < g->nfeat; j++) {
      /* a level less common among the best earns nothing, even when the
       * model ranks it above a worse level of the same attribute */
      const struct icp_disc_test *t = &d->tests[m->feat_test[g->feat[j]]];
      m->points[g->feat[j]] = t->lift < 1 ? 0 :
        floor((m->coef[g->feat[j]] - g->shift) / top * POINTS_TOP + 0.5);
    }
    g->ref_points = floor(g->ref_coef / top * POINTS_TOP + 0.5);
  }
  return 0;
}

void icp_disc_draft_free(struct draft *dr)
{
  int k;
  for(k = 0; k < dr->ng; k++)
    free(dr->g[k].feat);
  free(dr->g);
}

/* ==================================================================== */
/* AUCs and tiers                                                       */
/* ==================================================================== */

static double model_eta(const struct icp_disc *d, uint32_t a)
{
  const struct icp_disc_model *m = &d->model;
  double eta = m->intercept;
  size_t j;
  for(j = 0; j < m->nfeat; j++)
    if(matches(d, &d->tests[m->feat_test[j]], a))
      eta += m->coef[j];
  return eta;
}

/* AUC over rows of one split (train 1 / holdout 0); NaN without both
 * groups. pack_score NULL: the model. */
double icp_disc_auc(struct icp_disc *d, int train, const double *score,
                     long *nb, long *nw)
{
  size_t i, n = 0;
  double *x = malloc((d->nrows ? d->nrows : 1) * sizeof(double)), auc;
  unsigned char *y = malloc(d->nrows ? d->nrows : 1);
  long b = 0, w = 0;
  if(!x || !y) {
    free(x);
    free(y);
    return NAN;
  }
  for(i = 0; i < d->nrows; i++) {
    uint32_t a = d->row_acct[i];
    if(d->row_train[i] != train || d->row_y[i] < 0)
      continue;
    x[n] = score ? score[a] : model_eta(d, a);
    y[n++] = (unsigned char)d->row_y[i];
    b += d->row_y[i] == 1;
    w += d->row_y[i] == 0;
  }
  if(nb)
    *nb = b;
  if(nw)
    *nw = w;
  if(!b || !w || icp_stats_auc(x, y, n, &auc))
    auc = NAN;
  free(x);
  free(y);
  return auc;
}

void icp_disc_tiers_from(struct icp_disc *d, const double *score)
{
  struct icp_disc_model *m = &d->model;
  static const double pct[3] = { 0.8, 0.5, 0.2 };
  size_t i, n = 0;
  double *x = malloc((d->nrows ? d->nrows : 1) * sizeof(double));
  int k;
  m->ntiers = 0;
  if(!x)
    return;
  for(i = 0; i < d->nrows; i++)
    if(d->row_train[i] && score[d->row_acct[i]] >= 0)
      x[n++] = score[d->row_acct[i]];
  for(k = 0; k < 3; k++) {
    double t = 0;
    if(n)
      icp_stats_quantile(x, n, pct[k], &t);
    t = floor(t * 100) / 100;
    m->tiers[k] = t;
  }
  m->tiers[3] = 0;
  m->ntiers = 4;
  free(x);
}
