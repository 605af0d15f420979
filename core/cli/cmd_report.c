/* cmd_report.c -- icp report: one self-contained HTML page. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/out.h"
#include "report/report.h"
#include "rules/rules.h"

static const char usage[] =
  "usage: icp report --html FILE [INPUT.json|INPUT.jsonl ...]\n"
  "       icp report --html FILE --rules PACK --deals DEALS --accounts A "
  "[validate options]\n"
  "       icp report --html FILE --rules PACK ACCOUNTS.csv\n"
  "\n"
  "Writes one HTML page (inline CSS and SVG, no script, nothing fetched,\n"
  "prints well) from the results of icp score (its JSONL), diff --json,\n"
  "discover --json and validate --json, recognised by their content; or\n"
  "runs validate (with --deals) or score (with --rules and accounts)\n"
  "itself. The page opens with a few sentences computed from the data,\n"
  "the as-of date and the inputs; then the review flags of a validation,\n"
  "tiers, top accounts with reasons, grades, route and SLA workload,\n"
  "exclusions, data coverage (with --rules: which fields would move the\n"
  "most accounts if filled), a pack change and discovery.\n"
  "\n"
  "options:\n"
  "  --html FILE         the page to write (required)\n"
  "  --title TEXT        its title (default \"ICP report\")\n"
  "  --validate, --diff, --discover, --score FILE  an input of that kind\n"
  "                      (also beside --rules, where INPUT is accounts)\n"
  "  --rules PACK        run the pack: validate with --deals and\n"
  "                      --accounts (every icp validate option is passed\n"
  "                      on), else score the INPUT accounts\n"
  "  --as-of DATE        passed on when running a command, and shown at\n"
  "                      the top of the page\n"
  "\n"
  "exit status: 0 ok, 1 usage error or unreadable input, 3 nothing could\n"
  "be done; running score or validate, 2 when it skipped rows (and 4\n"
  "when a review is due); the page is written.\n";

/* A temporary file name with suffix (".json", ".jsonl"); the file exists
 * and is empty. 0 on failure. */
static int temp_path(char *out, size_t cap, const char *suffix)
{
  const char *dir = getenv("TMPDIR");
  int fd;
  if(!dir || !*dir)
    dir = "/tmp";
  if(snprintf(out, cap, "%s/icp-report-XXXXXX%s", dir, suffix) >=
     (int)cap)
    return 0;
  fd = mkstemps(out, (int)strlen(suffix));
  if(fd < 0)
    return 0;
  close(fd);
  return 1;
}

/* Runs icp validate with the options gathered plus --json tmp. */
static int run_validate(char **args, int nargs, const char *tmp)
{
  char **v = calloc((size_t)nargs + 5, sizeof(char *));
  int n = 0, i, rc;
  if(!v)
    return icp_cli_nomem("report");
  v[n++] = (char *)"validate";
  for(i = 0; i < nargs; i++)
    v[n++] = args[i];
  v[n++] = (char *)"--json";
  v[n++] = (char *)tmp;
  v[n++] = (char *)"--quiet";
  rc = icp_cmd_validate(n, v);
  free(v);
  return rc;
}

static int run_score(const char *rules, const char *as_of, char **inputs,
                     int ninputs, const char *tmp)
{
  char **v = calloc((size_t)ninputs + 8, sizeof(char *));
  int n = 0, i, rc;
  if(!v)
    return icp_cli_nomem("report");
  v[n++] = (char *)"score";
  v[n++] = (char *)"--rules";
  v[n++] = (char *)rules;
  if(as_of) {
    v[n++] = (char *)"--as-of";
    v[n++] = (char *)as_of;
  }
  v[n++] = (char *)"-o";
  v[n++] = (char *)tmp;
  for(i = 0; i < ninputs; i++)
    v[n++] = inputs[i];
  rc = icp_cmd_score(n, v);
  free(v);
  return rc;
}

/* Loads the pack that scored the accounts, so that the page can say which
 * fields would move accounts if filled; 0 on failure (said on stderr). */
static int give_pack(struct icp_report *r, const char *rules)
{
  struct icp_schema *schema = icp_schema_new();
  struct icp_pack *pack = schema ? icp_pack_new(schema, NULL) : NULL;
  struct icp_err err;
  int ok = pack && !icp_pack_load_file(pack, rules, &err) &&
           !icp_report_set_pack(r, pack);
  if(!pack)
    icp_cli_nomem("report");
  else if(!ok)
    fprintf(stderr, "icp report: %s: cannot read the pack\n", rules);
  icp_pack_free(pack);
  icp_schema_free(schema);
  return ok;
}

