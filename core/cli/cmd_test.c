/* cmd_test.c -- icp test: pack test cases, rule coverage, golden files. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "data/value.h"
#include "rules/rules.h"
#include "score/cases.h"
#include "score/golden.h"

static const char usage[] =
  "usage: icp test PATH... [--min-coverage 0.9] [--as-of DATE] [--verbose]\n"
  "       icp test --golden FILE --data INPUT... [--rules PACK] [--update]\n"
  "                [--tolerance 1e-6] [--as-of DATE] [--columns FILE]\n"
  "\n"
  "Runs every case of every *_test.lua found in PATH (files or\n"
  "directories, searched recursively; a pack x.lua means x_test.lua). A\n"
  "test file x_test.lua tests the pack x.lua beside it unless it says\n"
  "pack = \"other.lua\". Each failure shows the case, its file and line,\n"
  "expected versus actual, and why. After the cases, a coverage line per\n"
  "pack lists the rules no case made fire or not fire; --min-coverage\n"
  "fails the run when the share of rules covered both ways is lower.\n"
  "\n"
  "--golden compares scoring INPUT with a stored scored file (JSONL from\n"
  "icp score) and lists every account whose tier, route or score changed,\n"
  "with the rules whose outcome changed; --update rewrites FILE. The pack\n"
  "is --rules, or the PATH given. Use --as-of so snapshots stay stable.\n"
  "\n"
  "The run ends with the line 'N passed, N failed'.\n"
  "exit status: 0 all passed, 1 a case failed or usage error, 3 nothing\n"
  "could be run.\n";

struct files {
  char **p;
  int n;
  size_t cap;
};

static int add_file(struct files *f, const char *path)
{
  size_t n = strlen(path);
  if(icp_grow(f->p, f->cap, (size_t)f->n + 1))
    return -1;
  f->p[f->n] = malloc(n + 1);
  if(!f->p[f->n])
    return -1;
  memcpy(f->p[f->n], path, n + 1);
  f->n++;
  return 0;
}

static int ends_with(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && !strcmp(s + n - m, suf);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct files *f, const char *dir, int depth)
{
  DIR *d;
  struct dirent *e;
  struct files here = { NULL, 0, 0 };
  int i, rc = 0;
  if(depth > 16)
    return 0;
  d = opendir(dir);
  if(!d)
    return -1;
  while((e = readdir(d))) {
    char path[4096];
    if(icp_cases_dir_entry(dir, e->d_name, path, sizeof(path)) &&
       add_file(&here, path))
      rc = -1;
  }
  closedir(d);
  qsort(here.p, (size_t)here.n, sizeof(char *), cmp_str);
  for(i = 0; i < here.n; i++) {
    struct stat st;
    if(!stat(here.p[i], &st) && S_ISDIR(st.st_mode))
      walk(f, here.p[i], depth + 1);
    else if(add_file(f, here.p[i]))
      rc = -1;
    free(here.p[i]);
  }
  free(here.p);
  return rc;
}

static int run_golden(const char *golden, const char **data, int ndata,
                      const char *rules, const char *format, int update,
                      double tol, int32_t day, int has_day,
                      struct icp_cli_input *in)
{
  struct icp_schema *schema = icp_schema_new();
  struct icp_pack *pack = schema ? icp_pack_new(schema, NULL) : NULL;
  struct icp_golden_opts go;
  struct icp_golden_stats st;
  struct icp_err err;
  int rc = ICP_EXIT_OK, k;
  if(!pack) {
    icp_schema_free(schema);
    return ICP_EXIT_NOTHING;
  }
  if(icp_pack_load_file(pack, rules, &err)) {
    for(k = 0; k < icp_pack_ndiags(pack); k++)
      fprintf(stderr, "%s\n", icp_pack_diag(pack, k));
    if(!icp_pack_ndiags(pack))
      fprintf(stderr, "icp test: %s\n", err.msg);
    printf("0 passed, 1 failed\n");
    icp_pack_free(pack);
    icp_schema_free(schema);
    return ICP_EXIT_USAGE;
  }
  if(has_day)
    icp_pack_set_as_of(pack, day);
  if((rc = icp_cli_input_setup("test", in, schema))) {
    printf("0 passed, 1 failed\n");
    icp_pack_free(pack);
    icp_schema_free(schema);
    return rc;
  }
  icp_schema_restrict(schema, 1); /* only the columns rules read */
  memset(&go, 0, sizeof(go));
  go.tolerance = tol;
  go.out = stdout;
  go.update = update;
  go.format = format;
  printf("golden %s: scoring with %s\n", golden, rules);
  if(icp_golden_run(golden, data, ndata, pack, schema, &go, &st, &err)) {
    fprintf(stderr, "icp test: %s\n", err.msg);
    printf("0 passed, 1 failed\n");
    rc = ICP_EXIT_NOTHING;
  }
  else if(update) {
    printf("golden %s: rewritten with %ld accounts (%ld had changed, %ld "
           "new, %ld gone)\n", golden, st.run.scored, st.changed, st.added,
           st.removed);
    printf("1 passed, 0 failed\n");
  }
  else {
    long bad = st.changed + st.added + st.removed;
    printf("golden %s: %ld accounts compared, %ld changed, %ld new, %ld "
           "gone\n", golden, st.compared, st.changed, st.added, st.removed);
    printf("%d passed, %d failed\n", bad ? 0 : 1, bad ? 1 : 0);
    rc = bad ? ICP_EXIT_USAGE : ICP_EXIT_OK;
  }
  icp_pack_free(pack);
  icp_schema_free(schema);
  return rc;
}

