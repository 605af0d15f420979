/* cmd_validate.c -- icp validate: check a pack against won/lost deals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parallel.h"
#include "cli/hooks.h"
#include "cli/validate_args.h"
#include "score/ab.h"
#include "data/account.h"
#include "data/value.h"
#include "io/out.h"
#include "rules/rules.h"
#include "stats/validate.h"

static const char usage[] =
  "usage: icp validate --rules PACK --deals DEALS --accounts ACCOUNTS "
  "[options]\n"
  "       icp validate --ab --rules A.lua --vs B.lua --deals DEALS "
  "--accounts ACCOUNTS\n"
  "\n"
  "Scores every account with the pack, joins the deals to the accounts by\n"
  "key and reports, per period (windows of close date, the last one ending\n"
  "at --as-of) and per tier, and for ICP versus non-ICP accounts: deals,\n"
  "win rate with a Wilson 95% interval, median cycle in days, mean and\n"
  "median won amount, support per account and churn rate; for the whole\n"
  "run the AUC of score against won and a calibration table by score\n"
  "decile. Then the review flags.\n"
  "\n"
  "options:\n"
  "  --rules PACK          the rule pack (required)\n"
  "  --deals FILE          deals, CSV or JSONL (required)\n"
  "  --accounts FILE       accounts to score, CSV or JSONL (required)\n"
  "  --key COL             deals column naming the account (default: the\n"
  "                        first of account, account_id, domain, company..)\n"
  "  --accounts-key COL    accounts column with the same key (default: the\n"
  "                        deals' key column name, else as --key)\n"
  "  --created COL         created date (created, created_at, engage_date..)\n"
  "  --closed COL          close date (closed, closed_at, close_date..)\n"
  "  --stage COL           won/lost/open (stage, deal_stage, status, won..)\n"
  "  --amount COL          deal amount (amount, close_value, value..)\n"
  "  --support COL         support tickets (support, support_tickets..)\n"
  "  --churn COL           churned or renewed (churn, churned, renewal..)\n"
  "  --as-of DATE          last day of the last period (default: the latest\n"
  "                        close date); also the pack's as-of date\n"
  "  --period 90d          length of a period in days\n"
  "  --periods N           at most N periods (default: back to the first\n"
  "                        close date)\n"
  "  --baseline B          the period compared with the last: a date in it\n"
  "                        or N periods before the last (default 1)\n"
  "  --icp-tiers A,B       tiers that count as ICP (default: the pack's top\n"
  "                        two tiers, or its top tier when it has two)\n"
  "  --json FILE           every figure and the flags as JSON\n"
  "  --format csv|jsonl    format of ACCOUNTS when its name does not tell\n"
  "  --columns FILE        map the headers of ACCOUNTS to fields\n"
  "  --quiet               print only the flags\n"
  "thresholds (fractions or percentages; also in the pack's validate {}):\n"
  "  --conversion-drop 15%       ICP win rate down more than this\n"
  "  --cycle-increase 20%        a tier's median cycle up more than this\n"
  "  --support-increase 20%      ICP support per account up more than this\n"
  "  --deal-size-change 15%      ICP median won amount moved more than this\n"
  "  --icp-cycle-advantage 15%   ICP cycle at least this much shorter\n"
  "  --min-deals 30              closed deals per side for a rate\n"
  "  --min-won 20                won deals per side for cycle and size\n"
  "  --min-accounts 10           accounts per side for support\n"
  "  --alpha 0.05                significance level\n"
  "A/B of a pack change:\n"
  "  --ab                  compare --rules (A) with --vs (B)\n"
  "  --vs PACK             pack B\n"
  "  --salt S, --split PCT arms as `icp score --ab` assigns them (stable\n"
  "                        hash of the domain, else of the key); without\n"
  "                        them an `arm` column (A/B) of ACCOUNTS is used,\n"
  "                        and without arms both packs are compared on the\n"
  "                        same deals (a backtest)\n"
  "\n"
  "A change is \"review\" when it passes its threshold and is significant\n"
  "(two-proportion test for rates, Mann-Whitney for cycle, size and\n"
  "support); on too few deals it is \"insufficient_data\".\n"
  "exit status: 0 ok, 1 usage or load error, 2 some rows skipped, 3 nothing\n"
  "could be done, 4 a review is due.\n";

struct vctx {
  struct icp_val_data *d;
  struct icp_schema *schema;
  const char *want_key;      /* --accounts-key, or NULL */
  const char *deal_key;      /* --key, or NULL */
  int key_id;                /* -2: not resolved yet */
  int arm_id;
  int npacks;
  const char *salt;          /* arms by hash when set */
  double split;
  unsigned char icp_tier[ICP_VAL_PACKS][ICP_VAL_TIERS_MAX];
  long no_key;
};

