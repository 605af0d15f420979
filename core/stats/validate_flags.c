/*
 * validate_flags.c -- the review flags of a validation (issue 8, point 2).
 *
 * Drift checks compare the current (last) period with the baseline:
 *   conversion_drop    ICP win rate down more than conversion_drop
 *                      (two-proportion z-test);
 *   cycle_increase     per tier, median won-deal cycle up more than
 *                      cycle_increase (Mann-Whitney);
 *   support_increase   ICP support per account up more than
 *                      support_increase (Mann-Whitney over accounts;
 *                      only when the deals have a support column);
 *   deal_size_change   ICP median won amount moved more than
 *                      deal_size_change either way (Mann-Whitney).
 * A drift is "review" when it passes its threshold and is significant
 * (p < alpha); "insufficient_data" when either side has fewer than
 * min_deals closed deals (rates), min_won won deals (cycle, size) or
 * min_accounts accounts (support); else "ok".
 *
 * Standing checks, on the current period, ICP against non-ICP:
 *   icp_win_rate_advantage  ICP win rate above non-ICP's;
 *   icp_cycle_advantage     ICP median cycle at least icp_cycle_advantage
 *                           shorter than non-ICP's.
 * These are "review" whenever the bar is not met (significance shown).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "stats/stats.h"
#include "stats/validate.h"

const char *icp_val_check_name(int check)
{
  static const char *const n[] = { "conversion_drop", "cycle_increase",
                                   "support_increase", "deal_size_change",
                                   "icp_win_rate_advantage",
                                   "icp_cycle_advantage" };
  return check >= 0 && check < 6 ? n[check] : "?";
}

const char *icp_val_status_name(int status)
{
  static const char *const n[] = { "ok", "review", "insufficient_data" };
  return status >= 0 && status < 3 ? n[status] : "?";
}

int icp_val_review_due(const struct icp_val_flag *f, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(f[i].status == ICP_VAL_REVIEW)
      return 1;
  return 0;
}

struct flags {
  struct icp_val_flag *f;
  size_t n, cap;
};

static struct icp_val_flag *push(struct flags *fl, int check, int group,
                                 int period, int baseline, double thr)
{
  struct icp_val_flag *f;
  if(icp_grow(fl->f, fl->cap, fl->n + 1))
    return NULL;
  f = &fl->f[fl->n++];
  memset(f, 0, sizeof(*f));
  f->check = check;
  f->group = group;
  f->period = period;
  f->baseline = baseline;
  f->threshold = thr;
  f->base_value = f->cur_value = f->change = f->p = NAN;
  return f;
}

static double rel(double cur, double base)
{
  if(isnan(cur) || isnan(base) || base == 0)
    return NAN;
  return cur / base - 1;
}

/* Rates: closed deals of the two cells, two-proportion test. */
static void rate_test(struct icp_val_flag *f, const struct icp_val_cell *b,
                      const struct icp_val_cell *c)
{
  f->n_base = b->won + b->lost;
  f->n_cur = c->won + c->lost;
  f->base_value = b->win_rate;
  f->cur_value = c->win_rate;
  f->change = rel(c->win_rate, b->win_rate);
  if(f->n_base && f->n_cur)
    icp_stats_two_prop_z((uint64_t)c->won, (uint64_t)f->n_cur,
                         (uint64_t)b->won, (uint64_t)f->n_base, NULL, &f->p);
}

/* Values of the two cells, Mann-Whitney; -1 when its scratch memory was
 * not there (the p-value would be missing, not unknown). */
static int mwu_test(struct icp_val_flag *f, const double *bv, long nb,
                    double bfig, const double *cv, long nc, double cfig)
{
  struct icp_stats_mwu u;
  int st;
  f->n_base = nb;
  f->n_cur = nc;
  f->base_value = bfig;
  f->cur_value = cfig;
  f->change = rel(cfig, bfig);
  if(nb > 0 && nc > 0) {
    st = icp_stats_mannwhitney(cv, (size_t)nc, bv, (size_t)nb, &u);
    if(st == ICP_STATS_ENOMEM)
      return -1;
    if(!st)
      f->p = u.p;
  }
  return 0;
}

/* Drift status: enough data, past the threshold (up when dir > 0, down
 * when dir < 0, either way when 0) and significant. */
static void drift_status(struct icp_val_flag *f, long min_n, double alpha,
                         int dir)
{
  int past;
  f->significant = !isnan(f->p) && f->p < alpha;
  if(f->n_base < min_n || f->n_cur < min_n || isnan(f->change)) {
    f->status = ICP_VAL_INSUFFICIENT;
    return;
  }
  past = dir > 0 ? f->change > f->threshold :
         dir < 0 ? f->change < -f->threshold :
                   fabs(f->change) > f->threshold;
  f->status = past && f->significant ? ICP_VAL_REVIEW : ICP_VAL_OK;
}

