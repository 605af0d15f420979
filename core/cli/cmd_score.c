/* cmd_score.c -- icp score: score accounts with a rule pack. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/out.h"
#include "rules/rules.h"
#include "score/emit.h"
#include "cli/hooks.h"
#include "cli/parallel.h"
#include "cli/top.h"
#include "net/enrich.h"

static const char usage[] =
  "usage: icp score --rules PACK [options] INPUT...\n"
  "\n"
  "Scores every account of INPUT (CSV or JSONL; - for stdin) with the rule\n"
  "pack and writes one result per account, in input order.\n"
  "\n"
  "options:\n"
  "  --rules PACK        the rule pack (.lua) to score with (required)\n"
  "  --providers CFG     enrich accounts first (providers.lua)\n"
  "  --offline           with --providers: use only the cache\n"
  "  --refresh           with --providers: ignore the cache\n"
  "  --verbose           with --providers: print every enrichment failure\n"
  "  --as-of DATE        YYYY-MM-DD that dates count from (default today)\n"
  "  --explain           add every rule's outcome and the values it read\n"
  "  -o, --output OUT    write to OUT (.csv or .jsonl); default stdout JSONL\n"
  "  --output-format csv|jsonl  format of the results on stdout\n"
  "  --format csv|jsonl  format of INPUT when its name does not tell\n"
  "  --columns FILE      map input headers to fields (Lua: columns { })\n"
  "  --keep COLS|all     carry input columns (comma-separated) to the\n"
  "                      output, e.g. --keep \"Record ID\"\n"
  "  --strict            stop at the first bad record\n"
  "  --top N             print the tier counts and the N best accounts\n"
  "                      with their reasons on stderr at the end\n"
  "  --ab PACK_B         A/B: score part of the accounts with PACK_B\n"
  "  --split PCT         A/B: share of accounts in arm B (default 50)\n"
  "  --salt S            A/B: salt of the stable hash of the domain\n"
  "%s"
  "\n"
  "A bad record is reported on stderr as FILE:LINE: reason and skipped.\n"
  "With --providers, each row carries the enrichment failures that\n"
  "concern it (enrich_errors: a JSONL key, a CSV column).\n"
  "exit status: 0 ok, 1 usage or load error, 2 some rows skipped or some\n"
  "providers failed, 3 nothing could be done.\n";

struct score_ctx {
  struct icp_out out;
  struct icp_buf line;
  int explain;
  int ab;                 /* packs[1] is arm B */
  long tiers[2][128];     /* per pack: counts by tier index + 3 */
  struct icp_top *top;
  int errors_id;          /* --providers: the enrich_errors field, or -1 */
  int csv_errors;         /* CSV: the extra column is enrich_errors */
  const struct icp_pack *pack; /* for the CSV header */
  int header_due;         /* CSV: written with the first row (--keep all
                             knows its columns once the input is open) */
};

static enum icp_status csv_header(struct score_ctx *c)
{
  c->header_due = 0;
  return icp_emit_csv_header(&c->line, c->pack, c->ab ? "arm" :
                             c->csv_errors ? "enrich_errors" : NULL) ?
         ICP_ENOMEM : ICP_OK;
}

static int tier_slot(const struct icp_result *r)
{
  int t = r->tier + 3;
  return t < 0 ? 0 : (t > 127 ? 127 : t);
}

/* The result an account is counted and written with (its arm's). */
static const struct icp_result *chosen(const struct score_ctx *c,
                                       struct icp_result *const *res,
                                       int *k)
{
  *k = c->ab && res[1]->tier_name ? 1 : 0;
  return res[*k];
}

/* Counts, on the calling thread in input order. */
static enum icp_status tally(void *ud, const struct icp_account *a,
                             struct icp_result *const *res, int n,
                             struct icp_err *err)
{
  struct score_ctx *c = ud;
  int k;
  const struct icp_result *r = chosen(c, res, &k);
  (void)n;
  c->tiers[k][tier_slot(r)]++;
  if(icp_top_add(c->top, a, r))
    return icp_err_set(err, ICP_ENOMEM, "out of memory (--top)");
  return ICP_OK;
}

/* The output line(s); on worker threads, so it only reads c. */
static enum icp_status emit(void *ud, const struct icp_account *a,
                            struct icp_result *const *res, int n,
                            struct icp_buf *b)
{
  const struct score_ctx *c = ud;
  struct icp_buf extra;
  enum icp_status st;
  int k;
  const struct icp_result *r = chosen(c, res, &k);
  const char *arm = c->ab ? (k ? "B" : "A") : NULL;
  (void)n;
  icp_buf_init(&extra, (size_t)1 << 20);
  if(c->out.fmt == ICP_FMT_CSV) {
    st = c->csv_errors ? icp_enrich_errors_text(&extra, c->errors_id, a, 0)
                       : ICP_OK;
    if(!st)
      st = icp_emit_csv_row(b, r->pack, a, r, c->csv_errors ?
                            (extra.len ? extra.p : "") : arm);
  }
  else {
    st = arm ? icp_buf_printf(&extra, "\"arm\":\"%s\"", arm) : ICP_OK;
    if(!st)
      st = icp_enrich_errors_text(&extra, c->errors_id, a, 1);
    if(!st)
      st = icp_emit_jsonl(b, r->pack, a, r, c->explain,
                          extra.len ? extra.p : NULL);
  }
  icp_buf_free(&extra);
  return st;
}

