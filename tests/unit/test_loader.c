/* test_loader.c -- the providers config sandbox and the enricher loader:
 * tiny plugins (good and bad) are compiled from C strings into a temp
 * directory put on ICP_ENRICHER_PATH. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/enrich.h"
#include "net/loader.h"
#include "net/providers.h"

static char dir[64];

static void setup(void)
{
  snprintf(dir, sizeof(dir), "/tmp/icp_loader_XXXXXX");
  cr_assert(mkdtemp(dir));
  setenv("ICP_ENRICHER_PATH", dir, 1);
  setenv("TEST_API_KEY", "sk_test_very_secret_42", 1);
  unsetenv("TEST_MISSING_KEY");
}

static void teardown(void)
{
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

TestSuite(loader, .init = setup, .fini = teardown, .timeout = 60);

/* A plugin: ABI, the open function's body, init's body. */
static const char plugin_src[] =
  "#include <string.h>\n"
  "#include \"icp_enricher.h\"\n"
  "static const char *const fields[] = { \"employees\", NULL };\n"
  "static const struct icp_enr_config_key keys[] = {\n"
  "  { \"api_key\", ICP_ENR_CFG_STRING, 1, 1 },\n"
  "  { \"level\", ICP_ENR_CFG_NUMBER, 0, 0 },\n"
  "  { NULL, 0, 0, 0 } };\n"
  "static int init(const struct icp_host *h, const struct icp_enr_config *c,"
  " void **st, char *e, size_t n) {\n"
  "  (void)h; (void)c; *st = NULL; %s }\n"
  "static int req(void *s, const struct icp_enr_account *a,"
  " struct icp_enr_request *r) { (void)s; (void)a; (void)r; return 1; }\n"
  "static int parse(void *s, const struct icp_enr_account *a, long st,"
  " const struct icp_enr_headers *h, const char *b, size_t l,"
  " struct icp_enr_output *o) {\n"
  "  (void)s; (void)a; (void)st; (void)h; (void)b; (void)l; (void)o;"
  " return 1; }\n"
  "static void fini(void *s) { (void)s; }\n"
  "static const struct icp_enricher d = { %s, sizeof(struct icp_enricher),"
  " \"t\", \"1\", ICP_ENR_KIND_FIRMOGRAPHIC, fields, keys, init, req,"
  " parse, fini, NULL };\n"
  "const struct icp_enricher *%s(const struct icp_host *h, uint32_t a) {\n"
  "  (void)h; (void)a; return &d; }\n";

/* Writes text as <dir>/<name>.c and compiles it to <dir>/<name>.so. */
static void compile_plugin(const char *name, const char *text)
{
  char src[256], cmd[1024];
  FILE *f;
  snprintf(src, sizeof(src), "%s/%s.c", dir, name);
  f = fopen(src, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  snprintf(cmd, sizeof(cmd), "cc -std=c11 -shared -fPIC -Icore -o %s/%s.so "
           "%s", dir, name, src);
  cr_assert_eq(system(cmd), 0, "cannot build plugin %s", name);
}

static void build(const char *name, const char *init_body, const char *abi,
                  const char *symbol)
{
  char text[4096];
  snprintf(text, sizeof(text), plugin_src, init_body, abi, symbol);
  compile_plugin(name, text);
}

static void good(const char *name)
{
  build(name, "(void)e; (void)n; return 0;", "ICP_ENRICHER_ABI",
        "icp_enricher_open");
}

static const char *write_cfg(const char *text)
{
  static char path[128];
  FILE *f;
  snprintf(path, sizeof(path), "%s/providers.lua", dir);
  f = fopen(path, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
  return path;
}

/* Loads cfg and its first provider's plugin; returns the status and the
 * message in err. */
static enum icp_status load_first(const char *cfg, struct icp_err *err)
{
  struct icp_providers *pv;
  struct icp_schema *s = icp_schema_new();
  struct icp_plugin pl;
  enum icp_status st = icp_providers_load(&pv, write_cfg(cfg), err);
  if(!st) {
    st = icp_plugin_load(&pl, &pv->p[0], s, err);
    if(!st)
      icp_plugin_unload(&pl);
    icp_providers_free(pv);
  }
  icp_schema_free(s);
  return st;
}

/* ---- the plugin checks -------------------------------------------------- */

Test(loader, a_good_plugin_loads_and_says_what_it_provides)
{
  struct icp_providers *pv;
  struct icp_schema *s = icp_schema_new();
  struct icp_plugin pl;
  struct icp_err err = { "" };
  good("okp");
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"p\" { enricher = \"okp\", api_key = env \"TEST_API_KEY\","
    " level = 3 }\n"), &err), ICP_OK, "%s", err.msg);
  cr_assert_eq(icp_plugin_load(&pl, &pv->p[0], s, &err), ICP_OK, "%s",
               err.msg);
  cr_assert_eq(pl.nfields, 1);
  cr_assert_eq(pl.fields[0], ICP_F_EMPLOYEES);
  cr_assert_eq(pl.kind, ICP_ENR_KIND_FIRMOGRAPHIC);
  icp_plugin_unload(&pl);
  icp_providers_free(pv);
  icp_schema_free(s);
}

