/*
 * validate_json.c -- every figure of a validation as one JSON document.
 *
 * A figure without data (no closed deal, no won amount...) is null, so the
 * document never holds NaN or infinity (DESIGN §4). Layout: see
 * docs/validate.md ("The JSON report").
 */
#include <math.h>
#include <string.h>

#include "data/value.h"
#include "stats/validate.h"

struct j {
  struct icp_buf *b;
  int bad;
};

static void raw(struct j *j, const char *s)
{
  j->bad |= icp_buf_adds(j->b, s) != ICP_OK;
}

/* "name": */
static void key(struct j *j, const char *name)
{
  j->bad |= icp_buf_json_str(j->b, name, strlen(name)) != ICP_OK;
  raw(j, ":");
}

static void num(struct j *j, const char *key, double v)
{
  if(key) {
    j->bad |= icp_buf_json_str(j->b, key, strlen(key)) != ICP_OK;
    raw(j, ":");
  }
  if(isfinite(v))
    j->bad |= icp_buf_json_num(j->b, v) != ICP_OK;
  else
    raw(j, "null");
}

static void lng(struct j *j, const char *key, long v)
{
  j->bad |= icp_buf_printf(j->b, "\"%s\":%ld", key, v) != ICP_OK;
}

static void str(struct j *j, const char *key, const char *v)
{
  if(key) {
    j->bad |= icp_buf_json_str(j->b, key, strlen(key)) != ICP_OK;
    raw(j, ":");
  }
  if(v)
    j->bad |= icp_buf_json_str(j->b, v, strlen(v)) != ICP_OK;
  else
    raw(j, "null");
}

static void date(struct j *j, const char *key, int32_t day)
{
  char d[11];
  icp_format_date(day, d);
  str(j, key, d);
}

static void cell(struct j *j, const struct icp_val_cell *c)
{
  raw(j, "{");
  lng(j, "deals", c->deals);
  raw(j, ",");
  lng(j, "open", c->open);
  raw(j, ",");
  lng(j, "won", c->won);
  raw(j, ",");
  lng(j, "lost", c->lost);
  raw(j, ",");
  num(j, "win_rate", c->win_rate);
  raw(j, ",");
  num(j, "win_rate_lo", c->win_lo);
  raw(j, ",");
  num(j, "win_rate_hi", c->win_hi);
  raw(j, ",");
  lng(j, "n_cycle", c->n_cycle);
  raw(j, ",");
  num(j, "cycle_median_days", c->cycle_median);
  raw(j, ",");
  num(j, "cycle_mean_days", c->cycle_mean);
  raw(j, ",");
  lng(j, "n_amount", c->n_amount);
  raw(j, ",");
  num(j, "amount_mean", c->amount_mean);
  raw(j, ",");
  num(j, "amount_median", c->amount_median);
  raw(j, ",");
  num(j, "amount_total", c->amount_total);
  raw(j, ",");
  lng(j, "accounts", c->accounts);
  raw(j, ",");
  lng(j, "support_accounts", c->support_accounts);
  raw(j, ",");
  num(j, "support_per_account", c->support_per_account);
  raw(j, ",");
  lng(j, "churn_known", c->churn_known);
  raw(j, ",");
  lng(j, "churned", c->churned);
  raw(j, ",");
  num(j, "churn_rate", c->churn_rate);
  raw(j, "}");
}

static void groups(struct j *j, const struct icp_val_metrics *m, int p)
{
  int g;
  raw(j, "{");
  for(g = 0; g < m->ngroups; g++) {
    if(g)
      raw(j, ",");
    key(j, icp_val_group_name(m, g));
    cell(j, icp_val_cell_at(m, p, g));
  }
  raw(j, "}");
}