/* ---- options ------------------------------------------------------------ */

/* "15%", "0.15" -> 0.15; 0 when not a number in [0, 10]. */
static int parse_frac(const char *opt, const char *s, double *out)
{
  char *end;
  double v = strtod(s, &end);
  if(end != s && *end == '%' && !end[1])
    v /= 100;
  else if(end == s || *end)
    v = -1;
  if(!(v >= 0 && v <= 10)) {
    fprintf(stderr, "icp validate: %s takes a fraction (0.15) or a "
            "percentage (15%%), not '%s'\n", opt, s);
    return 0;
  }
  *out = v;
  return 1;
}

static int parse_long(const char *opt, const char *s, long lo, long hi,
                      long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "icp validate: %s takes a whole number from %ld to "
            "%ld, not '%s'\n", opt, lo, hi, s);
    return 0;
  }
  *out = v;
  return 1;
}

/* "90d", "90", "13w" -> days. */
static int parse_period(const char *s, int *days)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end != s && (!*end || (!strcmp(end, "d")) || !strcmp(end, "w"))) {
    if(*end == 'w')
      v *= 7;
    if(v >= 1 && v <= 3660) {
      *days = (int)v;
      return 1;
    }
  }
  fprintf(stderr, "icp validate: --period takes days like 90d (or weeks "
          "like 13w), not '%s'\n", s);
  return 0;
}

/* ---- scoring the accounts ----------------------------------------------- */

static int resolve_key(struct vctx *c, const struct icp_account *a)
{
  const char *want = c->want_key ? c->want_key : c->deal_key;
  int id = icp_val_find_column(c->schema, a, want,
                               icp_val_column_candidates("key"));
  if(id < 0 && want && !c->want_key) /* the deals' name is not here */
    id = icp_val_find_column(c->schema, a, NULL,
                             icp_val_column_candidates("key"));
  return id;
}

static enum icp_status on_account(void *ud, const struct icp_account *a,
                                  struct icp_result *const *res, int n,
                                  struct icp_err *err)
{
  struct vctx *c = ud;
  const struct icp_value *v;
  char num[40];
  const char *key;
  size_t klen = 0;
  long i;
  int added, k;
  if(c->key_id == -2) {
    c->key_id = resolve_key(c, a);
    if(c->key_id < 0)
      return icp_err_set(err, ICP_EINVAL, "%s: no key column (looked for "
                         "%s; name it with --accounts-key)", a->file,
                         c->want_key ? c->want_key :
                         c->deal_key ? c->deal_key : "account, domain, ...");
    c->arm_id = icp_schema_find(c->schema, "arm", 3);
  }
  v = icp_account_get(a, c->key_id);
  if(v->type == ICP_T_STRING) {
    key = v->u.str;
    klen = v->n;
  }
  else if(v->type == ICP_T_NUMBER) {
    int m = icp_fmt_num(num, sizeof(num), v->u.num);
    key = num;
    klen = m > 0 ? (size_t)m : 0;
  }
  else
    key = "";
  i = klen ? icp_val_acct_intern(c->d, key, klen, &added) : -1;
  if(i < 0) {
    if(klen)
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    c->no_key++;
    return ICP_OK;
  }
  if(!added)
    c->d->dup_keys++; /* the last row of a key wins */
  for(k = 0; k < n && k < ICP_VAL_PACKS; k++) {
    struct icp_val_acct *ac = &c->d->acct[i];
    int t = res[k]->tier;
    ac->score[k] = res[k]->score;
    ac->tier[k] = (int16_t)t;
    ac->icp[k] = t >= 0 && t < ICP_VAL_TIERS_MAX && c->icp_tier[k][t];
  }
  if(c->npacks == 2) {
    struct icp_val_acct *ac = &c->d->acct[i];
    if(c->salt) {
      const char *dom = icp_account_domain(a);
      char kbuf[512];
      size_t m = klen < sizeof(kbuf) - 1 ? klen : sizeof(kbuf) - 1;
      memcpy(kbuf, key, m);
      kbuf[m] = 0;
      ac->arm = (int8_t)icp_ab_arm(dom ? dom : kbuf, c->salt, c->split);
      c->d->has_arms = 1;
    }
    else if(c->arm_id >= 0) {
      const struct icp_value *av = icp_account_get(a, c->arm_id);
      if(av->type == ICP_T_STRING && av->n == 1 &&
         (av->u.str[0] == 'A' || av->u.str[0] == 'a' ||
          av->u.str[0] == 'B' || av->u.str[0] == 'b')) {
        ac->arm = (int8_t)(av->u.str[0] == 'B' || av->u.str[0] == 'b');
        c->d->has_arms = 1;
      }
    }
  }
  return ICP_OK;
}