Test(loader, a_wrong_abi_is_refused_with_the_provider_name)
{
  struct icp_err err = { "" };
  build("oldabi", "(void)e; (void)n; return 0;", "99", "icp_enricher_open");
  cr_assert_eq(load_first("provider \"p1\" { enricher = \"oldabi\", "
                          "api_key = env \"TEST_API_KEY\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "provider 'p1'"), "%s", err.msg);
  cr_assert(strstr(err.msg, "ABI 99"), "%s", err.msg);
}

Test(loader, a_missing_entry_symbol_is_refused)
{
  struct icp_err err = { "" };
  build("nosym", "(void)e; (void)n; return 0;", "ICP_ENRICHER_ABI",
        "something_else");
  cr_assert_eq(load_first("provider \"p2\" { enricher = \"nosym\", "
                          "api_key = env \"TEST_API_KEY\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "provider 'p2'"), "%s", err.msg);
  cr_assert(strstr(err.msg, "no symbol icp_enricher_open"), "%s", err.msg);
}

Test(loader, a_failing_init_is_refused_with_its_reason_redacted)
{
  struct icp_err err = { "" };
  build("badinit", "snprintf(e, n, \"quota gone for sk_test_very_secret_42\");"
        " return 1;", "ICP_ENRICHER_ABI", "icp_enricher_open");
  cr_assert_eq(load_first("provider \"p3\" { enricher = \"badinit\", "
                          "api_key = env \"TEST_API_KEY\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "provider 'p3': init failed: quota gone"), "%s",
            err.msg);
  cr_assert_null(strstr(err.msg, "very_secret"), "%s", err.msg);
}

Test(loader, an_unknown_config_key_is_refused_with_file_and_line)
{
  struct icp_err err = { "" };
  good("okp");
  cr_assert_eq(load_first("\n\nprovider \"p4\" { enricher = \"okp\", "
                          "api_key = env \"TEST_API_KEY\", colour = 1 }",
                          &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:3: provider 'p4': unknown key "
                   "'colour'"), "%s", err.msg);
}

Test(loader, a_missing_required_key_or_a_wrong_type_is_refused)
{
  struct icp_err err = { "" };
  good("okp");
  cr_assert_eq(load_first("provider \"p5\" { enricher = \"okp\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "missing required key 'api_key'"), "%s",
            err.msg);
  cr_assert_eq(load_first("provider \"p6\" { enricher = \"okp\", api_key = "
                          "env \"TEST_API_KEY\", level = \"high\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "'level' must be a number"), "%s", err.msg);
}

Test(loader, a_secret_written_in_the_file_is_refused)
{
  struct icp_err err = { "" };
  good("okp");
  cr_assert_eq(load_first("provider \"p7\" { enricher = \"okp\", "
                          "api_key = \"sk_literal_key_123\" }", &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "env \"NAME\""), "%s", err.msg);
  cr_assert_null(strstr(err.msg, "sk_literal"), "%s", err.msg);
}

Test(loader, an_enricher_that_does_not_exist_is_refused)
{
  struct icp_err err = { "" };
  cr_assert_eq(load_first("provider \"p8\" { enricher = \"nothere\" }",
                          &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "provider 'p8': enricher 'nothere' not found"),
            "%s", err.msg);
}

Test(loader, a_refused_provider_does_not_stop_the_others)
{
  struct icp_enrich *e;
  struct icp_schema *s = icp_schema_new();
  struct icp_enrich_opts o = { .max_in_flight = 4 };
  struct icp_err err = { "" };
  char cfg[512];
  good("okp");
  build("oldabi", "(void)e; (void)n; return 0;", "99", "icp_enricher_open");
  snprintf(cfg, sizeof(cfg),
           "provider \"bad\" { enricher = \"oldabi\", api_key = env "
           "\"TEST_API_KEY\" }\n"
           "provider \"fine\" { enricher = \"okp\", api_key = env "
           "\"TEST_API_KEY\" }\n"
           "enrich { firmographic = { \"bad\", \"fine\" } }\n"
           "cache { path = \"%s/c.sqlite\" }\n", dir);
  cr_assert_eq(icp_enrich_open(&e, write_cfg(cfg), s, &o, &err), ICP_OK,
               "%s", err.msg);
  cr_assert_eq(icp_enrich_refused(e), 1);
  icp_enrich_close(e);
  icp_schema_free(s);
}

/* ---- config keys of another size --------------------------------------- */

/* A plugin whose config keys are a struct of its own, as a plugin built
 * with an older or newer icp_enricher.h declares them: the struct's
 * fields after (name, type, required, secret), the initialiser of those
 * fields, the descriptor's size and its config_key_size. */
static const char keysize_src[] =
  "#include <stddef.h>\n"
  "#include \"icp_enricher.h\"\n"
  "struct key { const char *name; int type, required, secret; %s };\n"
  "static const char *const fields[] = { \"employees\", NULL };\n"
  "static const struct key keys[] = {\n"
  "  { \"api_key\", ICP_ENR_CFG_STRING, 1, 1 %s },\n"
  "  { \"level\", ICP_ENR_CFG_NUMBER, 0, 0 %s },\n"
  "  { NULL, 0, 0, 0 %s } };\n"
  "static int init(const struct icp_host *h, const struct icp_enr_config *c,"
  " void **st, char *e, size_t n) {\n"
  "  (void)h; (void)c; (void)e; (void)n; *st = NULL; return 0; }\n"
  "static int req(void *s, const struct icp_enr_account *a,"
  " struct icp_enr_request *r) { (void)s; (void)a; (void)r; return 1; }\n"
  "static int parse(void *s, const struct icp_enr_account *a, long st,"
  " const struct icp_enr_headers *h, const char *b, size_t l,"
  " struct icp_enr_output *o) {\n"
  "  (void)s; (void)a; (void)st; (void)h; (void)b; (void)l; (void)o;"
  " return 1; }\n"
  "static void fini(void *s) { (void)s; }\n"
  "static const struct icp_enricher d = { .abi = ICP_ENRICHER_ABI,\n"
  "  .size = %s, .name = \"t\", .version = \"1\",\n"
  "  .kind = ICP_ENR_KIND_FIRMOGRAPHIC, .fields = fields,\n"
  "  .config = (const struct icp_enr_config_key *)(const void *)keys,\n"
  "  .init = init, .request = req, .parse = parse, .fini = fini,\n"
  "  .config_key_size = %s };\n"
  "const struct icp_enricher *icp_enricher_open(const struct icp_host *h,"
  " uint32_t a) { (void)h; (void)a; return &d; }\n";

static void build_keys(const char *name, const char *more_fields,
                       const char *more_init, const char *desc_size,
                       const char *key_size)
{
  char text[6144];
  snprintf(text, sizeof(text), keysize_src, more_fields, more_init,
           more_init, more_init, desc_size, key_size);
  compile_plugin(name, text);
}

/* Every key of the plugin is read right: the second key's name, type and
 * the first's required and secret flags all come from the right bytes. */
static void keys_are_read_right(const char *enricher)
{
  struct icp_err err = { "" };
  char cfg[256];
  snprintf(cfg, sizeof(cfg), "provider \"k\" { enricher = \"%s\", "
           "api_key = env \"TEST_API_KEY\", level = 3 }", enricher);
  cr_assert_eq(load_first(cfg, &err), ICP_OK, "%s: %s", enricher, err.msg);
  snprintf(cfg, sizeof(cfg), "provider \"k\" { enricher = \"%s\", "
           "api_key = env \"TEST_API_KEY\", levle = 3 }", enricher);
  cr_assert_eq(load_first(cfg, &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "unknown key 'levle'") &&
            strstr(err.msg, "did you mean 'level'"), "%s", err.msg);
  snprintf(cfg, sizeof(cfg), "provider \"k\" { enricher = \"%s\", "
           "api_key = env \"TEST_API_KEY\", level = \"high\" }", enricher);
  cr_assert_eq(load_first(cfg, &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "'level' must be a number"), "%s", err.msg);
  snprintf(cfg, sizeof(cfg), "provider \"k\" { enricher = \"%s\", "
           "level = 3 }", enricher);
  cr_assert_eq(load_first(cfg, &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "missing required key 'api_key'"), "%s",
            err.msg);
  snprintf(cfg, sizeof(cfg), "provider \"k\" { enricher = \"%s\", "
           "api_key = \"sk_literal_key_123\" }", enricher);
  cr_assert_eq(load_first(cfg, &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "is a secret"), "%s", err.msg);
}

Test(loader, keys_of_a_larger_struct_are_read_at_the_plugins_size)
{
  /* a plugin built with a key struct that grew two fields */
  build_keys("bigkeys", "const char *help; double weight;",
             ", \"what it is\", 2.5", "sizeof(struct icp_enricher)",
             "sizeof(struct key)");
  keys_are_read_right("bigkeys");
}

Test(loader, a_descriptor_older_than_config_key_size_reads_abi1_keys)
{
  /* the descriptor's size stops before config_key_size: the junk the
   * field holds is never read */
  build_keys("oldkeys", "", "",
             "offsetof(struct icp_enricher, config_key_size)", "3");
  keys_are_read_right("oldkeys");
  /* and 0 means ABI 1's key too */
  build_keys("zerokeys", "", "", "sizeof(struct icp_enricher)", "0");
  keys_are_read_right("zerokeys");
}

Test(loader, a_config_key_size_that_cannot_be_is_refused)
{
  static const char *const sizes[] = { "12", "41", "1000000" };
  size_t i;
  for(i = 0; i < 3; i++) {
    struct icp_err err = { "" };
    char want[64];
    build_keys("badkeys", "", "", "sizeof(struct icp_enricher)", sizes[i]);
    cr_assert_eq(load_first("provider \"b\" { enricher = \"badkeys\", "
                            "api_key = env \"TEST_API_KEY\" }", &err),
                 ICP_ELOAD, "size %s", sizes[i]);
    snprintf(want, sizeof(want), "config keys of %s bytes", sizes[i]);
    cr_assert(strstr(err.msg, "provider 'b': enricher 'badkeys'") &&
              strstr(err.msg, want), "%s", err.msg);
  }
}

/* ---- the config sandbox ------------------------------------------------- */

Test(loader, config_reads_providers_chains_and_cache)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  const struct icp_cfg_entry *h;
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { enricher = \"http_json\", timeout_ms = 1500,\n"
    "  max_rps = 5, ttl_days = 7, overwrite = true,\n"
    "  headers = { ['X-Key'] = env \"TEST_API_KEY\", Accept = 'json' },\n"
    "  not_found = { 404, 410 } }\n"
    "enrich { firmographic = { \"a\" } }\n"
    "cache { path = \"x.sqlite\" }\n"), &err), ICP_OK, "%s", err.msg);
  cr_assert_eq(pv->np, 1);
  cr_assert_eq(pv->p[0].lim.timeout_ms, 1500);
  cr_assert_float_eq(pv->p[0].lim.max_rps, 5, 1e-9);
  cr_assert_float_eq(pv->p[0].ttl_days, 7, 1e-9);
  cr_assert(pv->p[0].overwrite);
  cr_assert_str_eq(pv->cache_path, "x.sqlite");
  h = icp_cfg_find(&pv->p[0], "headers");
  cr_assert(h && h->v.type == ICP_CFG_MAP && h->v.n == 2);
  cr_assert_str_eq(h->v.keys[0], "Accept"); /* sorted by bytes */
  h = icp_cfg_find(&pv->p[0], "not_found");
  cr_assert(h && h->v.type == ICP_CFG_LIST && h->v.n == 2);
  cr_assert_str_eq(h->v.items[1], "410");
  cr_assert_null(icp_cfg_find(&pv->p[0], "timeout_ms"));
  cr_assert_eq(pv->redact.n, 1);
  icp_providers_free(pv);
}

Test(loader, a_missing_env_variable_is_named_never_a_value)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "local k = env \"TEST_API_KEY\"\n"
    "provider \"a\" { api_key = env \"TEST_MISSING_KEY\" }\n"), &err),
    ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:2: environment variable "
                   "TEST_MISSING_KEY is not set"), "%s", err.msg);
}