static void arm(struct j *j, const char *name, const struct icp_val_arm *a)
{
  key(j, name);
  raw(j, "{");
  lng(j, "accounts", a->accounts);
  raw(j, ",");
  lng(j, "icp_accounts", a->icp_accounts);
  raw(j, ",");
  lng(j, "deals", a->deals);
  raw(j, ",");
  lng(j, "won", a->won);
  raw(j, ",");
  lng(j, "lost", a->lost);
  raw(j, ",");
  num(j, "win_rate", a->win_rate);
  raw(j, ",");
  num(j, "win_rate_lo", a->win_lo);
  raw(j, ",");
  num(j, "win_rate_hi", a->win_hi);
  raw(j, ",");
  num(j, "cycle_median_days", a->cycle_median);
  raw(j, ",");
  num(j, "amount_mean", a->amount_mean);
  raw(j, ",");
  num(j, "amount_median", a->amount_median);
  raw(j, "}");
}

static void only(struct j *j, const char *name,
                 const struct icp_val_disagree *o)
{
  key(j, name);
  raw(j, "{");
  lng(j, "accounts", o->accounts);
  raw(j, ",");
  lng(j, "won", o->won);
  raw(j, ",");
  lng(j, "lost", o->lost);
  raw(j, ",");
  num(j, "win_rate", o->win_rate);
  raw(j, ",");
  num(j, "win_rate_lo", o->win_lo);
  raw(j, ",");
  num(j, "win_rate_hi", o->win_hi);
  raw(j, "}");
}

static const char *tier_of(const struct icp_val_data *d, int k, int t)
{
  static const char *const special[] = { "unranked", "insufficient_data",
                                         "excluded" };
  if(t >= 0 && t < d->ntiers[k])
    return d->tier_names[k][t];
  return t >= -3 && t <= -1 ? special[t + 3] : "?";
}

static void ab_json(struct j *j, const struct icp_val_metrics *m,
                    size_t max_list)
{
  const struct icp_val_ab *ab = m->ab;
  const struct icp_val_data *d = m->data;
  size_t i;
  raw(j, ",\"ab\":{");
  str(j, "mode", ab->backtest ? "backtest" : "arms");
  raw(j, ",");
  arm(j, "A", &ab->arm[0]);
  raw(j, ",");
  arm(j, "B", &ab->arm[1]);
  raw(j, ",\"difference\":{");
  num(j, "win_rate", ab->diff);
  raw(j, ",");
  num(j, "lo", ab->diff_lo);
  raw(j, ",");
  num(j, "hi", ab->diff_hi);
  raw(j, ",");
  num(j, "z", ab->z);
  raw(j, ",");
  num(j, "p", ab->p);
  raw(j, ",");
  num(j, "cycle_p", ab->cycle_p);
  raw(j, ",");
  num(j, "amount_p", ab->amount_p);
  raw(j, "},\"disagree\":{");
  lng(j, "accounts", (long)ab->ndisagree);
  raw(j, ",");
  lng(j, "both_icp", ab->agree_icp);
  raw(j, ",");
  lng(j, "both_non_icp", ab->agree_non);
  raw(j, ",");
  only(j, "icp_for_A_only", &ab->only[0]);
  raw(j, ",");
  only(j, "icp_for_B_only", &ab->only[1]);
  raw(j, ",");
  num(j, "p", ab->only_p);
  raw(j, ",\"list\":[");
  for(i = 0; i < ab->ndisagree && i < max_list; i++) {
    const struct icp_val_acct *a = &d->acct[ab->disagree[i]];
    if(i)
      raw(j, ",");
    raw(j, "{");
    str(j, "key", icp_val_acct_key(d, ab->disagree[i]));
    raw(j, ",");
    num(j, "score_A", a->score[0]);
    raw(j, ",");
    str(j, "tier_A", tier_of(d, 0, a->tier[0]));
    raw(j, ",");
    num(j, "score_B", a->score[1]);
    raw(j, ",");
    str(j, "tier_B", tier_of(d, 1, a->tier[1]));
    raw(j, ",");
    str(j, "icp_by", a->icp[0] ? "A" : "B");
    if(!ab->backtest) {
      raw(j, ",");
      str(j, "arm", a->arm == 1 ? "B" : a->arm == 0 ? "A" : NULL);
    }
    raw(j, "}");
  }
  raw(j, "]}}");
}

