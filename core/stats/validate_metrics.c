/*
 * validate_metrics.c -- the figures of a validation: per period and group
 * volume, win rate (Wilson 95%), cycle, deal size, support and churn; AUC
 * and calibration over the whole run; the A/B comparison of two packs.
 *
 * Deals are counted in two passes: sizes first, then the values (cycles,
 * won amounts, per-account support) are placed in one array, a sorted
 * segment per cell, so that medians and the tests between cells need no
 * further allocation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/value.h"
#include "stats/stats.h"
#include "stats/validate.h"

void icp_val_opts_default(struct icp_val_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->period_days = 90;
  o->baseline = -1;
  o->conversion_drop = 0.15;
  o->cycle_increase = 0.20;
  o->support_increase = 0.20;
  o->deal_size_change = 0.15;
  o->icp_cycle_advantage = 0.15;
  o->min_deals = 30;
  o->min_won = 20;
  o->min_accounts = 10;
  o->alpha = 0.05;
}

int icp_val_group(const struct icp_val_metrics *m, int fixed)
{
  return m->ntiers + fixed;
}

const char *icp_val_group_name(const struct icp_val_metrics *m, int g)
{
  static const char *const fixed[] = { "other", "ICP", "non-ICP", "all" };
  if(g >= 0 && g < m->ntiers)
    return m->data->tier_names[m->opts.pack][g];
  g -= m->ntiers;
  return g >= 0 && g < ICP_VAL_G_FIXED ? fixed[g] : "?";
}

const struct icp_val_cell *icp_val_cell_at(const struct icp_val_metrics *m,
                                           int p, int g)
{
  return &m->cells[(size_t)p * (size_t)m->ngroups + (size_t)g];
}

void icp_val_period_label(const struct icp_val_metrics *m, int p,
                          char out[24])
{
  char a[11], b[11];
  if(p < 0 || p >= m->nperiods) {
    memcpy(out, "all", 4);
    return;
  }
  icp_format_date(m->period_start[p], a);
  icp_format_date(m->period_end[p], b);
  memcpy(out, a, 10);
  out[10] = out[11] = '.';
  memcpy(out + 12, b, 10);
  out[22] = 0;
}

void icp_val_metrics_free(struct icp_val_metrics *m)
{
  if(!m)
    return;
  if(m->ab)
    free(m->ab->disagree);
  free(m->ab);
  free(m->period_start);
  free(m->period_end);
  free(m->cells);
  free(m->values);
  free(m);
}

int icp_val_newcombe(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                     double z, double *lo, double *hi)
{
  double l1, u1, l2, u2, p1, p2, d;
  if(icp_stats_wilson(k1, n1, z, &l1, &u1) ||
     icp_stats_wilson(k2, n2, z, &l2, &u2))
    return ICP_STATS_EINVAL;
  p1 = (double)k1 / (double)n1;
  p2 = (double)k2 / (double)n2;
  d = p1 - p2;
  *lo = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
  *hi = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
  return ICP_STATS_OK;
}

/* ==================================================================== */
/* Periods and groups                                                    */
/* ==================================================================== */

/* The day a deal is placed by: close date when closed, else its created
 * date (open deals count in volume where they entered the pipeline). */
static int32_t deal_day(const struct icp_val_deal *d)
{
  if(d->stage != ICP_VAL_OPEN)
    return d->closed;
  return d->created != ICP_VAL_NODAY ? d->created : d->closed;
}

/* Period index of day, or -1 (after as_of), -2 (before the first). */
static int period_of(const struct icp_val_metrics *m, int32_t day)
{
  int64_t k;
  if(day == ICP_VAL_NODAY)
    return -3;
  if(day > m->opts.as_of)
    return -1;
  k = ((int64_t)m->opts.as_of - day) / m->opts.period_days;
  if(k >= m->nperiods)
    return -2;
  return m->nperiods - 1 - (int)k;
}

static int tier_group(const struct icp_val_metrics *m,
                      const struct icp_val_acct *a)
{
  int t = a->tier[m->opts.pack];
  return t >= 0 && t < m->ntiers ? t : icp_val_group(m, ICP_VAL_G_OTHER);
}

/* The three groups of an account: its tier, ICP or not, all. */
static void groups_of(const struct icp_val_metrics *m,
                      const struct icp_val_acct *a, int g[3])
{
  g[0] = tier_group(m, a);
  g[1] = icp_val_group(m, a->icp[m->opts.pack] ? ICP_VAL_G_ICP :
                                                 ICP_VAL_G_NON_ICP);
  g[2] = icp_val_group(m, ICP_VAL_G_ALL);
}