Test(loader, config_errors_name_the_file_and_line_and_redact)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { }\nerror('boom ' .. env 'TEST_API_KEY')\n"), &err),
    ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:2: boom [redacted]"), "%s",
            err.msg);
  cr_assert_eq(icp_providers_load(&pv, write_cfg("provider \"a\" {\n"),
                                  &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:"), "%s", err.msg);
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { }\nenrich { firmographic = { \"b\" } }\n"), &err),
    ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:2: enrich: 'b' names no "
                   "provider"), "%s", err.msg);
}

Test(loader, the_sandbox_has_no_io_os_require_or_load)
{
  static const char *const bad[] = {
    "os.exit(1)", "io.open('/etc/passwd')", "require 'x'",
    "load('return 1')()", "dofile('/etc/passwd')", "debug.getinfo(1)",
    "string.dump(print)", "collectgarbage()", "string.rep('', 1e18, 'x')",
    NULL
  };
  size_t i;
  for(i = 0; bad[i]; i++) {
    struct icp_providers *pv;
    struct icp_err err = { "" };
    char text[256];
    snprintf(text, sizeof(text), "provider \"a\" { }\n%s\n", bad[i]);
    cr_assert_eq(icp_providers_load(&pv, write_cfg(text), &err), ICP_ELOAD,
                 "%s was allowed", bad[i]);
    cr_assert(strstr(err.msg, "providers.lua:"), "%s", err.msg);
  }
}