static void flag(struct j *j, const struct icp_val_metrics *m,
                 const struct icp_val_flag *f)
{
  char lab[24];
  int standing = f->check >= ICP_VAL_ICP_WIN_RATE_ADVANTAGE;
  raw(j, "{");
  str(j, "check", icp_val_check_name(f->check));
  raw(j, ",");
  str(j, "tier", icp_val_group_name(m, f->group));
  raw(j, ",");
  icp_val_period_label(m, f->period, lab);
  str(j, "period", lab);
  raw(j, ",");
  if(standing)
    str(j, "baseline_of", "non-ICP");
  else {
    icp_val_period_label(m, f->baseline, lab);
    str(j, "baseline_period", lab);
  }
  raw(j, ",");
  num(j, "baseline", f->base_value);
  raw(j, ",");
  num(j, "current", f->cur_value);
  raw(j, ",");
  num(j, "change", f->change);
  raw(j, ",");
  num(j, "threshold", f->threshold);
  raw(j, ",");
  lng(j, "n", f->n_base + f->n_cur);
  raw(j, ",");
  lng(j, "n_baseline", f->n_base);
  raw(j, ",");
  lng(j, "n_current", f->n_cur);
  raw(j, ",");
  num(j, "p", f->p);
  raw(j, f->significant ? ",\"significant\":true," :
                          ",\"significant\":false,");
  str(j, "test", f->check == ICP_VAL_CONVERSION_DROP ||
                 f->check == ICP_VAL_ICP_WIN_RATE_ADVANTAGE ?
                 "two-proportion z" : "Mann-Whitney U");
  raw(j, ",");
  str(j, "status", icp_val_status_name(f->status));
  raw(j, "}");
}