/* ICP tiers of pack k: the names listed, else the top two (one when the
 * pack has at most two tiers). 0 and a message when a name is unknown. */
static int set_icp_tiers(struct vctx *c, int k, const struct icp_pack *p,
                         const char *list, const char *path)
{
  int t, nt = p->ntiers < ICP_VAL_TIERS_MAX ? p->ntiers : ICP_VAL_TIERS_MAX;
  if(!list) {
    for(t = 0; t < nt; t++)
      c->icp_tier[k][t] = t < (nt > 2 ? 2 : 1);
    return 1;
  }
  while(*list) {
    const char *e = strchr(list, ',');
    size_t n = e ? (size_t)(e - list) : strlen(list);
    int found = 0;
    for(t = 0; t < nt; t++)
      if(strlen(p->tiers[t].name) == n &&
         !strncmp(p->tiers[t].name, list, n)) {
        c->icp_tier[k][t] = 1;
        found = 1;
      }
    if(!found && n) {
      fprintf(stderr, "icp validate: --icp-tiers: %s has no tier '%.*s'\n",
              path, (int)n, list);
      return 0;
    }
    list += n + (e ? 1 : 0);
  }
  return 1;
}

/* ---- text output -------------------------------------------------------- */

static void fmt_num(char *out, size_t cap, double v, const char *f)
{
  if(isnan(v))
    snprintf(out, cap, "-");
  else
    snprintf(out, cap, f, v);
}

static void print_row(FILE *fp, const char *period, const char *group,
                      const struct icp_val_cell *c)
{
  char rate[40], cyc[16], mean[24], med[24], sup[16];
  if(isnan(c->win_rate))
    snprintf(rate, sizeof(rate), "-");
  else
    snprintf(rate, sizeof(rate), "%.1f%% (%.1f-%.1f)", 100 * c->win_rate,
             100 * c->win_lo, 100 * c->win_hi);
  fmt_num(cyc, sizeof(cyc), c->cycle_median, "%.1f");
  fmt_num(mean, sizeof(mean), c->amount_mean, "%.0f");
  fmt_num(med, sizeof(med), c->amount_median, "%.0f");
  fmt_num(sup, sizeof(sup), c->support_per_account, "%.2f");
  fprintf(fp, "%-22s %-8s %6ld %6ld %6ld  %-19s %7s %9s %9s %7s\n", period,
          group, c->deals, c->won, c->lost, rate, cyc, mean, med, sup);
}

static void print_report(FILE *fp, const struct icp_val_metrics *m)
{
  char lab[24];
  int p, g;
  fprintf(fp, "%-22s %-8s %6s %6s %6s  %-19s %7s %9s %9s %7s\n", "period",
          "tier", "deals", "won", "lost", "win rate (95% CI)", "cycle",
          "mean won", "med won", "support");
  for(p = 0; p <= m->nperiods; p++) {
    const int fixed[] = { ICP_VAL_G_ICP, ICP_VAL_G_NON_ICP };
    icp_val_period_label(m, p, lab);
    if(p == m->nperiods)
      memcpy(lab, "whole run", 10);
    for(g = 0; g < 2; g++) {
      int gi = icp_val_group(m, fixed[g]);
      print_row(fp, lab, icp_val_group_name(m, gi),
                icp_val_cell_at(m, p, gi));
    }
    for(g = 0; g < m->ntiers; g++)
      print_row(fp, lab, icp_val_group_name(m, g), icp_val_cell_at(m, p, g));
    {
      int go = icp_val_group(m, ICP_VAL_G_OTHER);
      if(icp_val_cell_at(m, p, go)->deals)
        print_row(fp, lab, "other", icp_val_cell_at(m, p, go));
    }
  }
  if(isnan(m->auc))
    fprintf(fp, "\nAUC of score against won: - (needs won and lost deals)\n");
  else
    fprintf(fp, "\nAUC of score against won: %.3f over %ld closed deals\n",
            m->auc, m->closed_matched);
  if(m->ndeciles) {
    fprintf(fp, "calibration (win rate by score decile):");
    for(g = 0; g < m->ndeciles; g++)
      if(!isnan(m->decile[g].win_rate))
        fprintf(fp, " %.0f-%.0f: %.1f%%", m->decile[g].score_lo,
                m->decile[g].score_hi, 100 * m->decile[g].win_rate);
    fprintf(fp, "\n");
  }
}

