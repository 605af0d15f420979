/* cmd_enrich.c -- `icp enrich`: fill in accounts from data providers and
 * write them out (DESIGN §6, §7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/file.h"
#include "cli/cli.h"
#include "data/account.h"
#include "data/columns.h"
#include "data/provenance.h"
#include "data/schema.h"
#include "data/value.h"
#include "io/acct_writer.h"
#include "io/reader.h"
#include "net/enrich.h"

#define BATCH 1024

static const char usage[] =
  "usage: icp enrich --providers CFG [--offline|--refresh|--dry-run] "
  "[--verbose]\n"
  "                  [--format csv|jsonl] [-o OUT] INPUT...\n"
  "\n"
  "Fills in accounts from the providers of CFG (providers.lua) and writes\n"
  "every field with its source. INPUT - is standard input.\n"
  "\n"
  "  --providers CFG   the providers config\n"
  "  --offline         use only the cache, make no request\n"
  "  --refresh         ignore cached answers (still writes them)\n"
  "  --dry-run         read the cache and print how many requests each\n"
  "                    provider would get (and their cost); send none,\n"
  "                    write no output\n"
  "  --verbose         print every failure as it happens (the summary\n"
  "                    gives counts by cause and the first domains)\n"
  "  --format F        format of inputs without an extension (csv|jsonl)\n"
  "  --columns FILE    map input headers to fields (Lua: columns { })\n"
  "  -o OUT            output file, CSV or JSONL by extension "
  "(default: JSONL on stdout)\n"
  "  --max-in-flight N transfers at once over all providers (default 64)\n"
  "\n"
  "Each output row carries the failures that concern it: enrich_errors\n"
  "(JSONL) or the enrich_errors column (CSV), beside _sources.\n"
  "\n"
  "Exit status: 0 ok, 1 usage or load error, 2 some rows skipped, some\n"
  "request failed after its retries or was skipped (circuit open,\n"
  "max_requests), --offline missed the cache, or the cache stopped\n"
  "working (the run went on without it); 3 nothing could be done.\n";

/* ---- the command -------------------------------------------------------- */

static int add_newlines(void *ctx, const char *p, size_t n)
{
  size_t *lines = ctx, i;
  for(i = 0; i < n; i++)
    *lines += p[i] == '\n';
  return 0;
}

/* Lines of a regular file (an estimate of its records, for progress; 0
 * when it cannot be read: the reader then says why). */
static size_t count_lines(const char *path)
{
  struct stat st;
  size_t lines = 0;
  if(!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode) ||
     icp_file_scan(path, add_newlines, &lines, NULL))
    return 0;
  return lines;
}

struct run {
  struct icp_schema *schema;
  struct icp_enrich *e;
  struct icp_acct_writer w;
  struct icp_provenance *prov;
  int dry_run;
  struct icp_account *accts[BATCH];
  size_t n;
  long read, skipped, written;
  int unmatched;             /* --columns mappings that fed nothing */
  int headerless;            /* a JSONL input was read */
};

static enum icp_status flush(struct run *r, struct icp_err *err)
{
  enum icp_status st;
  size_t i;
  if(!r->n)
    return ICP_OK;
  st = icp_enrich_batch(r->e, r->accts, r->n, err);
  if(!st && !r->dry_run)
    st = icp_acct_writer_write(&r->w, r->accts, r->n, err);
  if(!st)
    r->written += (long)r->n;
  for(i = 0; i < r->n; i++)
    icp_account_clear(r->accts[i]);
  r->n = 0;
  return st;
}

static void warn(void *ud, const char *msg)
{
  (void)ud;
  fprintf(stderr, "icp enrich: %s\n", msg);
}

/* The reader's notes (columns mapped, a mapping the header lacks). */
static void note(void *ud, const char *msg)
{
  (void)ud;
  fprintf(stderr, "%s\n", msg);
}