enum icp_status icp_val_json(struct icp_buf *b,
                             const struct icp_val_metrics *m,
                             const struct icp_val_flag *flags, size_t nflags,
                             const char *meta, size_t max_list)
{
  const struct icp_val_data *d = m->data;
  struct j j;
  char lab[24];
  int p, t;
  size_t i;
  j.b = b;
  j.bad = 0;
  raw(&j, "{");
  if(meta && *meta) {
    raw(&j, meta);
    raw(&j, ",");
  }
  str(&j, "report", "validate");
  raw(&j, ",");
  date(&j, "as_of", m->opts.as_of);
  raw(&j, ",");
  lng(&j, "period_days", m->opts.period_days);
  raw(&j, ",");
  icp_val_period_label(m, m->nperiods - 1, lab);
  str(&j, "current_period", lab);
  raw(&j, ",");
  p = m->opts.baseline < 0 ? m->nperiods - 2 : m->opts.baseline;
  if(p >= 0) {
    icp_val_period_label(m, p, lab);
    str(&j, "baseline_period", lab);
  }
  else
    str(&j, "baseline_period", NULL);
  raw(&j, ",\"tiers\":[");
  for(t = 0; t < m->ntiers; t++) {
    if(t)
      raw(&j, ",");
    str(&j, NULL, icp_val_group_name(m, t));
  }
  raw(&j, "],\"thresholds\":{");
  num(&j, "conversion_drop", m->opts.conversion_drop);
  raw(&j, ",");
  num(&j, "cycle_increase", m->opts.cycle_increase);
  raw(&j, ",");
  num(&j, "support_increase", m->opts.support_increase);
  raw(&j, ",");
  num(&j, "deal_size_change", m->opts.deal_size_change);
  raw(&j, ",");
  num(&j, "icp_cycle_advantage", m->opts.icp_cycle_advantage);
  raw(&j, ",");
  lng(&j, "min_deals", m->opts.min_deals);
  raw(&j, ",");
  lng(&j, "min_won", m->opts.min_won);
  raw(&j, ",");
  lng(&j, "min_accounts", m->opts.min_accounts);
  raw(&j, ",");
  num(&j, "alpha", m->opts.alpha);
  raw(&j, "},\"columns\":{");
  str(&j, "key", d->col_key);
  raw(&j, ",");
  str(&j, "created", *d->col_created ? d->col_created : NULL);
  raw(&j, ",");
  str(&j, "closed", d->col_closed);
  raw(&j, ",");
  str(&j, "stage", d->col_stage);
  raw(&j, ",");
  str(&j, "amount", *d->col_amount ? d->col_amount : NULL);
  raw(&j, ",");
  str(&j, "support", *d->col_support ? d->col_support : NULL);
  raw(&j, ",");
  str(&j, "churn", *d->col_churn ? d->col_churn : NULL);
  raw(&j, "},\"input\":{");
  lng(&j, "accounts", (long)d->nacct);
  raw(&j, ",");
  lng(&j, "deals", (long)d->ndeal);
  raw(&j, ",");
  lng(&j, "blank_account", d->blank_account);
  raw(&j, ",");
  lng(&j, "unknown_account", d->unknown_account);
  raw(&j, ",");
  lng(&j, "closed_after_as_of", m->deals_after);
  raw(&j, ",");
  lng(&j, "before_first_period", m->deals_before);
  raw(&j, ",");
  lng(&j, "without_date", m->deals_no_period);
  raw(&j, ",");
  lng(&j, "bad_rows", d->bad_rows);
  raw(&j, ",");
  lng(&j, "bad_cells", d->bad_cells);
  raw(&j, "},\"periods\":[");
  for(p = 0; p < m->nperiods; p++) {
    if(p)
      raw(&j, ",");
    raw(&j, "{");
    icp_val_period_label(m, p, lab);
    str(&j, "label", lab);
    raw(&j, ",");
    date(&j, "start", m->period_start[p]);
    raw(&j, ",");
    date(&j, "end", m->period_end[p]);
    raw(&j, ",\"groups\":");
    groups(&j, m, p);
    raw(&j, "}");
  }
  raw(&j, "],\"whole_run\":{\"groups\":");
  groups(&j, m, m->nperiods);
  raw(&j, "},");
  num(&j, "auc", m->auc);
  raw(&j, ",");
  lng(&j, "auc_deals", m->closed_matched);
  raw(&j, ",\"calibration\":[");
  for(t = 0; t < m->ndeciles; t++) {
    const struct icp_val_decile *q = &m->decile[t];
    if(t)
      raw(&j, ",");
    raw(&j, "{");
    lng(&j, "decile", t + 1);
    raw(&j, ",");
    lng(&j, "n", q->n);
    raw(&j, ",");
    lng(&j, "won", q->won);
    raw(&j, ",");
    num(&j, "score_lo", q->score_lo);
    raw(&j, ",");
    num(&j, "score_hi", q->score_hi);
    raw(&j, ",");
    num(&j, "score_mean", q->score_mean);
    raw(&j, ",");
    num(&j, "win_rate", q->win_rate);
    raw(&j, ",");
    num(&j, "win_rate_lo", q->win_lo);
    raw(&j, ",");
    num(&j, "win_rate_hi", q->win_hi);
    raw(&j, "}");
  }
  raw(&j, "]");
  if(m->ab)
    ab_json(&j, m, max_list);
  raw(&j, ",\"review_due\":");
  raw(&j, icp_val_review_due(flags, nflags) ? "true" : "false");
  raw(&j, ",\"flags\":[");
  for(i = 0; i < nflags; i++) {
    if(i)
      raw(&j, ",");
    flag(&j, m, &flags[i]);
  }
  raw(&j, "]}\n");
  return j.bad ? ICP_ENOMEM : ICP_OK;
}