static enum icp_status setup_periods(struct icp_val_metrics *m,
                                     struct icp_err *err)
{
  const struct icp_val_data *d = m->data;
  int32_t first = m->opts.as_of;
  size_t i;
  int p, n;
  if(m->opts.period_days < 1)
    return icp_err_set(err, ICP_EINVAL, "the period must be at least a "
                       "day");
  for(i = 0; i < d->ndeal; i++) {
    int32_t day = deal_day(&d->deal[i]);
    if(d->deal[i].acct >= 0 && day != ICP_VAL_NODAY && day < first)
      first = day;
  }
  n = (int)(((int64_t)m->opts.as_of - first) / m->opts.period_days) + 1;
  if(m->opts.max_periods > 0 && n > m->opts.max_periods)
    n = m->opts.max_periods;
  if(n > ICP_VAL_PERIODS_MAX)
    n = ICP_VAL_PERIODS_MAX;
  m->nperiods = n;
  m->period_start = malloc((size_t)n * sizeof(int32_t));
  m->period_end = malloc((size_t)n * sizeof(int32_t));
  if(!m->period_start || !m->period_end)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  for(p = 0; p < n; p++) {
    int k = n - 1 - p;
    m->period_end[p] = m->opts.as_of - k * m->opts.period_days;
    m->period_start[p] = m->period_end[p] - m->opts.period_days + 1;
  }
  return ICP_OK;
}

/* ==================================================================== */
/* Cells                                                                 */
/* ==================================================================== */

/* Per-cell counts of the values to place: cycles, amounts, support. */
struct sizes {
  size_t ncyc, namt, nsup;
  size_t ocyc, oamt, osup;  /* offsets, then fill cursors */
};

struct entry {              /* one account in one period */
  int32_t acct;
  int32_t p;
  double support;           /* NaN when unknown */
  int8_t churn;             /* -1 unknown */
};

/* Sorts entries by (period, account): counting sort by account, then a
 * stable one by period. 0 when out of memory. */
static int sort_entries(struct entry *e, size_t n, size_t nacct, int np)
{
  struct entry *tmp = malloc((n ? n : 1) * sizeof(*tmp));
  size_t *cnt = calloc((nacct > (size_t)np ? nacct : (size_t)np) + 1,
                       sizeof(size_t));
  size_t i, sum = 0, c;
  if(!tmp || !cnt) {
    free(tmp);
    free(cnt);
    return 0;
  }
  icp_mem_huge(tmp, n * sizeof(*tmp));
  for(i = 0; i < n; i++)
    cnt[e[i].acct]++;
  for(i = 0; i < nacct; i++) {
    c = cnt[i];
    cnt[i] = sum;
    sum += c;
  }
  for(i = 0; i < n; i++)
    tmp[cnt[e[i].acct]++] = e[i];
  memset(cnt, 0, ((size_t)np + 1) * sizeof(size_t));
  for(i = 0; i < n; i++)
    cnt[tmp[i].p]++;
  for(sum = 0, i = 0; i < (size_t)np; i++) {
    c = cnt[i];
    cnt[i] = sum;
    sum += c;
  }
  for(i = 0; i < n; i++)
    e[cnt[tmp[i].p]++] = tmp[i];
  free(tmp);
  free(cnt);
  return 1;
}

/* Deal i's won cycle in days, or -1. */
static double cycle_of(const struct icp_val_deal *d)
{
  if(d->stage != ICP_VAL_WON || d->created == ICP_VAL_NODAY ||
     d->closed == ICP_VAL_NODAY || d->closed < d->created)
    return -1;
  return (double)(d->closed - d->created);
}

/* Merges deals of the same account and period (sorted) into entries. */
static size_t merge_entries(struct entry *e, size_t n)
{
  size_t i, o = 0;
  for(i = 0; i < n; i++) {
    if(o && e[o - 1].p == e[i].p && e[o - 1].acct == e[i].acct) {
      struct entry *t = &e[o - 1];
      if(!isnan(e[i].support))
        t->support = isnan(t->support) ? e[i].support :
                     t->support + e[i].support;
      if(e[i].churn > t->churn)
        t->churn = e[i].churn;
      continue;
    }
    e[o++] = e[i];
  }
  return o;
}

