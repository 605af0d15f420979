/* validate_args.c -- the options of icp validate (icp report passes them
 * on too): parsed, checked, and the values they take. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/validate_args.h"

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

int icp_validate_parse_long(const char *opt, const char *s, long lo,
                            long hi, long *out)
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
    if(m > 0 &&                                                    \
       !icp_validate_parse_long(name, v, 1, 1000000000L, &var))    \
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
    if(!icp_validate_parse_long("--periods", o->periods, 2,
                                ICP_VAL_PERIODS_MAX, &n))
      return ICP_EXIT_USAGE;
    vo->max_periods = (int)n;
  }
  if(!(vo->alpha > 0 && vo->alpha < 1))
    return icp_cli_usage_error("validate", "--alpha is between 0 and 1");
  return ICP_EXIT_OK;
}
