/* cmd_diff.c -- icp diff: what a pack change does to the accounts. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/parallel.h"
#include "data/value.h"
#include "io/out.h"
#include "rules/rules.h"
#include "score/diff.h"

static const char usage[] =
  "usage: icp diff --old PACK --new PACK [options] INPUT...\n"
  "\n"
  "Scores INPUT with both packs in one pass and prints the tier migration\n"
  "matrix (rows old tier, columns new tier), the grade migration matrix\n"
  "beside it when a pack has a grade block, the number of changed routes,\n"
  "the score shift distribution (mean, p10/p50/p90) and the top movers\n"
  "with the rules responsible.\n"
  "\n"
  "options:\n"
  "  --old PACK          the current pack (required)\n"
  "  --new PACK          the proposed pack (required)\n"
  "  --as-of DATE        YYYY-MM-DD that dates count from (default today)\n"
  "  --top N             movers to show (default 20)\n"
  "  --json FILE         also write the result as one JSON document\n"
  "                      (matrix, grade_matrix, changed_routes,\n"
  "                      score_shift, movers); -\n"
  "                      for stdout instead of the table\n"
  "  --format csv|jsonl  format of INPUT when its name does not tell\n"
  "  --columns FILE      map input headers to fields (Lua: columns { })\n"
  "  --strict            stop at the first bad record\n"
  "%s"
  "\n"
  "exit status: 0 ok, 1 usage or load error, 2 some rows skipped, 3\n"
  "nothing could be done.\n";

static struct icp_pack *load(struct icp_schema *schema, const char *path,
                             int has_day, int32_t day)
{
  struct icp_pack *p = icp_pack_new(schema, NULL);
  struct icp_err err;
  int k;
  if(!p) {
    fprintf(stderr, "icp diff: %s: out of memory\n", path);
    return NULL;
  }
  if(icp_pack_load_file(p, path, &err)) {
    for(k = 0; k < icp_pack_ndiags(p); k++)
      fprintf(stderr, "%s\n", icp_pack_diag(p, k));
    if(!icp_pack_ndiags(p))
      fprintf(stderr, "icp diff: %s\n", err.msg);
    icp_pack_free(p);
    return NULL;
  }
  if(has_day)
    icp_pack_set_as_of(p, day);
  return p;
}

int icp_cmd_diff(int argc, char **argv)
{
  const char *old_p = NULL, *new_p = NULL, *as_of = NULL, *json = NULL;
  const char *format = NULL, *top_s = "20";
  const char **inputs = calloc((size_t)argc + 1, sizeof(char *));
  int ninputs = 0, strict = 0, i, rc = ICP_EXIT_OK;
  struct icp_schema *schema = NULL;
  struct icp_pack *packs[2] = { NULL, NULL };
  struct icp_cli_input in = { NULL, NULL, NULL };
  struct icp_diff *d = NULL;
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_progress prog;
  struct icp_err err;
  struct icp_par par;
  int32_t day = 0;
  long top;
  char *end;

  if(!inputs)
    return ICP_EXIT_NOTHING;
  memset(&par, 0, sizeof(par));
  memset(&ro, 0, sizeof(ro));
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf(usage, icp_par_usage);
      goto out;
    }
    ICP_CLI_STEP(icp_par_option(argc, argv, &i, &par), ICP_CLI_USAGE_OUT);
#define VAL(name, var) ICP_CLI_VAL(name, NULL, var, ICP_CLI_USAGE_OUT)
    VAL("--old", old_p);
    VAL("--new", new_p);
    VAL("--as-of", as_of);
    VAL("--json", json);
    VAL("--format", format);
    VAL("--top", top_s);
#undef VAL
    ICP_CLI_STEP(icp_cli_input_opt(argc, argv, &i, &in), ICP_CLI_USAGE_OUT);
    if(icp_cli_flag(argv, i, "--strict"))
      strict = 1;
    else if(argv[i][0] == '-' && argv[i][1]) {
      rc = icp_cli_usage_error("diff", "unknown option %s", argv[i]);
      goto out;
    }
    else
      inputs[ninputs++] = argv[i];
  }
  if(!old_p || !new_p) {
    rc = icp_cli_usage_error("diff", "--old PACK and --new PACK are "
                             "required");
    goto out;
  }
  icp_cli_twice("diff", inputs, ninputs);
  if(!ninputs) {
    rc = icp_cli_usage_error("diff", "no INPUT given (use - for stdin)");
    goto out;
  }
  if((rc = icp_par_apply("diff", &par, &ro)))
    goto out;
  top = strtol(top_s, &end, 10);
  if(*end || top < 1 || top > 100000) {
    rc = icp_cli_usage_error("diff", "--top takes 1 to 100000");
    goto out;
  }
  if(as_of && !icp_cli_date("--as-of", as_of, &day)) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  schema = icp_schema_new();
  if(!schema) {
    rc = icp_cli_nomem("diff");
    goto out;
  }
  /* both, so that each one's errors are said (each names its file) */
  packs[0] = load(schema, old_p, as_of != NULL, day);
  packs[1] = load(schema, new_p, as_of != NULL, day);
  if(!packs[0] || !packs[1]) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if((rc = icp_cli_input_setup("diff", &in, schema)))
    goto out;
  icp_schema_restrict(schema, 1); /* only the columns rules read */
  d = icp_diff_new(packs[0], packs[1], (int)top);
  if(!d) {
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  ro.format = format;
  ro.strict = strict;
  icp_progress_init(&prog, "compared");
  ro.progress = icp_progress_cb;
  ro.progress_ud = &prog;
  if(icp_run(inputs, ninputs, packs, 2, schema, &ro, icp_diff_add, d, &st,
             &err)) {
    fprintf(stderr, "icp diff: %s\n", err.msg);
    rc = st.scored ? ICP_EXIT_PARTIAL : ICP_EXIT_NOTHING;
    goto out;
  }
  if(!json || strcmp(json, "-"))
    icp_diff_print(d, stdout);
  if(json) {
    struct icp_buf b;
    struct icp_out o;
    icp_buf_init(&b, (size_t)256 << 20);
    if(icp_diff_json(d, &b) ||
       icp_out_open(&o, json, ICP_FMT_JSONL, &err) ||
       icp_out_write(&o, b.p, b.len, &err) || icp_out_close(&o, &err)) {
      fprintf(stderr, "icp diff: %s\n", err.msg);
      rc = ICP_EXIT_NOTHING;
    }
    icp_buf_free(&b);
  }
  if(!rc && st.skipped)
    rc = ICP_EXIT_PARTIAL;
out:
  icp_diff_free(d);
  icp_pack_free(packs[0]);
  icp_pack_free(packs[1]);
  icp_schema_free(schema);
  icp_cli_input_free(&in);
  free(inputs);
  return rc;
}