enum icp_status icp_val_flags(const struct icp_val_metrics *m,
                              struct icp_val_flag **out, size_t *n,
                              struct icp_err *err)
{
  const struct icp_val_opts *o = &m->opts;
  struct flags fl;
  struct icp_val_flag *f;
  int cur = m->nperiods - 1, base = o->baseline, t;
  int gi = icp_val_group(m, ICP_VAL_G_ICP);
  int gn = icp_val_group(m, ICP_VAL_G_NON_ICP);
  const struct icp_val_cell *b, *c;

  memset(&fl, 0, sizeof(fl));
  *out = NULL;
  *n = 0;
  if(base < 0)
    base = cur - 1;
  if(base >= cur)
    return icp_err_set(err, ICP_EINVAL, "the baseline must be a period "
                       "before the last one");
#define PUSH(...)                                                        \
  do {                                                                   \
    if(!(f = push(&fl, __VA_ARGS__))) {                                  \
      free(fl.f);                                                        \
      return icp_err_set(err, ICP_ENOMEM, "out of memory");              \
    }                                                                    \
  } while(0)
#define MWU(...)                                                         \
  do {                                                                   \
    if(mwu_test(f, __VA_ARGS__)) {                                       \
      free(fl.f);                                                        \
      return icp_err_set(err, ICP_ENOMEM, "out of memory");              \
    }                                                                    \
  } while(0)
  if(base >= 0) {
    b = icp_val_cell_at(m, base, gi);
    c = icp_val_cell_at(m, cur, gi);
    PUSH(ICP_VAL_CONVERSION_DROP, gi, cur, base, o->conversion_drop);
    rate_test(f, b, c);
    drift_status(f, o->min_deals, o->alpha, -1);

    for(t = 0; t < m->ntiers; t++) {
      const struct icp_val_cell *bt = icp_val_cell_at(m, base, t);
      const struct icp_val_cell *ct = icp_val_cell_at(m, cur, t);
      PUSH(ICP_VAL_CYCLE_INCREASE, t, cur, base, o->cycle_increase);
      MWU(bt->cycles, bt->n_cycle, bt->cycle_median, ct->cycles,
          ct->n_cycle, ct->cycle_median);
      drift_status(f, o->min_won, o->alpha, 1);
    }

    if(m->data->has_support) {
      PUSH(ICP_VAL_SUPPORT_INCREASE, gi, cur, base, o->support_increase);
      MWU(b->support, b->support_accounts, b->support_per_account,
          c->support, c->support_accounts, c->support_per_account);
      drift_status(f, o->min_accounts, o->alpha, 1);
    }

    PUSH(ICP_VAL_DEAL_SIZE_CHANGE, gi, cur, base, o->deal_size_change);
    MWU(b->amounts, b->n_amount, b->amount_median, c->amounts,
        c->n_amount, c->amount_median);
    drift_status(f, o->min_won, o->alpha, 0);
  }

  /* standing checks: baseline = non-ICP, current = ICP, same period */
  b = icp_val_cell_at(m, cur, gn);
  c = icp_val_cell_at(m, cur, gi);
  PUSH(ICP_VAL_ICP_WIN_RATE_ADVANTAGE, gi, cur, cur, 0);
  rate_test(f, b, c);
  f->significant = !isnan(f->p) && f->p < o->alpha;
  if(f->n_base < o->min_deals || f->n_cur < o->min_deals)
    f->status = ICP_VAL_INSUFFICIENT;
  else
    f->status = f->cur_value > f->base_value ? ICP_VAL_OK : ICP_VAL_REVIEW;

  PUSH(ICP_VAL_ICP_CYCLE_ADVANTAGE, gi, cur, cur, o->icp_cycle_advantage);
  MWU(b->cycles, b->n_cycle, b->cycle_median, c->cycles, c->n_cycle,
      c->cycle_median);
  f->significant = !isnan(f->p) && f->p < o->alpha;
  if(f->n_base < o->min_won || f->n_cur < o->min_won || isnan(f->change))
    f->status = ICP_VAL_INSUFFICIENT;
  else
    f->status = f->change <= -o->icp_cycle_advantage ? ICP_VAL_OK :
                ICP_VAL_REVIEW;
#undef PUSH
#undef MWU
  *out = fl.f;
  *n = fl.n;
  return ICP_OK;
}