/* In input order on the calling thread: the CSV header goes out first,
 * once the first input is open (--keep all takes its columns from it). */
static enum icp_status write_out(void *ud, const char *p, size_t n,
                                 struct icp_err *err)
{
  struct score_ctx *c = ud;
  if(c->header_due) {
    enum icp_status st = csv_header(c);
    if(!st)
      st = icp_out_write(&c->out, c->line.p, c->line.len, err);
    icp_buf_reset(&c->line);
    if(st)
      return st == ICP_ENOMEM ? icp_err_set(err, st, "out of memory") : st;
  }
  return icp_out_write(&c->out, p, n, err);
}

static void print_pack_diags(const struct icp_pack *p)
{
  int i;
  for(i = 0; i < icp_pack_ndiags(p); i++)
    fprintf(stderr, "%s\n", icp_pack_diag(p, i));
}

static void summary(const struct score_ctx *c, struct icp_pack **packs,
                    int npacks, const struct icp_run_stats *st)
{
  int k, t;
  icp_run_summary(st);
  for(k = 0; k < npacks; k++) {
    static const char *const special[] = { "unranked", "insufficient_data",
                                           "excluded" };
    fprintf(stderr, "  %s%s tiers:", npacks > 1 ? "arm " : "",
            npacks > 1 ? (k ? "B" : "A") : "");
    for(t = 0; t < packs[k]->ntiers; t++)
      fprintf(stderr, " %s %ld", packs[k]->tiers[t].name,
              c->tiers[k][t + 3]);
    for(t = 0; t < 3; t++)
      if(c->tiers[k][t])
        fprintf(stderr, ", %s %ld", special[t], c->tiers[k][t]);
    fprintf(stderr, "\n");
  }
}

int icp_cmd_score(int argc, char **argv)
{
  const char *rules = NULL, *providers = NULL, *as_of = NULL, *out = NULL;
  const char *format = NULL, *ab = NULL, *split = "50", *salt = "";
  const char *top = NULL, *ofmt = NULL;
  struct icp_cli_input in = { NULL, NULL, NULL };
  enum icp_format outfmt;
  const char **inputs = calloc((size_t)argc + 1, sizeof(char *));
  int ninputs = 0, strict = 0, explain = 0, offline = 0, refresh = 0, i;
  int rc = ICP_EXIT_OK, npacks = 1;
  struct icp_schema *schema = NULL;
  struct icp_pack *packs[2] = { NULL, NULL };
  struct score_ctx *c = calloc(1, sizeof(*c));
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_progress prog;
  struct icp_err err;
  struct icp_hooks hooks;
  struct icp_par par;
  int32_t day = 0;
  enum icp_status s;

  memset(&hooks, 0, sizeof(hooks));
  memset(&par, 0, sizeof(par));
  memset(&ro, 0, sizeof(ro));
  if(!inputs || !c) {
    free(inputs);
    free(c);
    return icp_cli_nomem("score");
  }
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf(usage, icp_par_usage);
      goto out;
    }
    ICP_CLI_STEP(icp_par_option(argc, argv, &i, &par), ICP_CLI_USAGE_OUT);
#define VAL(name, alias, var) \
  ICP_CLI_VAL(name, alias, var, ICP_CLI_USAGE_OUT)
    VAL("--rules", NULL, rules);
    VAL("--providers", NULL, providers);
    VAL("--as-of", NULL, as_of);
    VAL("--output", "-o", out);
    VAL("--format", NULL, format);
    VAL("--ab", NULL, ab);
    VAL("--split", NULL, split);
    VAL("--salt", NULL, salt);
    VAL("--top", NULL, top);
    VAL("--output-format", NULL, ofmt);