static void finish_cell(struct icp_val_cell *c, const double *cyc,
                        const double *amt, const double *sup)
{
  size_t i;
  double s;
  long closed = c->won + c->lost;
  c->win_rate = c->win_lo = c->win_hi = NAN;
  if(closed > 0) {
    c->win_rate = (double)c->won / (double)closed;
    icp_stats_wilson((uint64_t)c->won, (uint64_t)closed, ICP_STATS_Z95,
                     &c->win_lo, &c->win_hi);
  }
  c->cycles = cyc;
  c->amounts = amt;
  c->support = sup;
  c->cycle_median = c->cycle_mean = NAN;
  if(c->n_cycle > 0) {
    icp_stats_sort_doubles((double *)cyc, (size_t)c->n_cycle);
    icp_stats_quantile_sorted(cyc, (size_t)c->n_cycle, 0.5,
                              &c->cycle_median);
    for(s = 0, i = 0; i < (size_t)c->n_cycle; i++)
      s += cyc[i];
    c->cycle_mean = s / (double)c->n_cycle;
  }
  c->amount_mean = c->amount_median = NAN;
  c->amount_total = 0;
  if(c->n_amount > 0) {
    icp_stats_sort_doubles((double *)amt, (size_t)c->n_amount);
    icp_stats_quantile_sorted(amt, (size_t)c->n_amount, 0.5,
                              &c->amount_median);
    for(s = 0, i = 0; i < (size_t)c->n_amount; i++)
      s += amt[i];
    c->amount_total = s;
    c->amount_mean = s / (double)c->n_amount;
  }
  c->support_per_account = NAN;
  if(c->support_accounts > 0) {
    icp_stats_sort_doubles((double *)sup, (size_t)c->support_accounts);
    for(s = 0, i = 0; i < (size_t)c->support_accounts; i++)
      s += sup[i];
    c->support_per_account = s / (double)c->support_accounts;
  }
  c->churn_rate = c->churn_known > 0 ?
                  (double)c->churned / (double)c->churn_known : NAN;
}

static enum icp_status fill_cells(struct icp_val_metrics *m,
                                  struct icp_err *err)
{
  const struct icp_val_data *d = m->data;
  size_t ncells = (size_t)(m->nperiods + 1) * (size_t)m->ngroups;
  struct sizes *sz = calloc(ncells, sizeof(*sz));
  struct entry *ent = NULL;
  size_t nent = 0, i, total = 0;
  enum icp_status st = ICP_OK;
  int P = m->nperiods, G = m->ngroups, k;

