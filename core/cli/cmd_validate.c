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
    else if(icp_validate_parse_long("--baseline", o->baseline, 1, 63, &nb))
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
    icp_validate_print_report(stdout, m);
  if(m->ab && !o->quiet)
    icp_validate_print_ab(stdout, m, o->rules, o->vs);
  icp_validate_print_flags(stdout, m, flags, nflags);
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