static void print_ab(FILE *fp, const struct icp_val_metrics *m,
                     const char *pa, const char *pb)
{
  const struct icp_val_ab *ab = m->ab;
  int k;
  fprintf(fp, "\nA/B (%s): A = %s, B = %s\n", ab->backtest ?
          "backtest: both packs on the same deals" : "by arm", pa, pb);
  fprintf(fp, "%-4s %9s %9s %7s %7s  %-19s %7s %9s\n", "arm", "accounts",
          "ICP accts", "won", "lost", "ICP win rate", "cycle", "mean won");
  for(k = 0; k < 2; k++) {
    const struct icp_val_arm *a = &ab->arm[k];
    char rate[40], cyc[16], mean[24];
    if(isnan(a->win_rate))
      snprintf(rate, sizeof(rate), "-");
    else
      snprintf(rate, sizeof(rate), "%.1f%% (%.1f-%.1f)", 100 * a->win_rate,
               100 * a->win_lo, 100 * a->win_hi);
    fmt_num(cyc, sizeof(cyc), a->cycle_median, "%.1f");
    fmt_num(mean, sizeof(mean), a->amount_mean, "%.0f");
    fprintf(fp, "%-4s %9ld %9ld %7ld %7ld  %-19s %7s %9s\n", k ? "B" : "A",
            a->accounts, a->icp_accounts, a->won, a->lost, rate, cyc, mean);
  }
  if(!isnan(ab->diff))
    fprintf(fp, "difference B - A: %+.1f points (95%% CI %+.1f to %+.1f), "
            "p = %.3g\n", 100 * ab->diff, 100 * ab->diff_lo,
            100 * ab->diff_hi, ab->p);
  fprintf(fp, "the packs disagree on %zu accounts (ICP for A only: %ld, for "
          "B only: %ld)", ab->ndisagree, ab->only[0].accounts,
          ab->only[1].accounts);
  if(!isnan(ab->only[0].win_rate) && !isnan(ab->only[1].win_rate))
    fprintf(fp, "; their win rates: A only %.1f%%, B only %.1f%% "
            "(p = %.3g)", 100 * ab->only[0].win_rate,
            100 * ab->only[1].win_rate, ab->only_p);
  fprintf(fp, "\n");
}

static void print_flags(FILE *fp, const struct icp_val_metrics *m,
                        const struct icp_val_flag *f, size_t n)
{
  size_t i;
  fprintf(fp, "\nflags:\n");
  for(i = 0; i < n; i++) {
    int rate = f[i].check == ICP_VAL_CONVERSION_DROP ||
               f[i].check == ICP_VAL_ICP_WIN_RATE_ADVANTAGE;
    double sc = rate ? 100 : 1;
    const char *unit = rate ? "%" : "";
    char base[32], cur[32], ch[24], p[24];
    fmt_num(base, sizeof(base), f[i].base_value * sc, "%.1f");
    fmt_num(cur, sizeof(cur), f[i].cur_value * sc, "%.1f");
    fmt_num(ch, sizeof(ch), f[i].change * 100, "%+.1f%%");
    fmt_num(p, sizeof(p), f[i].p, "%.3g");
    /* drift reads baseline -> current; a standing check compares ICP
     * with non-ICP in one period, so it reads "vs" */
    if(f[i].check == ICP_VAL_ICP_WIN_RATE_ADVANTAGE ||
       f[i].check == ICP_VAL_ICP_CYCLE_ADVANTAGE)
      fprintf(fp, "  %-17s %-22s %-8s %s%s (n=%ld) vs non-ICP %s%s "
              "(n=%ld), %s, p=%s%s\n", icp_val_status_name(f[i].status),
              icp_val_check_name(f[i].check),
              icp_val_group_name(m, f[i].group), cur,
              *cur != '-' ? unit : "", f[i].n_cur, base,
              *base != '-' ? unit : "", f[i].n_base, ch, p,
              f[i].significant ? " (significant)" : "");
    else
      fprintf(fp, "  %-17s %-22s %-8s %s%s (n=%ld) -> %s%s (n=%ld), %s, "
              "p=%s%s\n", icp_val_status_name(f[i].status),
              icp_val_check_name(f[i].check),
              icp_val_group_name(m, f[i].group), base,
              *base != '-' ? unit : "", f[i].n_base, cur,
              *cur != '-' ? unit : "", f[i].n_cur, ch, p,
              f[i].significant ? " (significant)" : "");
  }
}