  m->cells = calloc(ncells, sizeof(*m->cells));
  if(d->ndeal)
    ent = malloc(2 * d->ndeal * sizeof(*ent));
  if(!sz || !m->cells || (d->ndeal && !ent)) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }
  icp_mem_huge(ent, 2 * d->ndeal * sizeof(*ent));
  /* pass 1: counts, sizes and the per-account entries */
  for(i = 0; i < d->ndeal; i++) {
    const struct icp_val_deal *dl = &d->deal[i];
    int g[3], p;
    double cyc;
    if(dl->acct < 0)
      continue;
    p = period_of(m, deal_day(dl));
    if(p < 0) {
      if(p == -1)
        m->deals_after++;
      else if(p == -2)
        m->deals_before++;
      else
        m->deals_no_period++;
      continue;
    }
    groups_of(m, &d->acct[dl->acct], g);
    cyc = cycle_of(dl);
    for(k = 0; k < 6; k++) {
      size_t c = (size_t)(k < 3 ? p : P) * (size_t)G + (size_t)g[k % 3];
      struct icp_val_cell *cell = &m->cells[c];
      cell->deals++;
      if(dl->stage == ICP_VAL_WON) {
        cell->won++;
        if(cyc >= 0)
          sz[c].ncyc++;
        if(!isnan(dl->amount))
          sz[c].namt++;
      }
      else if(dl->stage == ICP_VAL_LOST)
        cell->lost++;
      else
        cell->open++;
    }
    if(dl->stage != ICP_VAL_OPEN)
      m->closed_matched++;
    for(k = 0; k < 2; k++) {
      struct entry *e = &ent[nent++];
      e->acct = dl->acct;
      e->p = k ? P : p;
      e->support = dl->support;
      e->churn = dl->churn;
    }
  }
  if(nent && !sort_entries(ent, nent, d->nacct, P + 1)) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }
  nent = merge_entries(ent, nent);
  for(i = 0; i < nent; i++) {
    int g[3];
    groups_of(m, &d->acct[ent[i].acct], g);
    for(k = 0; k < 3; k++) {
      size_t c = (size_t)ent[i].p * (size_t)G + (size_t)g[k];
      m->cells[c].accounts++;
      if(!isnan(ent[i].support))
        sz[c].nsup++;
      if(ent[i].churn >= 0) {
        m->cells[c].churn_known++;
        m->cells[c].churned += ent[i].churn;
      }
    }
  }
  /* offsets */
  for(i = 0; i < ncells; i++) {
    sz[i].ocyc = total;
    total += sz[i].ncyc;
    sz[i].oamt = total;
    total += sz[i].namt;
    sz[i].osup = total;
    total += sz[i].nsup;
  }
  m->values = malloc((total ? total : 1) * sizeof(double));
  if(!m->values) {
    st = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto done;
  }
  icp_mem_huge(m->values, total * sizeof(double));
  /* pass 2: place the values */
  for(i = 0; i < ncells; i++) {
    m->cells[i].n_cycle = (long)sz[i].ncyc;
    m->cells[i].n_amount = (long)sz[i].namt;
    m->cells[i].support_accounts = (long)sz[i].nsup;
  }
  for(i = 0; i < d->ndeal; i++) {
    const struct icp_val_deal *dl = &d->deal[i];
    int g[3], p;
    double cyc;
    if(dl->acct < 0 || dl->stage != ICP_VAL_WON)
      continue;
    p = period_of(m, deal_day(dl));
    if(p < 0)
      continue;
    groups_of(m, &d->acct[dl->acct], g);
    cyc = cycle_of(dl);
    for(k = 0; k < 6; k++) {
      size_t c = (size_t)(k < 3 ? p : P) * (size_t)G + (size_t)g[k % 3];
      if(cyc >= 0)
        m->values[sz[c].ocyc++] = cyc;
      if(!isnan(dl->amount))
        m->values[sz[c].oamt++] = dl->amount;
    }
  }
  for(i = 0; i < nent; i++) {
    int g[3];
    if(isnan(ent[i].support))
      continue;
    groups_of(m, &d->acct[ent[i].acct], g);
    for(k = 0; k < 3; k++) {
      size_t c = (size_t)ent[i].p * (size_t)G + (size_t)g[k];
      m->values[sz[c].osup++] = ent[i].support;
    }
  }
  for(i = 0; i < ncells; i++) {
    struct icp_val_cell *c = &m->cells[i];
    finish_cell(c, m->values + sz[i].ocyc - sz[i].ncyc,
                m->values + sz[i].oamt - sz[i].namt,
                m->values + sz[i].osup - sz[i].nsup);
  }
done:
  free(sz);
  free(ent);
  return st;
}

/* ==================================================================== */
/* AUC and calibration                                                   */
/* ==================================================================== */