/* "a.csv, b.csv scored with PACK": the name the page shows for the
 * scored file made by this run. */
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

static int add_as(struct icp_report *r, const char *path, const char *name)
{
  struct icp_err err;
  if(icp_report_add_file_as(r, path, name, &err)) {
    fprintf(stderr, "icp report: %s\n", err.msg);
    return 0;
  }
  return 1;
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

int icp_cmd_report(int argc, char **argv)
{
  const char *html = NULL, *title = NULL, *rules = NULL, *as_of = NULL;
  const char *deals = NULL;
  char **pass = calloc((size_t)argc + 1, sizeof(char *));
  char **inputs = calloc((size_t)argc + 1, sizeof(char *));
  char **docs = calloc((size_t)argc + 1, sizeof(char *));
  char tmp[512] = "", shown[1024], today[11];
  int npass = 0, ninputs = 0, ndocs = 0, i, rc = ICP_EXIT_OK, run_rc = 0;
  struct icp_report *r = icp_report_new();
  struct icp_buf page;
  struct icp_out out;
  struct icp_err err;

  icp_buf_init(&page, (size_t)1 << 30);
  if(!pass || !inputs || !docs || !r) {
    rc = icp_cli_nomem("report");
    goto done;
  }
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      goto done;
    }
    if((m = icp_cli_value(argc, argv, &i, "--html", NULL, &v))) {
      if(m < 0) {
        rc = ICP_EXIT_USAGE;
        goto done;
      }
      html = v;
      continue;
    }
    if((m = icp_cli_value(argc, argv, &i, "--title", NULL, &v))) {
      if(m < 0) {
        rc = ICP_EXIT_USAGE;
        goto done;
      }
      title = v;
      continue;
    }
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
      /* an option of the command run: kept with its value */
      const char *name = argv[i];
      pass[npass++] = argv[i];
      if(!strcmp(name, "--ab") || !strcmp(name, "--quiet"))
        continue;
      if(!strchr(name, '=') && i + 1 < argc) {
        pass[npass++] = argv[++i];
        if(!strcmp(name, "--rules"))
          rules = argv[i];
        else if(!strcmp(name, "--as-of"))
          as_of = argv[i];
        else if(!strcmp(name, "--deals"))
          deals = argv[i];
      }
      continue;
    }
    inputs[ninputs++] = argv[i];
  }
  if(!html) {
    rc = icp_cli_usage_error("report", "--html FILE is required");
    goto done;
  }
  if(npass && !rules) {
    rc = icp_cli_usage_error("report", "unknown option %s (see icp report "
                             "--help)", pass[0]);
    goto done;
  }
  if(rules && deals) {
    if(!temp_path(tmp, sizeof(tmp), ".json")) {
      rc = ICP_EXIT_NOTHING;
      goto done;
    }
    run_rc = run_validate(pass, npass, tmp);
    if(run_rc != ICP_EXIT_OK && run_rc != ICP_EXIT_REVIEW &&
       run_rc != ICP_EXIT_PARTIAL) {
      rc = run_rc;
      goto done;
    }
    if(!add(r, tmp)) {
      rc = ICP_EXIT_NOTHING;
      goto done;
    }
  }
  else if(rules) {
    if(!ninputs) {
      rc = icp_cli_usage_error("report", "--rules without --deals scores "
                               "accounts: name the INPUT");
      goto done;
    }
    if(!temp_path(tmp, sizeof(tmp), ".jsonl")) {
      rc = ICP_EXIT_NOTHING;
      goto done;
    }
    run_rc = run_score(rules, as_of, inputs, ninputs, tmp);
    if(run_rc != ICP_EXIT_OK && run_rc != ICP_EXIT_PARTIAL) {
      rc = run_rc;
      goto done;
    }
    if(!give_pack(r, rules)) {
      rc = ICP_EXIT_NOTHING;
      goto done;
    }
    run_name(shown, sizeof(shown), inputs, ninputs, rules);
    ninputs = 0;
    if(!add_as(r, tmp, shown)) {
      rc = ICP_EXIT_NOTHING;
      goto done;
    }
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
  if(as_of)
    icp_report_set_as_of(r, as_of);
  else if(rules && !deals) {
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
  if(run_rc == ICP_EXIT_REVIEW)
    rc = ICP_EXIT_REVIEW;
  else if(run_rc == ICP_EXIT_PARTIAL) /* rows skipped: the page says less */
    rc = ICP_EXIT_PARTIAL;
done:
  if(*tmp)
    remove(tmp);
  icp_buf_free(&page);
  icp_report_free(r);
  free(pass);
  free(inputs);
  free(docs);
  return rc;
}