static int read_input(struct run *r, const char *path, const char *format,
                      int *fatal)
{
  struct icp_reader *rd;
  struct icp_err err = { "" };
  enum icp_status st;
  if(icp_reader_open(&rd, path, format, r->schema, &err)) {
    fprintf(stderr, "icp enrich: %s\n", err.msg);
    return -1;
  }
  icp_reader_set_warn(rd, warn, NULL);
  icp_reader_set_note(rd, note, NULL);
  for(;;) {
    st = icp_reader_next(rd, r->accts[r->n], &err);
    if(st == ICP_EOF)
      break;
    if(st == ICP_ESKIP) {
      fprintf(stderr, "icp enrich: %s\n", err.msg);
      r->skipped++;
      continue;
    }
    if(st) {
      fprintf(stderr, "icp enrich: %s\n", err.msg);
      *fatal = 1;
      break;
    }
    r->read++;
    if(icp_provenance_apply(r->prov, r->accts[r->n]) < 0) {
      fprintf(stderr, "icp enrich: %s:%ld: out of memory\n",
              r->accts[r->n]->file, r->accts[r->n]->line);
      *fatal = 1;
      break;
    }
    if(++r->n == BATCH && flush(r, &err)) {
      fprintf(stderr, "icp enrich: %s\n", err.msg);
      *fatal = 1;
      break;
    }
  }
  /* accounts keep a->file borrowed from the reader: finish them first */
  if(!*fatal && flush(r, &err)) {
    fprintf(stderr, "icp enrich: %s\n", err.msg);
    *fatal = 1;
  }
  r->unmatched += icp_reader_unmatched(rd);
  if(icp_reader_has_column(rd, 0) < 0)
    r->headerless = 1;
  icp_reader_close(rd);
  return 0;
}