static enum icp_status score_quality(struct icp_val_metrics *m,
                                     struct icp_err *err)
{
  const struct icp_val_data *d = m->data;
  size_t n = 0, i, b;
  double *score = malloc((m->closed_matched ? (size_t)m->closed_matched :
                          1) * sizeof(double));
  unsigned char *won = malloc(m->closed_matched ?
                              (size_t)m->closed_matched : 1);
  double edges[11];
  size_t nedges = 0;
  double sum[10];
  m->auc = NAN;
  m->ndeciles = 0;
  icp_mem_huge(score, (size_t)m->closed_matched * sizeof(double));
  if(!score || !won) {
    free(score);
    free(won);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  for(i = 0; i < d->ndeal; i++) {
    const struct icp_val_deal *dl = &d->deal[i];
    if(dl->acct < 0 || dl->stage == ICP_VAL_OPEN ||
       period_of(m, deal_day(dl)) < 0)
      continue;
    score[n] = d->acct[dl->acct].score[m->opts.pack];
    won[n] = dl->stage == ICP_VAL_WON;
    n++;
  }
  if(n)
    icp_stats_auc(score, won, n, &m->auc); /* EINVAL: one class, NaN */
  if(n && !icp_stats_quantile_edges(score, n, 10, edges, &nedges)) {
    size_t nb = nedges <= 2 ? 1 : nedges - 1;
    memset(m->decile, 0, sizeof(m->decile));
    memset(sum, 0, sizeof(sum));
    for(b = 0; b < nb; b++) {
      m->decile[b].score_lo = INFINITY;
      m->decile[b].score_hi = -INFINITY;
    }
    for(i = 0; i < n; i++) {
      struct icp_val_decile *q;
      b = icp_stats_bin_of(edges, nedges, score[i]);
      q = &m->decile[b];
      q->n++;
      q->won += won[i];
      sum[b] += score[i];
      if(score[i] < q->score_lo)
        q->score_lo = score[i];
      if(score[i] > q->score_hi)
        q->score_hi = score[i];
    }
    for(b = 0; b < nb; b++) {
      struct icp_val_decile *q = &m->decile[b];
      q->score_mean = q->win_rate = q->win_lo = q->win_hi = NAN;
      if(!q->n) {
        q->score_lo = q->score_hi = NAN;
        continue;
      }
      q->score_mean = sum[b] / (double)q->n;
      q->win_rate = (double)q->won / (double)q->n;
      icp_stats_wilson((uint64_t)q->won, (uint64_t)q->n, ICP_STATS_Z95,
                       &q->win_lo, &q->win_hi);
    }
    m->ndeciles = (int)nb;
  }
  free(score);
  free(won);
  return ICP_OK;
}

enum icp_status icp_val_compute(const struct icp_val_data *d,
                                const struct icp_val_opts *opts,
                                struct icp_val_metrics **out,
                                struct icp_err *err)
{
  struct icp_val_metrics *m = calloc(1, sizeof(*m));
  enum icp_status st;
  *out = NULL;
  if(!m)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  m->data = d;
  m->opts = *opts;
  if(m->opts.pack < 0 || m->opts.pack >= d->npacks)
    m->opts.pack = 0;
  m->ntiers = d->ntiers[m->opts.pack];
  m->ngroups = m->ntiers + ICP_VAL_G_FIXED;
  st = setup_periods(m, err);
  if(!st)
    st = fill_cells(m, err);
  if(!st)
    st = score_quality(m, err);
  if(st) {
    icp_val_metrics_free(m);
    return st;
  }
  *out = m;
  return ICP_OK;
}

/* ==================================================================== */
/* A/B                                                                   */
/* ==================================================================== */

struct side {
  long won, lost;
  size_t ncyc, namt;
  double *cyc, *amt;
};

/* Does account a belong to arm k's ICP set? */
static int in_arm_icp(const struct icp_val_ab *ab,
                      const struct icp_val_acct *a, int k)
{
  if(!ab->backtest && a->arm != k)
    return 0;
  return a->icp[k];
}

static void arm_figures(struct icp_val_arm *arm, struct side *s)
{
  long closed = s->won + s->lost;
  arm->won = s->won;
  arm->lost = s->lost;
  arm->win_rate = arm->win_lo = arm->win_hi = NAN;
  arm->cycle_median = arm->amount_mean = arm->amount_median = NAN;
  if(closed) {
    arm->win_rate = (double)s->won / (double)closed;
    icp_stats_wilson((uint64_t)s->won, (uint64_t)closed, ICP_STATS_Z95,
                     &arm->win_lo, &arm->win_hi);
  }
  if(s->ncyc)
    icp_stats_median(s->cyc, s->ncyc, &arm->cycle_median);
  if(s->namt) {
    double t = 0;
    size_t i;
    for(i = 0; i < s->namt; i++)
      t += s->amt[i];
    arm->amount_mean = t / (double)s->namt;
    icp_stats_median(s->amt, s->namt, &arm->amount_median);
  }
}

enum icp_status icp_val_compute_ab(struct icp_val_metrics *m,
                                   struct icp_err *err)
{
  const struct icp_val_data *d = m->data;
  struct icp_val_ab *ab;
  struct side s[2];
  long only_won[2] = { 0, 0 }, only_lost[2] = { 0, 0 };
  double *buf = NULL;
  size_t i;
  int k;