int icp_cmd_test(int argc, char **argv)
{
  const char *golden = NULL, *rules = NULL, *as_of = NULL, *format = NULL;
  const char *min_cov = NULL, *tol_s = NULL;
  const char **data = calloc((size_t)argc + 1, sizeof(char *));
  struct files files = { NULL, 0, 0 };
  const char **paths = calloc((size_t)argc + 1, sizeof(char *));
  int npaths = 0, ndata = 0, update = 0, verbose = 0, i, rc = ICP_EXIT_OK;
  int in_data = 0;
  double mincov = 0, tol = 1e-6;
  int32_t day = icp_today();
  struct icp_case_opts co;
  struct icp_case_stats cs;
  struct icp_cli_input in = { NULL, NULL, NULL };

  if(!data || !paths) {
    free(data);
    free(paths);
    return ICP_EXIT_NOTHING;
  }
  for(i = 1; i < argc; i++) {
    const char *v;
    int m;
    if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage, stdout);
      goto out;
    }
#define VAL(name, var) \
  ICP_CLI_THEN(icp_cli_value(argc, argv, &i, name, NULL, &v), \
               ICP_CLI_USAGE_OUT, (var = v, in_data = 0))
    VAL("--golden", golden);
    VAL("--rules", rules);
    VAL("--as-of", as_of);
    VAL("--format", format);
    VAL("--min-coverage", min_cov);
    VAL("--tolerance", tol_s);
#undef VAL
    ICP_CLI_THEN(icp_cli_input_opt(argc, argv, &i, &in), ICP_CLI_USAGE_OUT,
                 in_data = 0);
    ICP_CLI_THEN(icp_cli_value(argc, argv, &i, "--data", NULL, &v),
                 ICP_CLI_USAGE_OUT, (data[ndata++] = v, in_data = 1));
    if(icp_cli_flag(argv, i, "--update"))
      update = 1;
    else if(icp_cli_flag(argv, i, "--verbose") || icp_cli_flag(argv, i, "-v"))
      verbose = 1;
    else if(argv[i][0] == '-' && argv[i][1]) {
      rc = icp_cli_usage_error("test", "unknown option %s", argv[i]);
      goto out;
    }
    else if(in_data)
      data[ndata++] = argv[i];
    else
      paths[npaths++] = argv[i];
  }
  if(as_of && !icp_cli_date("--as-of", as_of, &day)) {
    rc = ICP_EXIT_USAGE;
    goto out;
  }
  if(min_cov) {
    char *end;
    mincov = strtod(min_cov, &end);
    if(*end || !(mincov >= 0 && mincov <= 1)) {
      rc = icp_cli_usage_error("test", "--min-coverage is a share in "
                               "[0, 1]");
      goto out;
    }
  }
  if(tol_s) {
    char *end;
    tol = strtod(tol_s, &end);
    if(*end || !(tol >= 0)) {
      rc = icp_cli_usage_error("test", "--tolerance is a number >= 0");
      goto out;
    }
  }
  if(golden) {
    if(!ndata) {
      rc = icp_cli_usage_error("test", "--golden needs --data INPUT");
      goto out;
    }
    if(!rules && npaths == 1 && ends_with(paths[0], ".lua"))
      rules = paths[0];
    if(!rules) {
      rc = icp_cli_usage_error("test", "--golden needs the pack: --rules "
                               "PACK");
      goto out;
    }
    rc = run_golden(golden, data, ndata, rules, format, update, tol, day,
                    as_of != NULL, &in);
    goto out;
  }
  if(!npaths) {
    rc = icp_cli_usage_error("test", "no PATH given");
    goto out;
  }
  for(i = 0; i < npaths; i++) {
    struct stat st;
    if(stat(paths[i], &st)) {
      fprintf(stderr, "icp test: %s: no such file or directory\n",
              paths[i]);
      rc = ICP_EXIT_NOTHING;
      goto out;
    }
    if(S_ISDIR(st.st_mode))
      walk(&files, paths[i], 0);
    else if(ends_with(paths[i], "_test.lua"))
      add_file(&files, paths[i]);
    else if(ends_with(paths[i], ".lua")) {
      char t[4096];
      snprintf(t, sizeof(t), "%.*s_test.lua", (int)strlen(paths[i]) - 4,
               paths[i]);
      add_file(&files, t);
    }
    else
      add_file(&files, paths[i]);
  }
  if(!files.n) {
    fprintf(stderr, "icp test: no *_test.lua found\n");
    printf("0 passed, 0 failed\n");
    rc = ICP_EXIT_NOTHING;
    goto out;
  }
  memset(&co, 0, sizeof(co));
  memset(&cs, 0, sizeof(cs));
  co.as_of = day;
  co.out = stdout;
  co.verbose = verbose;
  cs.min_share = 1;
  for(i = 0; i < files.n; i++) {
    struct icp_err err;
    if(icp_cases_run_file(files.p[i], &co, &cs, &err)) {
      fprintf(stderr, "icp test: %s\n", err.msg);
      rc = ICP_EXIT_NOTHING;
      goto out;
    }
  }
  if(min_cov && cs.min_share < mincov) {
    printf("rule coverage %.0f%% is below --min-coverage %.0f%%\n",
           cs.min_share * 100, mincov * 100);
    cs.failed++;
  }
  printf("%d passed, %d failed\n", cs.passed, cs.failed);
  rc = cs.failed ? ICP_EXIT_USAGE : ICP_EXIT_OK;
out:
  for(i = 0; i < files.n; i++)
    free(files.p[i]);
  free(files.p);
  free(data);
  free(paths);
  icp_cli_input_free(&in);
  return rc;
}