Test(loader, bytecode_is_refused)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  cr_assert_eq(icp_providers_load(&pv, write_cfg("\x1bLua\x54\x00"), &err),
               ICP_ELOAD);
  cr_assert(strstr(err.msg, "binary chunk"), "%s", err.msg);
}

Test(loader, instruction_and_memory_limits_stop_a_runaway_config)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  cr_assert_eq(icp_providers_load(&pv, write_cfg("while true do end\n"),
                                  &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "instruction budget exceeded"), "%s",
            err.msg);
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "local s = 'x' for i = 1, 40 do s = s .. s end\n"), &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "memory"), "%s", err.msg);
}

/* ---- every problem at once (issue 11) ----------------------------------- */

struct diags {
  char msg[16][256];
  int n;
};

static void collect(void *ud, const char *m)
{
  struct diags *d = ud;
  if(d->n < 16)
    snprintf(d->msg[d->n++], sizeof(d->msg[0]), "%s", m);
}

static int has(const struct diags *d, const char *needle)
{
  int i, n = 0;
  for(i = 0; i < d->n; i++)
    n += strstr(d->msg[i], needle) != NULL;
  return n;
}

Test(loader, every_problem_of_a_config_is_reported_once_with_its_line)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  struct diags d;
  memset(&d, 0, sizeof(d));
  cr_assert_eq(icp_providers_load_diag(&pv, write_cfg(
    "provider \"a\" { timeout_ms = 'fast', max_rps = -1 }\n"
    "provider \"b\" { api_key = env \"TEST_MISSING_KEY\" }\n"
    "provider \"a\" { }\n"
    "cache { pth = 'x' }\n"
    "enrich { firmographc = { 'a' }, technographic = { 'c', 'c' } }\n"),
    collect, &d, &err), ICP_ELOAD);
  cr_assert(has(&d, "providers.lua:1: provider 'a': 'timeout_ms' must be "
                "a number") == 1);
  cr_assert(has(&d, "providers.lua:1: provider 'a': 'max_rps' must be "
                "between") == 1);
  cr_assert(has(&d, "providers.lua:2: environment variable "
                "TEST_MISSING_KEY is not set") == 1);
  cr_assert(has(&d, "providers.lua:3: provider 'a' is declared twice") == 1);
  cr_assert(has(&d, "providers.lua:4: cache: unknown key 'pth' (did you "
                "mean 'path'?)") == 1);
  cr_assert(has(&d, "providers.lua:5: enrich: unknown kind 'firmographc' "
                "(did you mean 'firmographic'?)") == 1);
  cr_assert(has(&d, "providers.lua:5: enrich: 'technographic' lists 'c' "
                "twice") == 1);
  cr_assert(has(&d, "providers.lua:5: enrich: 'c' names no provider") == 1);
  cr_assert_eq(d.n, 8, "%d problems", d.n);
  cr_assert(strstr(err.msg, "8 problems"), "%s", err.msg);
  /* without a collector, err has the first and says how many more */
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { timeout_ms = 'fast', max_rps = -1 }\n"), &err),
    ICP_ELOAD);
  cr_assert(strstr(err.msg, "(and 1 more)"), "%s", err.msg);
}