  if(d->npacks < 2)
    return icp_err_set(err, ICP_EINVAL, "an A/B comparison needs two "
                       "packs");
  ab = calloc(1, sizeof(*ab));
  if(!ab)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  m->ab = ab;
  ab->backtest = !d->has_arms;
  memset(s, 0, sizeof(s));
  buf = malloc((d->ndeal ? d->ndeal : 1) * 4 * sizeof(double));
  ab->disagree = malloc((d->nacct ? d->nacct : 1) * sizeof(size_t));
  if(!buf || !ab->disagree) {
    free(buf);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  for(k = 0; k < 2; k++) {
    s[k].cyc = buf + (size_t)k * 2 * d->ndeal;
    s[k].amt = s[k].cyc + d->ndeal;
  }
  for(i = 0; i < d->nacct; i++) {
    const struct icp_val_acct *a = &d->acct[i];
    for(k = 0; k < 2; k++) {
      if(ab->backtest || a->arm == k)
        ab->arm[k].accounts++;
      if(in_arm_icp(ab, a, k))
        ab->arm[k].icp_accounts++;
    }
    if(a->icp[0] != a->icp[1]) {
      ab->disagree[ab->ndisagree++] = i;
      ab->only[a->icp[1]].accounts++;
    }
    else if(a->icp[0])
      ab->agree_icp++;
    else
      ab->agree_non++;
  }
  for(i = 0; i < d->ndeal; i++) {
    const struct icp_val_deal *dl = &d->deal[i];
    const struct icp_val_acct *a;
    double cyc;
    if(dl->acct < 0 || period_of(m, deal_day(dl)) < 0)
      continue;
    a = &d->acct[dl->acct];
    cyc = cycle_of(dl);
    for(k = 0; k < 2; k++) {
      if(!in_arm_icp(ab, a, k))
        continue;
      ab->arm[k].deals++;
      if(dl->stage == ICP_VAL_WON) {
        s[k].won++;
        if(cyc >= 0)
          s[k].cyc[s[k].ncyc++] = cyc;
        if(!isnan(dl->amount))
          s[k].amt[s[k].namt++] = dl->amount;
      }
      else if(dl->stage == ICP_VAL_LOST)
        s[k].lost++;
    }
    if(a->icp[0] != a->icp[1] && dl->stage != ICP_VAL_OPEN) {
      k = a->icp[1];
      if(dl->stage == ICP_VAL_WON)
        only_won[k]++;
      else
        only_lost[k]++;
    }
  }
  for(k = 0; k < 2; k++)
    arm_figures(&ab->arm[k], &s[k]);
  ab->diff = ab->diff_lo = ab->diff_hi = ab->z = ab->p = NAN;
  if(s[0].won + s[0].lost && s[1].won + s[1].lost) {
    uint64_t k1 = (uint64_t)s[1].won, n1 = (uint64_t)(s[1].won + s[1].lost);
    uint64_t k0 = (uint64_t)s[0].won, n0 = (uint64_t)(s[0].won + s[0].lost);
    ab->diff = (double)k1 / (double)n1 - (double)k0 / (double)n0;
    icp_val_newcombe(k1, n1, k0, n0, ICP_STATS_Z95, &ab->diff_lo,
                     &ab->diff_hi);
    icp_stats_two_prop_z(k1, n1, k0, n0, &ab->z, &ab->p);
  }
  ab->cycle_p = ab->amount_p = NAN;
  {
    struct icp_stats_mwu u;
    int st = ICP_STATS_OK;
    if(s[0].ncyc && s[1].ncyc &&
       !(st = icp_stats_mannwhitney(s[1].cyc, s[1].ncyc, s[0].cyc,
                                    s[0].ncyc, &u)))
      ab->cycle_p = u.p;
    if(st != ICP_STATS_ENOMEM && s[0].namt && s[1].namt &&
       !(st = icp_stats_mannwhitney(s[1].amt, s[1].namt, s[0].amt,
                                    s[0].namt, &u)))
      ab->amount_p = u.p;
    if(st == ICP_STATS_ENOMEM) {
      free(buf);
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
  }
  for(k = 0; k < 2; k++) {
    struct icp_val_disagree *o = &ab->only[k];
    long n = only_won[k] + only_lost[k];
    o->won = only_won[k];
    o->lost = only_lost[k];
    o->win_rate = o->win_lo = o->win_hi = NAN;
    if(n) {
      o->win_rate = (double)o->won / (double)n;
      icp_stats_wilson((uint64_t)o->won, (uint64_t)n, ICP_STATS_Z95,
                       &o->win_lo, &o->win_hi);
    }
  }
  ab->only_p = NAN;
  if(only_won[0] + only_lost[0] && only_won[1] + only_lost[1])
    icp_stats_two_prop_z((uint64_t)only_won[1],
                         (uint64_t)(only_won[1] + only_lost[1]),
                         (uint64_t)only_won[0],
                         (uint64_t)(only_won[0] + only_lost[0]), NULL,
                         &ab->only_p);
  free(buf);
  return ICP_OK;
}