/* ---- the command -------------------------------------------------------- */

/* The field of vo that a validate { } key sets. */
static void vset_apply(struct icp_val_opts *vo, int k, double v)
{
  switch(k) {
  case ICP_V_CONVERSION_DROP: vo->conversion_drop = v; break;
  case ICP_V_CYCLE_INCREASE: vo->cycle_increase = v; break;
  case ICP_V_SUPPORT_INCREASE: vo->support_increase = v; break;
  case ICP_V_DEAL_SIZE_CHANGE: vo->deal_size_change = v; break;
  case ICP_V_ICP_CYCLE_ADVANTAGE: vo->icp_cycle_advantage = v; break;
  case ICP_V_ALPHA: vo->alpha = v; break;
  case ICP_V_MIN_DEALS: vo->min_deals = (long)v; break;
  case ICP_V_MIN_WON: vo->min_won = (long)v; break;
  case ICP_V_MIN_ACCOUNTS: vo->min_accounts = (long)v; break;
  case ICP_V_PERIOD_DAYS: vo->period_days = (int)v; break;
  default: break;
  }
}

/* Thresholds from the pack's validate { } block where no option gave
 * them: options override the pack, the pack overrides the defaults. */
static void apply_pack_settings(struct icp_validate_args *o,
                                struct icp_val_opts *vo,
                                const struct icp_pack *p)
{
  int k;
  for(k = 0; k < ICP_V_COUNT; k++)
    if((p->vset.has & (1u << k)) && !(o->cli_set & (1u << k)))
      vset_apply(vo, k, p->vset.v[k]);
  if(!o->icp_tiers && p->vset.icp_tiers)
    o->icp_tiers = p->vset.icp_tiers;
}

static void deal_warn(void *ud, const char *msg)
{
  (void)ud;
  fprintf(stderr, "%s\n", msg);
}

static int32_t latest_close(const struct icp_val_data *d)
{
  int32_t last = ICP_VAL_NODAY;
  size_t i;
  for(i = 0; i < d->ndeal; i++)
    if(d->deal[i].stage != ICP_VAL_OPEN && d->deal[i].closed > last)
      last = d->deal[i].closed;
  return last == ICP_VAL_NODAY ? icp_today() : last;
}

static int load_pack(struct icp_pack **out, struct icp_schema *schema,
                     const char *path, int32_t day, int has_day)
{
  struct icp_err err;
  int i;
  *out = icp_pack_new(schema, NULL);
  if(!*out)
    return icp_cli_nomem("validate");
  if(icp_pack_load_file(*out, path, &err)) {
    if(icp_pack_ndiags(*out))
      for(i = 0; i < icp_pack_ndiags(*out); i++)
        fprintf(stderr, "%s\n", icp_pack_diag(*out, i));
    else
      fprintf(stderr, "icp validate: %s\n", err.msg);
    return ICP_EXIT_USAGE;
  }
  if(has_day)
    icp_pack_set_as_of(*out, day);
  return ICP_EXIT_OK;
}