Test(loader, an_unknown_key_gets_a_did_you_mean_and_all_key_problems_show)
{
  struct icp_providers *pv;
  struct icp_schema *s = icp_schema_new();
  struct icp_plugin pl;
  struct icp_err err = { "" };
  struct diags d;
  memset(&d, 0, sizeof(d));
  good("okp");
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"p\" { enricher = \"okp\", api_key = 'literal_secret',\n"
    "  levl = 3, max_request = 10 }\n"), &err), ICP_OK, "%s", err.msg);
  pv->p[0].diag = collect;
  pv->p[0].diag_ud = &d;
  cr_assert_eq(icp_plugin_load(&pl, &pv->p[0], s, &err), ICP_ELOAD);
  cr_assert(has(&d, "providers.lua:1: provider 'p': unknown key 'levl' for "
                "enricher 'okp' (did you mean 'level'?)") == 1);
  cr_assert(has(&d, "unknown key 'max_request' for enricher 'okp' (did you "
                "mean 'max_requests'?)") == 1);
  cr_assert(has(&d, "'api_key' is a secret") == 1);
  cr_assert_eq(d.n, 3);
  cr_assert(strstr(err.msg, "3 problems"), "%s", err.msg);
  icp_providers_free(pv);
  icp_schema_free(s);
}

