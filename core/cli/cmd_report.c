/* cmd_report.c -- icp report: one self-contained HTML page. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/validate_args.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/out.h"
#include "report/report.h"
#include "rules/rules.h"
#include "score/emit.h"

static const char usage[] =
  "usage: icp report --html FILE [INPUT.json|INPUT.jsonl ...]\n"
  "       icp report --html FILE --rules PACK --deals DEALS --accounts A "
  "[validate options]\n"
  "       icp report --html FILE --rules PACK ACCOUNTS.csv\n"
  "\n"
  "Writes one HTML page (inline CSS and SVG, no script, nothing fetched,\n"
  "prints well) from the results of icp score (its JSONL), diff --json,\n"
  "discover --json and validate --json, recognised by their content; or\n"
  "runs the validation (with --deals) or the scoring (with --rules and\n"
  "accounts) itself, in this process. The page opens with a few\n"
  "sentences computed from the data, the as-of date and the inputs; then\n"
  "the review flags of a validation, tiers, top accounts with reasons,\n"
  "grades, route and SLA workload, exclusions, data coverage (with\n"
  "--rules: which fields would move the most accounts if filled), a pack\n"
  "change and discovery.\n"
  "\n"
  "options:\n"
  "  --html FILE         the page to write (required)\n"
  "  --title TEXT        its title (default \"ICP report\")\n"
  "  --validate, --diff, --discover, --score FILE  an input of that kind\n"
  "                      (also beside --rules, where INPUT is accounts)\n"
  "  --rules PACK        run the pack: validate with --deals and\n"
  "                      --accounts (every icp validate option applies),\n"
  "                      else score the INPUT accounts (--format,\n"
  "                      --columns, --threads, --byte-range and --shard\n"
  "                      apply)\n"
  "  --as-of DATE        the run's date, shown at the top of the page\n"
  "\n"
  "exit status: 0 ok, 1 usage error or unreadable input, 2 the run\n"
  "skipped rows (the page is written), 3 nothing could be done; with\n"
  "--deals, 4 when a review is due (the page is written).\n";

/* "a.csv, b.csv scored with PACK": the name the page shows for the
 * accounts this run scored. */
static void run_name(char *out, size_t cap, char **inputs, int n,
                     const char *rules)
{
  size_t len = 0;
  int i;
  *out = 0;
  for(i = 0; i < n && len < cap; i++) {
    int w = snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
                     inputs[i]);
    if(w < 0)
      return;
    len += (size_t)w;
  }
  if(len < cap)
    snprintf(out + len, cap - len, " scored with %s", rules);
}

/* ---- scoring the accounts in-process ------------------------------------ */

struct scoring {
  struct icp_report *r;
  const char *name;
};

static enum icp_status scored_one(void *ud, const struct icp_account *a,
                                  struct icp_result *const *res, int n,
                                  struct icp_err *err)
{
  (void)ud;
  (void)a;
  (void)res;
  (void)n;
  (void)err;
  return ICP_OK;
}

/* The line icp score writes for the account (on a worker thread). */
static enum icp_status score_line(void *ud, const struct icp_account *a,
                                  struct icp_result *const *res, int n,
                                  struct icp_buf *b)
{
  (void)ud;
  (void)n;
  return icp_emit_jsonl(b, res[0]->pack, a, res[0], 0, NULL);
}

/* Lines in input order, a chunk at a time, into the report. */
static enum icp_status score_take(void *ud, const char *p, size_t n,
                                  struct icp_err *err)
{
  struct scoring *s = ud;
  return n ? icp_report_add_scored(s->r, s->name, p, n, err) : ICP_OK;
}

/* Scores inputs with --rules (as icp score does, with --as-of, --format,
 * --columns and the options of more cores) and adds the accounts to r,
 * shown as name. The page also gets the pack, to say which fields would
 * move accounts if filled. Returns an exit status; *partial is set when
 * records were skipped (as icp score exits 2). */
