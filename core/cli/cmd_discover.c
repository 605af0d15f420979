/* cmd_discover.c -- icp discover: what separates the best accounts from
 * the worst, with significance, and a draft pack built on it. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "stats/discover.h"

static const char usage[] =
  "usage: icp discover --outcome won|churn --label COLUMN [options] INPUT...\n"
  "       icp discover --outcome ltv --value COLUMN [options] INPUT...\n"
  "\n"
  "Ranks the attributes that separate the best accounts from the worst,\n"
  "tests each difference (Fisher exact per value, Mann-Whitney U per\n"
  "number, Benjamini-Hochberg q-values over all tests) and drafts a rule\n"
  "pack from what is significant. The inputs are read once (- is stdin);\n"
  "bad records and cells that do not fit are reported on stderr as\n"
  "FILE:LINE: reason.\n"
  "\n"
  "outcome:\n"
  "  --outcome won       --label COLUMN holds won/lost, 1/0, true/false or\n"
  "                      yes/no (any case); won rows are the best\n"
  "  --outcome churn     the same values, but yes/true/1 means churned: the\n"
  "                      churned rows are the worst\n"
  "  --outcome ltv       --value COLUMN is numeric: the top 20% are the best,\n"
  "                      the bottom 20% the worst (ties kept together)\n"
  "  --deals FILE        join a deals table first (its --key, --label and\n"
  "                      --value columns only; open deals are reported)\n"
  "  --key COLUMN        the key joining deals to accounts (also never an\n"
  "                      attribute; default: domain when present)\n"
  "  --ignore COLS       comma-separated columns that are not attributes\n"
  "  --per account|deal  with --deals: an account is won when any deal is\n"
  "                      won and its value is the sum of its won amounts\n"
  "                      (account, default), or each closed deal is a row\n"
  "\n"
  "analysis:\n"
  "  --bins N            quantile bins per number or date age (default 5)\n"
  "  --min-support N     values seen fewer times pool into 'other' (10)\n"
  "  --q Q               false discovery rate that marks significance (0.05)\n"
  "  --as-of DATE        YYYY-MM-DD that date ages count from (default today)\n"
  "  --format csv|jsonl  format of INPUT when its name does not tell\n"
  "  --columns FILE      map input headers to fields (Lua: columns { })\n"
  "\n"
  "output:\n"
  "  --json FILE         every test as JSON (- for stdout)\n"
  "  --draft-pack FILE   write a rule pack built on the significant values,\n"
  "                      and FILE's companion *_test.lua\n"
  "  --max-rules N       at most N point rules in the draft (default 40)\n"
  "  --holdout SHARE     keep SHARE (0-0.9) of the accounts out of fitting\n"
  "                      and report the model's and the pack's AUC on them\n"
  "  --seed N            the holdout split and the CV folds (default 1)\n"
  "  --width N           terminal width of the table (default: the tty's)\n"
  "\n"
  "exit status: 0 ok, 1 usage or load error, 2 some rows skipped, 3 nothing\n"
  "could be done (also: --draft-pack asked but there is no signal).\n";

static int parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(!*s || *end || v < lo || v > hi)
    return 0;
  *out = v;
  return 1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
  char *end;
  double v = strtod(s, &end);
  if(!*s || *end || !(v >= lo && v <= hi))
    return 0;
  *out = v;
  return 1;
}

static int term_width(void)
{
  struct winsize ws;
  if(isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) &&
     ws.ws_col >= 60)
    return ws.ws_col;
  return 100;
}

int icp_cmd_discover(int argc, char **argv)
{
  const char *outcome = NULL, *per = "account", *json = NULL;
  const char *draft = NULL, *as_of = NULL;
  const char *bins = NULL, *support = NULL, *qs = NULL, *holdout = NULL;
  const char *seed = NULL, *maxr = NULL, *width = NULL;
  const char **inputs = calloc((size_t)argc + 1, sizeof(char *));
  struct icp_disc_opts o;
  struct icp_disc *d = NULL;
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct icp_err err;
  int ninputs = 0, i, rc = ICP_EXIT_OK, w;
  long lv;
  double dv;

  if(!inputs)
    return ICP_EXIT_NOTHING;
  icp_disc_opts_init(&o);
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      goto out;
    }
#define VAL(name, var) ICP_CLI_VAL(name, NULL, var, ICP_CLI_USAGE_OUT)
    VAL("--outcome", outcome);
    VAL("--label", o.label);
    VAL("--value", o.value);
    VAL("--key", o.key);
    VAL("--deals", o.deals);
    VAL("--ignore", o.ignore);
    VAL("--per", per);
    VAL("--bins", bins);
    VAL("--min-support", support);
    VAL("--q", qs);
    VAL("--as-of", as_of);
    VAL("--format", o.format);
    VAL("--json", json);
    VAL("--draft-pack", draft);
    VAL("--max-rules", maxr);
    VAL("--holdout", holdout);
    VAL("--seed", seed);
    VAL("--width", width);
    VAL("--columns", in.columns);
#undef VAL
    if(argv[i][0] == '-' && argv[i][1]) {
      rc = icp_cli_usage_error("discover", "unknown option %s", argv[i]);
      goto out;
    }
    inputs[ninputs++] = argv[i];
  }
  icp_cli_twice("discover", inputs, ninputs);
#define BAD(...)                                                  \
  do {                                                            \
    rc = icp_cli_usage_error("discover", __VA_ARGS__);            \
    goto out;                                                     \
  } while(0)
  if(!outcome)
    BAD("--outcome won|churn|ltv is required");
  if(!strcmp(outcome, "won"))
    o.outcome = ICP_DISC_WON;
  else if(!strcmp(outcome, "churn"))
    o.outcome = ICP_DISC_CHURN;
  else if(!strcmp(outcome, "ltv"))
    o.outcome = ICP_DISC_LTV;
  else
    BAD("--outcome is won, churn or ltv, not '%s'", outcome);
  if(o.outcome != ICP_DISC_LTV && !o.label && !o.deals)
    BAD("--outcome %s needs --label COLUMN", outcome);
  if(o.outcome == ICP_DISC_LTV && !o.value)
    BAD("--outcome ltv needs --value COLUMN");
  if(o.deals && !o.key)
    BAD("--deals needs --key COLUMN (the column both tables share)");
  if(o.deals && o.outcome == ICP_DISC_CHURN)
    BAD("--outcome churn reads a label of the accounts, not --deals");
  if(!strcmp(per, "deal"))
    o.per_deal = 1;
  else if(strcmp(per, "account"))
    BAD("--per is account or deal");
  if(o.per_deal && !o.deals)
    BAD("--per deal goes with --deals");
  if(o.per_deal && o.outcome == ICP_DISC_LTV)
    BAD("--per deal answers a win-rate question: use --outcome won");
  if(bins) {
    if(!parse_long(bins, 2, 100, &lv))
      BAD("--bins is a whole number from 2 to 100");
    o.bins = (int)lv;
  }
  if(support) {
    if(!parse_long(support, 1, 1000000000L, &lv))
      BAD("--min-support is a whole number >= 1");
    o.min_support = lv;
  }
  if(qs) {
    if(!parse_double(qs, 1e-12, 0.5, &dv))
      BAD("--q is a false discovery rate in (0, 0.5]");
    o.q = dv;
  }
  if(holdout) {
    if(!parse_double(holdout, 0, 0.9, &dv))
      BAD("--holdout is a share from 0 to 0.9");
    o.holdout = dv;
  }
  if(seed) {
    if(!parse_long(seed, 0, 2147483647L, &lv))
      BAD("--seed is a whole number >= 0");
    o.seed = (uint64_t)lv;
  }
  if(maxr) {
    if(!parse_long(maxr, 1, 1000, &lv))
      BAD("--max-rules is a whole number from 1 to 1000");
    o.max_rules = (int)lv;
  }
  w = term_width();
  if(width) {
    if(!parse_long(width, 60, 1000, &lv))
      BAD("--width is a whole number >= 60");
    w = (int)lv;
  }
  if(o.format && strcmp(o.format, "csv") && strcmp(o.format, "jsonl"))
    BAD("--format is csv or jsonl");
  if(as_of && !icp_cli_date("--as-of", as_of, &o.as_of)) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if(!ninputs)
    BAD("no INPUT given (use - for stdin)");
  if(ninputs > 65535)
    BAD("too many inputs");
#undef BAD

  if(in.columns) { /* targets: canonical fields (no pack here) */
    struct icp_schema *canon = icp_schema_new();
    rc = canon ? icp_cli_input_setup("discover", &in, canon) :
         ICP_EXIT_NOTHING;
    icp_schema_free(canon);
    if(rc)
      goto out;
    o.columns = in.cols;
  }
  o.no_draft = !draft; /* the analysis keeps less */
  d = icp_disc_new(&o);
  if(!d) {
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(icp_disc_read(d, inputs, ninputs, &err) ||
     icp_disc_evidence(d, &err)) {
    fprintf(stderr, "icp discover: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(d->n_significant && icp_disc_draft(d, inputs, ninputs, draft, &err)) {
    fprintf(stderr, "icp discover: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  icp_disc_print(d, stdout, w);
  fflush(stdout);
  fprintf(stderr, "read %ld accounts", d->read);
  if(d->skipped)
    fprintf(stderr, ", skipped %ld bad records", d->skipped);
  if(d->cell_warnings)
    fprintf(stderr, ", %ld cells did not fit their type", d->cell_warnings);
  if(d->label_bad || d->value_bad)
    fprintf(stderr, ", %ld rows left out: %s is not %s (%s)",
            d->label_bad + d->value_bad,
            o.outcome == ICP_DISC_LTV ? o.value : o.label,
            o.outcome == ICP_DISC_LTV ? "a number" : "won/lost",
            d->label_examples);
  fprintf(stderr, "\n");
  if(o.deals) {
    fprintf(stderr, "deals: %ld read, %ld closed", d->deals_read,
            d->deals_read - d->deals_open - d->deals_bad);
    if(d->deals_open)
      fprintf(stderr, ", %ld open (%s)", d->deals_open, d->open_examples);
    if(d->deals_nokey)
      fprintf(stderr, ", %ld closed without %s", d->deals_nokey, o.key);
    if(d->deals_unmatched)
      fprintf(stderr, ", %ld closed matching no account",
              d->deals_unmatched);
    if(d->accounts_without_deals)
      fprintf(stderr, ", %ld accounts without closed deals",
              d->accounts_without_deals);
    fprintf(stderr, "\n");
  }
  if(json && icp_disc_write_json(d, json, &err)) {
    fprintf(stderr, "icp discover: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  if(draft) {
    if(!d->n_significant || !d->model.fitted) {
      fprintf(stderr, "icp discover: no significant difference between "
              "the best and the worst at q <= %g: nothing to build a pack "
              "on; %s not written\n", o.q, draft);
      rc = ICP_EXIT_NOTHING;
    }
    else
      fprintf(stderr, "wrote %s and its cases beside it\n", draft);
  }
  if(rc == ICP_EXIT_OK && d->skipped)
    rc = ICP_EXIT_PARTIAL;
out:
  icp_disc_free(d);
  icp_cli_input_free(&in);
  free(inputs);
  return rc;
}