/* The JSON document (--json FILE; doc, when given, gets it too). */
static int write_json(const char *path, struct icp_buf *doc,
                      const struct icp_val_metrics *m,
                      const struct icp_val_flag *flags, size_t nflags,
                      const struct icp_validate_args *o)
{
  struct icp_buf b, meta;
  struct icp_out out;
  struct icp_err err;
  int rc = ICP_EXIT_OK;
  icp_buf_init(&b, (size_t)1 << 30);
  icp_buf_init(&meta, 1 << 16);
  icp_buf_adds(&meta, "\"rules\":");
  icp_buf_json_str(&meta, o->rules, strlen(o->rules));
  if(o->vs) {
    icp_buf_adds(&meta, ",\"vs\":");
    icp_buf_json_str(&meta, o->vs, strlen(o->vs));
  }
  icp_buf_adds(&meta, ",\"deals\":");
  icp_buf_json_str(&meta, o->deals, strlen(o->deals));
  icp_buf_adds(&meta, ",\"accounts\":");
  icp_buf_json_str(&meta, o->accounts, strlen(o->accounts));
  if(icp_buf_status(&meta) || icp_val_json(&b, m, flags, nflags, meta.p,
                                            200)) {
    fprintf(stderr, "icp validate: report too large\n");
    rc = ICP_EXIT_NOTHING;
  }
  else if(doc && icp_buf_add(doc, b.p, b.len)) {
    fprintf(stderr, "icp validate: report too large\n");
    rc = ICP_EXIT_NOTHING;
  }
  else if(path && (icp_out_open(&out, path, ICP_FMT_JSONL, &err) ||
                   icp_out_write(&out, b.p, b.len, &err) ||
                   icp_out_close(&out, &err))) {
    fprintf(stderr, "icp validate: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  icp_buf_free(&b);
  icp_buf_free(&meta);
  return rc;
}

int icp_validate_exec(struct icp_validate_args *o, struct icp_buf *doc)
{
  struct icp_val_opts *vo = &o->vo;
  struct vctx c;
  struct icp_pack *packs[2] = { NULL, NULL };
  struct icp_val_metrics *m = NULL;
  struct icp_val_flag *flags = NULL;
  size_t nflags = 0;
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_progress prog;
  struct icp_err err;
  const char *inputs[1];
  int32_t day = 0;
  int rc = ICP_EXIT_OK, k, t;

  memset(&c, 0, sizeof(c));
  c.key_id = -2;
  c.arm_id = -1;
  c.npacks = o->ab ? 2 : 1;
  c.want_key = o->acc_key;
  c.deal_key = o->cols.key;
  if(o->as_of && !icp_cli_date("--as-of", o->as_of, &day))
    return ICP_EXIT_USAGE;
  c.schema = icp_schema_new();
  c.d = icp_val_data_new(c.npacks);
  if(!c.schema || !c.d) {
    rc = icp_cli_nomem("validate");
    goto out;
  }
  for(k = 0; k < c.npacks; k++) {
    const char *path = k ? o->vs : o->rules;
    rc = load_pack(&packs[k], c.schema, path, day, o->as_of != NULL);
    if(rc)
      goto out;
    if(k == 0)
      apply_pack_settings(o, vo, packs[0]);
    if(!set_icp_tiers(&c, k, packs[k], o->icp_tiers, path)) {
      rc = ICP_EXIT_USAGE;
      goto out;
    }
    for(t = 0; t < packs[k]->ntiers && t < ICP_VAL_TIERS_MAX; t++)
      if(icp_val_set_tier_name(c.d, k, t, packs[k]->tiers[t].name)) {
        rc = icp_cli_nomem("validate");
        goto out;
      }
  }
  if(o->salt) {
    char *end;
    c.salt = o->salt;
    c.split = strtod(o->split ? o->split : "50", &end);
    if(*end || !(c.split >= 0 && c.split <= 100)) {
      rc = icp_cli_usage_error("validate", "--split is a percentage 0-100");
      goto out;
    }
  }
  in.columns = o->columns;
  if((rc = icp_cli_input_setup("validate", &in, c.schema)))
    goto out;
  memset(&ro, 0, sizeof(ro));
  if((rc = icp_par_apply("validate", &o->par, &ro)))
    goto out;
  ro.format = o->format;
  icp_progress_init(&prog, "scored");
  ro.progress = icp_progress_cb;
  ro.progress_ud = &prog;
  inputs[0] = o->accounts;
  if(icp_run(inputs, 1, packs, c.npacks, c.schema, &ro, on_account, &c, &st,
             &err)) {
    fprintf(stderr, "icp validate: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(!c.d->nacct) {
    fprintf(stderr, "icp validate: %s: no account with a key\n",
            o->accounts);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(icp_val_read_deals(c.d, o->deals, NULL, &o->cols, deal_warn, NULL,
                        &err)) {
    fprintf(stderr, "icp validate: %s\n", err.msg);
    rc = err.msg[0] && strstr(err.msg, "column") ? ICP_EXIT_USAGE :
         ICP_EXIT_NOTHING;
    goto out;
  }
  vo->as_of = o->as_of ? day : latest_close(c.d);
  if(o->baseline) {
    int32_t bday;
    long nb;
    if(strlen(o->baseline) == 10 && icp_parse_date(o->baseline, 10, &bday))
      vo->baseline = -100 - (int)(((int64_t)vo->as_of - bday) /
                                  vo->period_days);
    else if(parse_long("--baseline", o->baseline, 1, 63, &nb))
      vo->baseline = -100 - (int)nb;
    else {
      rc = ICP_EXIT_USAGE;
      goto out;
    }
  }
  {
    int rel = vo->baseline <= -100 ? -100 - vo->baseline : 0;
    if(rel)
      vo->baseline = -1;
    if(icp_val_compute(c.d, vo, &m, &err)) {
      fprintf(stderr, "icp validate: %s\n", err.msg);
      rc = ICP_EXIT_NOTHING;
      goto out;
    }
    if(rel) {
      if(rel < 1 || rel >= m->nperiods) {
        rc = icp_cli_usage_error("validate", "--baseline: no such period "
                                 "(the data has %d periods)", m->nperiods);
        goto out;
      }
      m->opts.baseline = m->nperiods - 1 - rel;
    }
  }
  if(c.npacks == 2 && icp_val_compute_ab(m, &err)) {
    fprintf(stderr, "icp validate: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(icp_val_flags(m, &flags, &nflags, &err)) {
    fprintf(stderr, "icp validate: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  {
    char d0[11];
    icp_format_date(vo->as_of, d0);
    fprintf(stderr, "validated %s: %zu accounts, %zu deals (%ld without "
            "account, %ld with an unknown account), as of %s%s, %d "
            "periods of %d days\n", o->rules, c.d->nacct, c.d->ndeal,
            c.d->blank_account, c.d->unknown_account, d0,
            o->as_of ? "" : " (latest close date)", m->nperiods,
            vo->period_days);
    if(c.no_key)
      fprintf(stderr, "  %ld accounts without a key were left out\n",
              c.no_key);
    if(c.d->dup_keys)
      fprintf(stderr, "  %ld accounts repeat a key (the last row wins)\n",
              c.d->dup_keys);
    if(c.d->bad_cells)
      fprintf(stderr, "  %ld deal cells could not be read (dates, "
              "numbers)\n", c.d->bad_cells);
  }
  if(!o->quiet)
    print_report(stdout, m);
  if(m->ab && !o->quiet)
    print_ab(stdout, m, o->rules, o->vs);
  print_flags(stdout, m, flags, nflags);
  if(o->json || doc) {
    rc = write_json(o->json, doc, m, flags, nflags, o);
    if(rc)
      goto out;
  }
  if(!m->closed_matched) {
    fprintf(stderr, "icp validate: no closed deal matched an account "
            "(key column %s)\n", c.d->col_key);
    rc = ICP_EXIT_NOTHING;
  }
  else if(icp_val_review_due(flags, nflags))
    rc = ICP_EXIT_REVIEW;
  else if(st.skipped || c.d->bad_rows)
    rc = ICP_EXIT_PARTIAL;
out:
  free(flags);
  icp_val_metrics_free(m);
  for(k = 0; k < 2; k++)
    icp_pack_free(packs[k]);
  icp_val_data_free(c.d);
  icp_schema_free(c.schema);
  icp_cli_input_free(&in);
  return rc;
}

void icp_validate_args_init(struct icp_validate_args *o)
{
  memset(o, 0, sizeof(*o));
  icp_val_opts_default(&o->vo);
}

int icp_validate_arg(int argc, char **argv, int *ip,
                     struct icp_validate_args *o)
{
  struct icp_val_opts *vo = &o->vo;
  const char *v;
  int m, i = *ip;
  if((m = icp_par_option(argc, argv, &i, &o->par)))
    goto done;
#define VAL(name, var)                                             \
  if((m = icp_cli_value(argc, argv, &i, name, NULL, &v))) {        \
    if(m > 0)                                                      \
      var = v;                                                     \
    goto done;                                                     \
  }
#define FRAC(name, var, key)                                       \
  if((m = icp_cli_value(argc, argv, &i, name, NULL, &v))) {        \
    if(m > 0 && !parse_frac(name, v, &var))                        \
      m = -1;                                                      \
    o->cli_set |= 1u << (key);                                     \
    goto done;                                                     \
  }
#define LONG(name, var, key)                                       \
  if((m = icp_cli_value(argc, argv, &i, name, NULL, &v))) {        \
    if(m > 0 && !parse_long(name, v, 1, 1000000000L, &var))        \
      m = -1;                                                      \
    o->cli_set |= 1u << (key);                                     \
    goto done;                                                     \
  }
  VAL("--rules", o->rules);
  VAL("--vs", o->vs);
  VAL("--deals", o->deals);
  VAL("--accounts", o->accounts);
  VAL("--json", o->json);
  VAL("--format", o->format);
  VAL("--columns", o->columns);
  VAL("--as-of", o->as_of);
  VAL("--period", o->period);
  VAL("--periods", o->periods);
  VAL("--baseline", o->baseline);
  VAL("--icp-tiers", o->icp_tiers);
  VAL("--salt", o->salt);
  VAL("--split", o->split);
  VAL("--key", o->cols.key);
  VAL("--accounts-key", o->acc_key);
  VAL("--created", o->cols.created);
  VAL("--closed", o->cols.closed);
  VAL("--stage", o->cols.stage);
  VAL("--amount", o->cols.amount);
  VAL("--support", o->cols.support);
  VAL("--churn", o->cols.churn);
  FRAC("--conversion-drop", vo->conversion_drop, ICP_V_CONVERSION_DROP);
  FRAC("--cycle-increase", vo->cycle_increase, ICP_V_CYCLE_INCREASE);
  FRAC("--support-increase", vo->support_increase, ICP_V_SUPPORT_INCREASE);
  FRAC("--deal-size-change", vo->deal_size_change, ICP_V_DEAL_SIZE_CHANGE);
  FRAC("--icp-cycle-advantage", vo->icp_cycle_advantage,
       ICP_V_ICP_CYCLE_ADVANTAGE);
  FRAC("--alpha", vo->alpha, ICP_V_ALPHA);
  LONG("--min-deals", vo->min_deals, ICP_V_MIN_DEALS);
  LONG("--min-won", vo->min_won, ICP_V_MIN_WON);
  LONG("--min-accounts", vo->min_accounts, ICP_V_MIN_ACCOUNTS);
#undef VAL
#undef FRAC
#undef LONG
  if(icp_cli_flag(argv, i, "--ab"))
    o->ab = m = 1;
  else if(icp_cli_flag(argv, i, "--quiet"))
    o->quiet = m = 1;
done:
  *ip = i;
  return m;
}

int icp_validate_args_check(struct icp_validate_args *o)
{
  struct icp_val_opts *vo = &o->vo;
  if(!o->rules || !o->deals || !o->accounts)
    return icp_cli_usage_error("validate", "--rules, --deals and --accounts "
                               "are required");
  if(o->ab != (o->vs != NULL))
    return icp_cli_usage_error("validate", "--ab and --vs PACK go "
                               "together");
  if((o->salt || o->split) && !o->ab)
    return icp_cli_usage_error("validate", "--salt and --split go with "
                               "--ab");
  if(o->format && strcmp(o->format, "csv") && strcmp(o->format, "jsonl"))
    return icp_cli_usage_error("validate", "--format is csv or jsonl");
  if(o->period && !parse_period(o->period, &vo->period_days))
    return ICP_EXIT_USAGE;
  if(o->period)
    o->cli_set |= 1u << ICP_V_PERIOD_DAYS;
  if(o->periods) {
    long n;
    if(!parse_long("--periods", o->periods, 2, ICP_VAL_PERIODS_MAX, &n))
      return ICP_EXIT_USAGE;
    vo->max_periods = (int)n;
  }
  if(!(vo->alpha > 0 && vo->alpha < 1))
    return icp_cli_usage_error("validate", "--alpha is between 0 and 1");
  return ICP_EXIT_OK;
}

int icp_cmd_validate(int argc, char **argv)
{
  struct icp_validate_args o;
  int i, m, rc;
  icp_validate_args_init(&o);
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      printf("\nmore cores and machines:\n%s", icp_par_usage);
      return ICP_EXIT_OK;
    }
    if((m = icp_validate_arg(argc, argv, &i, &o)) < 0)
      return ICP_EXIT_USAGE;
    if(!m)
      return icp_cli_usage_error("validate", "unexpected argument %s "
                                 "(see icp validate --help)", argv[i]);
  }
  if((rc = icp_validate_args_check(&o)))
    return rc;
  return icp_validate_exec(&o, NULL);
}