Test(loader, suggestions_are_for_typos_only)
{
  static const char *const c[] = { "max_requests", "timeout_ms", NULL };
  cr_assert_str_eq(icp_cfg_suggest("max_request", c), "max_requests");
  cr_assert_str_eq(icp_cfg_suggest("timeut_ms", c), "timeout_ms");
  cr_assert_null(icp_cfg_suggest("colour", c));
}

Test(loader, cache_url_chooses_postgresql_with_a_lease)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  setenv("TEST_CACHE_URL", "postgresql://icp:pg-pass-77@db/icp", 1);
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { enricher = \"http_json\" }\n"
    "cache { url = env \"TEST_CACHE_URL\", lease_ms = 5000 }\n"), &err),
    ICP_OK, "%s", err.msg);
  cr_assert_str_eq(pv->cache_url, "postgresql://icp:pg-pass-77@db/icp");
  cr_assert_null(pv->cache_path); /* no SQLite file besides */
  cr_assert_eq(pv->cache_lease_ms, 5000);
  /* the password alone is a secret too (a message may quote it) */
  cr_assert(icp_redact_has(&pv->redact, "pw pg-pass-77", 13));
  icp_providers_free(pv);
  unsetenv("TEST_CACHE_URL");
}

Test(loader, cache_url_problems_are_reported_without_the_password)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  struct diags d;
  memset(&d, 0, sizeof(d));
  cr_assert_eq(icp_providers_load_diag(&pv, write_cfg(
    "cache { url = 'postgresql://icp:hunter22@db/icp' }\n"
    "cache { url = 'mysql://db/icp' }\n"
    "cache { path = 'x.sqlite', url = 'postgresql://db/icp' }\n"
    "cache { url = 'postgresql://db/icp', lease_ms = 5 }\n"),
    collect, &d, &err), ICP_ELOAD);
  cr_assert(has(&d, "providers.lua:1: cache: the password of 'url' must "
                "not be written in the file") == 1);
  cr_assert(has(&d, "providers.lua:2: cache: 'url' is not a PostgreSQL "
                "URL") == 1);
  cr_assert(has(&d, "providers.lua:3: cache: give 'path' (SQLite) or "
                "'url' (PostgreSQL), not both") == 1);
  cr_assert(has(&d, "providers.lua:4: cache: 'lease_ms' must be an "
                "integer") == 1);
  cr_assert_eq(has(&d, "hunter22"), 0);
}