static int score_into(struct icp_report *r, struct icp_validate_args *a,
                      char **inputs, int ninputs, const char *name,
                      int *partial)
{
  struct icp_schema *schema = icp_schema_new();
  struct icp_pack *pack = schema ? icp_pack_new(schema, NULL) : NULL;
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct scoring sc;
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_progress prog;
  struct icp_err err;
  int32_t day = 0;
  int rc = ICP_EXIT_OK, i;
  enum icp_status s;

  memset(&ro, 0, sizeof(ro));
  if(!pack) {
    rc = icp_cli_nomem("report");
    goto out;
  }
  if(a->as_of && !icp_cli_date("--as-of", a->as_of, &day)) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if(a->format && strcmp(a->format, "csv") && strcmp(a->format, "jsonl")) {
    rc = icp_cli_usage_error("report", "--format is csv or jsonl");
    goto out;
  }
  if((rc = icp_par_apply("report", &a->par, &ro)))
    goto out;
  if(icp_pack_load_file(pack, a->rules, &err)) {
    for(i = 0; i < icp_pack_ndiags(pack); i++)
      fprintf(stderr, "%s\n", icp_pack_diag(pack, i));
    if(!icp_pack_ndiags(pack))
      fprintf(stderr, "icp report: %s\n", err.msg);
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if(a->as_of)
    icp_pack_set_as_of(pack, day);
  in.columns = a->columns;
  if((rc = icp_cli_input_setup("report", &in, schema)))
    goto out;
  icp_schema_restrict(schema, 1);  /* only the columns the rules read */
  if(icp_report_set_pack(r, pack)) {
    rc = icp_cli_nomem("report");
    goto out;
  }
  sc.r = r;
  sc.name = name;
  ro.format = a->format;
  icp_progress_init(&prog, "scored");
  ro.progress = icp_progress_cb;
  ro.progress_ud = &prog;
  ro.emit = score_line;
  ro.write = score_take;
  s = icp_run((const char *const *)inputs, ninputs, &pack, 1, schema, &ro,
              scored_one, &sc, &st, &err);
  if(s) {
    /* an input that could not be read, or accounts the page lost: no
     * page rather than one that looks whole */
    fprintf(stderr, "icp report: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  else {
    *partial = st.skipped || st.no_key || st.unknown_fields;
    if(prog.tty || st.skipped || st.warnings || st.rule_errors ||
       st.duplicates)
      icp_run_summary(&st);
    if(icp_report_add_input(r, name, &err))
      rc = icp_cli_nomem("report");
  }
out:
  icp_cli_input_free(&in);
  icp_pack_free(pack);
  icp_schema_free(schema);
  return rc;
}

/* "DEALS and ACCOUNTS validated with PACK (vs B)": the name the page shows
 * for the validation this run made. */
static void validate_name(char *out, size_t cap,
                          const struct icp_validate_args *a)
{
  snprintf(out, cap, "%s and %s validated with %s%s%s", a->deals,
           a->accounts ? a->accounts : "?", a->rules, a->vs ? " vs " : "",
           a->vs ? a->vs : "");
}

/* Runs icp validate's validation in-process and adds its document. */
static int validate_into(struct icp_report *r, struct icp_validate_args *a,
                         int *review, int *partial)
{
  struct icp_buf doc;
  struct icp_err err;
  char name[1024];
  int rc;
  a->quiet = 1;  /* the flags on stdout, the figures in the page */
  if((rc = icp_validate_args_check(a)))
    return rc;
  icp_buf_init(&doc, (size_t)1 << 30);
  rc = icp_validate_exec(a, &doc);
  if(rc == ICP_EXIT_REVIEW || rc == ICP_EXIT_PARTIAL) {
    *review = rc == ICP_EXIT_REVIEW;
    *partial = rc == ICP_EXIT_PARTIAL;
    rc = ICP_EXIT_OK;
  }
  validate_name(name, sizeof(name), a);
  if(!rc && (icp_report_add_text(r, name, doc.p, doc.len, &err) ||
             icp_report_add_input(r, name, &err))) {
    fprintf(stderr, "icp report: %s\n", err.msg);
    rc = ICP_EXIT_NOTHING;
  }
  icp_buf_free(&doc);
  return rc;
}

static int add(struct icp_report *r, const char *path)
{
  struct icp_err err;
  if(icp_report_add_file(r, path, &err)) {
    fprintf(stderr, "icp report: %s\n", err.msg);
    return 0;
  }
  return 1;
}

/* Options of scoring: the rest go with --deals (a validation). */
static int score_option(const char *opt)
{
  static const char *const ok[] = { "--rules", "--as-of", "--format",
                                    "--columns", "--threads", "--byte-range",
                                    "--shard", "--quiet", NULL };
  size_t n = strcspn(opt, "=");
  int k;
  for(k = 0; ok[k]; k++)
    if(strlen(ok[k]) == n && !strncmp(ok[k], opt, n))
      return 1;
  return 0;
}

int icp_cmd_report(int argc, char **argv)
{
  const char *html = NULL, *title = NULL, *first_opt = NULL;
  const char *val_opt = NULL;
  char **inputs = calloc((size_t)argc + 1, sizeof(char *));
  char **docs = calloc((size_t)argc + 1, sizeof(char *));
  char shown[1024], today[11];
  int ninputs = 0, ndocs = 0, i, rc = ICP_EXIT_OK, review = 0, partial = 0;
  struct icp_report *r = icp_report_new();
  struct icp_validate_args va;
  struct icp_buf page;
  struct icp_out out;
  struct icp_err err;

  icp_buf_init(&page, (size_t)1 << 30);
  icp_validate_args_init(&va);
  if(!inputs || !docs || !r) {
    rc = icp_cli_nomem("report");
    goto done;
  }
  for(i = 1; i < argc; i++) {
    const char *v, *opt = argv[i];
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      goto done;
    }
    ICP_CLI_VAL("--html", NULL, html, rc = ICP_EXIT_USAGE; goto done);
    ICP_CLI_VAL("--title", NULL, title, rc = ICP_EXIT_USAGE; goto done);
    if(!strcmp(argv[i], "--validate") || !strcmp(argv[i], "--diff") ||
       !strcmp(argv[i], "--discover") || !strcmp(argv[i], "--score")) {
      if(i + 1 >= argc) {
        rc = icp_cli_usage_error("report", "%s needs a FILE", argv[i]);
        goto done;
      }
      /* a document, even when --rules makes INPUT the accounts */
      docs[ndocs++] = argv[++i];
      continue;
    }
    if(argv[i][0] == '-' && argv[i][1]) {
      /* an option of the validation or scoring that --rules runs */
      m = icp_validate_arg(argc, argv, &i, &va);
      if(m < 0) {
        rc = ICP_EXIT_USAGE;
        goto done;
      }
      if(!m) {
        rc = icp_cli_usage_error("report", "unknown option %s (see icp "
                                 "report --help)", opt);
        goto done;
      }
      if(!first_opt)
        first_opt = opt;
      if(!val_opt && !score_option(opt))
        val_opt = opt;
      continue;
    }
    inputs[ninputs++] = argv[i];
  }
  icp_cli_twice("report", (const char *const *)inputs, ninputs);
  if(!html) {
    rc = icp_cli_usage_error("report", "--html FILE is required");
    goto done;
  }
  if(first_opt && !va.rules) {
    rc = icp_cli_usage_error("report", "unknown option %s (see icp report "
                             "--help)", first_opt);
    goto done;
  }
  if(va.rules && va.deals) {
    if((rc = validate_into(r, &va, &review, &partial)))
      goto done;
  }
  else if(va.rules) {
    if(!ninputs) {
      rc = icp_cli_usage_error("report", "--rules without --deals scores "
                               "accounts: name the INPUT");
      goto done;
    }
    if(val_opt) {
      rc = icp_cli_usage_error("report", "%s goes with --deals (a "
                               "validation); scoring takes --as-of, "
                               "--format, --columns, --threads, "
                               "--byte-range and --shard", val_opt);
      goto done;
    }
    run_name(shown, sizeof(shown), inputs, ninputs, va.rules);
    if((rc = score_into(r, &va, inputs, ninputs, shown, &partial)))
      goto done;
    ninputs = 0;
  }
  for(i = 0; i < ninputs; i++)
    if(!add(r, inputs[i])) {
      rc = ICP_EXIT_USAGE;
      goto done;
    }
  for(i = 0; i < ndocs; i++)
    if(!add(r, docs[i])) {
      rc = ICP_EXIT_USAGE;
      goto done;
    }
  if(va.as_of)
    icp_report_set_as_of(r, va.as_of);
  else if(va.rules && !va.deals) {
    icp_format_date(icp_today(), today);
    icp_report_set_as_of(r, today);  /* the date score counted from */
  }
  if(icp_report_empty(r)) {
    rc = icp_cli_usage_error("report", "no input (give the JSON of "
                             "validate, diff or discover, the JSONL of "
                             "score, or --rules)");
    goto done;
  }
  if(icp_report_render(r, title, &page)) {
    fprintf(stderr, "icp report: %s: the page does not fit in memory\n",
            html);
    rc = ICP_EXIT_NOTHING;
    goto done;
  }
  if(icp_out_open(&out, html, ICP_FMT_JSONL, &err) ||
     icp_out_write(&out, page.p, page.len, &err) ||
     icp_out_close(&out, &err)) {
    fprintf(stderr, "icp report: %s: cannot write the page\n", html);
    rc = ICP_EXIT_NOTHING;
    goto done;
  }
  fprintf(stderr, "icp report: wrote %s (%zu bytes)\n", html, page.len);
  rc = review ? ICP_EXIT_REVIEW : partial ? ICP_EXIT_PARTIAL : ICP_EXIT_OK;
done:
  icp_buf_free(&page);
  icp_report_free(r);
  free(inputs);
  free(docs);
  return rc;
}