#undef VAL
    ICP_CLI_STEP(icp_cli_input_opt(argc, argv, &i, &in), ICP_CLI_USAGE_OUT);
    if(icp_cli_flag(argv, i, "--strict"))
      strict = 1;
    else if(icp_cli_flag(argv, i, "--explain"))
      explain = 1;
    else if(icp_cli_flag(argv, i, "--offline"))
      offline = 1;
    else if(icp_cli_flag(argv, i, "--refresh"))
      refresh = 1;
    else if(icp_cli_flag(argv, i, "--verbose"))
      hooks.verbose = 1;
    else if(argv[i][0] == '-' && argv[i][1]) {
      rc = icp_cli_usage_error("score", "unknown option %s", argv[i]);
      goto out;
    }
    else
      inputs[ninputs++] = argv[i];
  }
  if(!rules) {
    rc = icp_cli_usage_error("score", "--rules PACK is required");
    goto out;
  }
  icp_cli_twice("score", inputs, ninputs);
  if(!ninputs) {
    rc = icp_cli_usage_error("score", "no INPUT given (use - for stdin)");
    goto out;
  }
  if(format && strcmp(format, "csv") && strcmp(format, "jsonl")) {
    rc = icp_cli_usage_error("score", "--format is csv or jsonl");
    goto out;
  }
  if(as_of && !icp_cli_date("--as-of", as_of, &day)) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if((rc = icp_par_apply("score", &par, &ro)))
    goto out;
  if((rc = icp_cli_output_format("score", out, ofmt, &outfmt)))
    goto out;
  if((offline || refresh) && !providers) {
    rc = icp_cli_usage_error("score", "--offline and --refresh go with "
                             "--providers");
    goto out;
  }
  if(top) {
    char *end;
    long n = strtol(top, &end, 10);
    if(*end || n < 1 || n > 10000) {
      rc = icp_cli_usage_error("score", "--top takes 1 to 10000");
      goto out;
    }
    c->top = icp_top_new((int)n);
  }
  schema = icp_schema_new();
  if(!schema) {
    rc = icp_cli_nomem("score");
    goto out;
  }
  if(ab) {
    char *end;
    double pct = strtod(split, &end);
    if(*end || !(pct >= 0 && pct <= 100)) {
      rc = icp_cli_usage_error("score", "--split is a percentage 0-100");
      goto out;
    }
    npacks = 2;
    hooks.ab.split = pct;
    hooks.ab.salt = salt;
  }
  for(i = 0; i < npacks; i++) {
    const char *path = i ? ab : rules;
    packs[i] = icp_pack_new(schema, NULL);
    if(!packs[i]) {
      rc = icp_cli_nomem("score");
      goto out;
    }
    if(icp_pack_load_file(packs[i], path, &err)) {
      if(icp_pack_ndiags(packs[i]))
        print_pack_diags(packs[i]);
      else
        fprintf(stderr, "icp score: %s\n", err.msg);
      rc = ICP_EXIT_USAGE;
      goto out;
    }
    if(as_of)
      icp_pack_set_as_of(packs[i], day);
  }
  if((rc = icp_cli_input_setup("score", &in, schema)))
    goto out;
  /* scoring reads only the columns the packs' rules read */
  icp_schema_restrict(schema, 1);
  if(icp_out_open(&c->out, out, outfmt, &err)) {
    fprintf(stderr, "icp score: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  icp_buf_init(&c->line, (size_t)64 << 20);
  c->explain = explain;
  c->errors_id = -1;
  c->ab = npacks == 2;
  c->csv_errors = c->out.fmt == ICP_FMT_CSV && !c->ab && providers;
  c->pack = packs[0];
  c->header_due = c->out.fmt == ICP_FMT_CSV;
  ro.format = format;
  ro.strict = strict;
  ro.explain = explain;
  icp_progress_init(&prog, "scored");
  ro.progress = icp_progress_cb;
  ro.progress_ud = &prog;
  ro.emit = emit;
  ro.write = write_out;
  if(icp_hooks_setup(&hooks, &ro, providers, schema, offline, refresh,
                     explain, &err)) {
    fprintf(stderr, "icp score: %s\n", err.msg);
    rc = ICP_EXIT_USAGE;
    goto close;
  }
  if(hooks.enrich)
    c->errors_id = icp_enrich_errors_field(hooks.enrich);
  s = icp_run(inputs, ninputs, packs, npacks, schema, &ro, tally, c, &st,
              &err);
  if(s) {
    if(s != ICP_ESKIP) /* the run already reported the bad record */
      fprintf(stderr, "icp score: %s\n", err.msg);
    rc = st.scored ? ICP_EXIT_PARTIAL : ICP_EXIT_NOTHING;
    if(s == ICP_ESKIP)
      rc = ICP_EXIT_PARTIAL;
  }
  else if(st.skipped || st.no_key || st.unknown_fields ||
          icp_hooks_failures(&hooks) ||
          icp_schema_keep_missing(schema, 0))
    rc = ICP_EXIT_PARTIAL;
  if(s != ICP_ESKIP && (prog.tty || st.skipped || st.warnings ||
                        st.rule_errors || st.duplicates || c->top))
    summary(c, packs, npacks, &st);
  icp_top_print(c->top, stderr);
  icp_hooks_summary(&hooks, stderr);
close:
  if(c->header_due && csv_header(c)) {
    fprintf(stderr, "icp score: out of memory\n");
    rc = ICP_EXIT_NOTHING;
  }
  if(c->line.len && icp_out_write(&c->out, c->line.p, c->line.len, &err)) {
    fprintf(stderr, "icp score: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  if(icp_out_close(&c->out, &err)) {
    fprintf(stderr, "icp score: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  icp_buf_free(&c->line);
out:
  icp_hooks_free(&hooks);
  icp_cli_input_free(&in);
  for(i = 0; i < 2; i++)
    icp_pack_free(packs[i]);
  icp_schema_free(schema);
  free(inputs);
  icp_top_free(c->top);
  free(c);
  return rc;
}