Test(loader, a_lease_shorter_than_five_scheduler_ticks_is_refused)
{
  static const char *const bad[] = { "1", "199", "200", "999", NULL };
  struct icp_providers *pv;
  struct icp_err err = { "" };
  char text[256], want[128];
  size_t i;
  for(i = 0; bad[i]; i++) {
    struct diags d;
    memset(&d, 0, sizeof(d));
    snprintf(text, sizeof(text), "provider \"a\" { }\n\ncache { url = "
             "'postgresql://db/icp', lease_ms = %s }\n", bad[i]);
    cr_assert_eq(icp_providers_load_diag(&pv, write_cfg(text), collect, &d,
                                         &err), ICP_ELOAD, "%s", bad[i]);
    snprintf(want, sizeof(want), "providers.lua:3: cache: 'lease_ms' must "
             "be an integer from %d to 86400000 (claims are renewed every "
             "%d ms)", 5 * ICP_SCHED_TICK_MS, ICP_SCHED_TICK_MS);
    cr_assert(strstr(err.msg, want), "%s: %s", bad[i], err.msg);
  }
  cr_assert_eq(icp_providers_load(&pv, write_cfg(
    "provider \"a\" { }\n"
    "cache { url = 'postgresql://db/icp', lease_ms = 1000 }\n"), &err),
    ICP_OK, "%s", err.msg);
  cr_assert_eq(pv->cache_lease_ms, 1000);
  icp_providers_free(pv);
}

Test(loader, a_lease_on_a_sqlite_cache_is_said_not_ignored)
{
  static const char *const cfgs[] = {
    "provider \"a\" { }\ncache { path = 'x.sqlite', lease_ms = 5000 }\n",
    "provider \"a\" { }\ncache { lease_ms = 5000 }\n", NULL
  };
  size_t i;
  for(i = 0; cfgs[i]; i++) {
    struct icp_providers *pv;
    struct icp_err err = { "" };
    cr_assert_eq(icp_providers_load(&pv, write_cfg(cfgs[i]), &err),
                 ICP_ELOAD, "%s", cfgs[i]);
    cr_assert(strstr(err.msg, "providers.lua:2: cache: 'lease_ms' applies "
                     "to a shared cache (url = \"postgresql://...\") only"),
              "%s", err.msg);
    cr_assert_null(pv);
  }
}

/* Two kinds of at most 32 providers each: the 64 plugins enrich can use
 * (its --dry-run prediction keeps one bit per plugin) are never passed. */
Test(loader, a_kind_listing_more_than_32_providers_is_refused_with_its_line)
{
  struct icp_providers *pv;
  struct icp_err err = { "" };
  struct icp_buf b;
  int i;
  icp_buf_init(&b, 1 << 16);
  for(i = 0; i < 33; i++)
    icp_buf_printf(&b, "provider \"p%d\" { }\n", i);
  icp_buf_adds(&b, "enrich {\n  firmographic = {");
  for(i = 0; i < 33; i++)
    icp_buf_printf(&b, " 'p%d',", i);
  icp_buf_adds(&b, " } }\n");
  cr_assert_eq(icp_buf_status(&b), ICP_OK);
  cr_assert_eq(icp_providers_load(&pv, write_cfg(b.p), &err), ICP_ELOAD);
  cr_assert(strstr(err.msg, "providers.lua:34: enrich: 'firmographic' must "
                   "be a list of at most 32 providers"), "%s", err.msg);
  cr_assert_null(pv);
  icp_buf_free(&b);
}