int icp_cmd_enrich(int argc, char **argv)
{
  const char *providers = NULL, *outpath = NULL, *format = NULL, *v;
  const char **inputs;
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct icp_enrich_opts eo;
  struct run r;
  struct icp_err err = { "" };
  int i, ninputs = 0, code = ICP_EXIT_OK, fatal = 0, opened = 0;
  size_t total = 0, k;

  memset(&eo, 0, sizeof(eo));
  memset(&r, 0, sizeof(r));
  eo.progress = 1;
  inputs = calloc((size_t)argc + 1, sizeof(*inputs));
  if(!inputs)
    return icp_cli_nomem("enrich");
  for(i = 1; i < argc; i++) {
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      free(inputs);
      return ICP_EXIT_OK;
    }
    if(icp_cli_flag(argv, i, "--offline")) {
      eo.offline = 1;
      continue;
    }
    if(icp_cli_flag(argv, i, "--refresh")) {
      eo.refresh = 1;
      continue;
    }
    if(icp_cli_flag(argv, i, "--dry-run")) {
      eo.dry_run = 1;
      continue;
    }
    if(icp_cli_flag(argv, i, "--verbose")) {
      eo.verbose = 1;
      continue;
    }
    if(icp_cli_flag(argv, i, "--explain")) {
      eo.explain = 1;
      continue;
    }
    ICP_CLI_VAL("--providers", NULL, providers, goto usage_err);
    ICP_CLI_VAL("--output", "-o", outpath, goto usage_err);
    if((m = icp_cli_value(argc, argv, &i, "--format", NULL, &v))) {
      if(m < 0)
        goto usage_err;
      if(strcmp(v, "csv") && strcmp(v, "jsonl")) {
        free(inputs);
        return icp_cli_usage_error("enrich", "--format: csv or jsonl, "
                                   "not '%s'", v);
      }
      format = v;
      continue;
    }
    if((m = icp_cli_input_opt(argc, argv, &i, &in))) {
      if(m < 0)
        goto usage_err;
      if(in.keep) {
        free(inputs);
        return icp_cli_usage_error("enrich", "--keep: enrich writes every "
                                   "column already");
      }
      continue;
    }
    if((m = icp_cli_value(argc, argv, &i, "--max-in-flight", NULL, &v))) {
      double d;
      if(m < 0 || !icp_parse_number(v, strlen(v), &d) || d < 1 ||
         d > 1024) {
        free(inputs);
        return icp_cli_usage_error("enrich", "--max-in-flight: a number "
                                   "from 1 to 1024");
      }
      eo.max_in_flight = (int)d;
      continue;
    }
    if(argv[i][0] == '-' && argv[i][1]) {
      free(inputs);
      return icp_cli_usage_error("enrich", "unknown option '%s' (see icp "
                                 "enrich --help)", argv[i]);
    }
    inputs[ninputs++] = argv[i];
  }
  icp_cli_twice("enrich", inputs, ninputs);
  if(!providers || !ninputs) {
    free(inputs);
    fputs(usage, stderr);
    return ICP_EXIT_USAGE;
  }
  if(eo.offline + eo.refresh + eo.dry_run > 1) {
    free(inputs);
    return icp_cli_usage_error("enrich", "--offline, --refresh and "
                               "--dry-run exclude each other");
  }

  r.schema = icp_schema_new();
  if(!r.schema) {
    code = icp_cli_nomem("enrich");
    goto done;
  }
  if(icp_enrich_open(&r.e, providers, r.schema, &eo, &err)) {
    fprintf(stderr, "icp enrich: %s\n", err.msg);
    code = ICP_EXIT_USAGE;
    goto done;
  }
  if((code = icp_cli_input_setup("enrich", &in, r.schema)))
    goto done;
  for(i = 0; i < ninputs; i++) {
    size_t l = count_lines(inputs[i]);
    const char *dot = strrchr(inputs[i], '.');
    int csv = (format && !strcmp(format, "csv")) ||
              (dot && !strcmp(dot, ".csv"));
    total += l > 0 && csv ? l - 1 : l;
  }
  icp_enrich_set_total(r.e, total);
  for(k = 0; k < BATCH; k++) {
    r.accts[k] = icp_account_new(r.schema);
    if(!r.accts[k]) {
      code = icp_cli_nomem("enrich");
      goto done;
    }
  }
  r.prov = icp_provenance_new(r.schema, 0);
  if(!r.prov) {
    code = icp_cli_nomem("enrich");
    goto done;
  }
  r.dry_run = eo.dry_run;
  if(eo.dry_run)
    outpath = "/dev/null"; /* nothing is written */
  if(icp_acct_writer_open(&r.w, outpath, ICP_FMT_UNKNOWN, r.schema, &err)) {
    fprintf(stderr, "icp enrich: %s\n", err.msg);
    code = ICP_EXIT_USAGE;
    goto done;
  }
  r.w.no_source = icp_enrich_errors_field(r.e);
  r.w.warn = warn;
  for(i = 0; i < ninputs && !fatal; i++)
    if(read_input(&r, inputs[i], format, &fatal) == 0)
      opened++;
  if(icp_acct_writer_close(&r.w, &err)) {
    fprintf(stderr, "icp enrich: %s\n", err.msg);
    fatal = 1;
  }
  if(r.headerless && opened)
    r.unmatched += icp_columns_say_unused(icp_schema_columns(r.schema),
                                          r.schema, stderr);
  icp_enrich_summary(r.e, stderr);
  r.skipped += r.w.dropped;
  if(r.skipped)
    fprintf(stderr, "enrich: %ld rows skipped\n", r.skipped);
  if(!opened || (fatal && !r.written))
    code = ICP_EXIT_NOTHING;
  else if(fatal || r.skipped || opened < ninputs || r.unmatched ||
          icp_enrich_failures(r.e) || icp_enrich_refused(r.e))
    code = ICP_EXIT_PARTIAL;
done:
  icp_provenance_free(r.prov);
  icp_enrich_close(r.e);
  for(k = 0; k < BATCH; k++)
    icp_account_free(r.accts[k]);
  /* frees what an early exit left; after the close above it only frees */
  (void)icp_acct_writer_close(&r.w, &err);
  icp_schema_free(r.schema);
  icp_cli_input_free(&in);
  free(inputs);
  return code;

usage_err:
  free(inputs);
  return ICP_EXIT_USAGE;
}
