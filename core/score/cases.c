/* cases.c -- running a pack's test cases with expected outcomes. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "base/file.h"
#include "data/value.h"
#include "rules/dsl.h"
#include "rules/lua_account.h"
#include "rules/rules.h"
#include "score/cases.h"
#include "score/explain.h"
#include "score/emit.h"
#include "score/score.h"

#define CASES_KEY "icp.cases"

/* case "name" { ... } -> records {name, line, spec} */
static int case_spec(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, LUA_REGISTRYINDEX, CASES_KEY);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_setfield(L, -2, "name");
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_setfield(L, -2, "line");
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "spec");
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

static int dsl_case(lua_State *L)
{
  luaL_checkstring(L, 1);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_pushcclosure(L, case_spec, 2);
  return 1;
}

/* ---- one failure report ---------------------------------------------------- */

struct report {
  FILE *out;
  const char *path;
  const char *name;
  int line;
  int failed;
};

static void fail(struct report *rp, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void fail(struct report *rp, const char *fmt, ...)
{
  va_list ap;
  if(!rp->failed++)
    fprintf(rp->out, "FAIL %s:%d: case \"%s\"\n", rp->path, rp->line,
            rp->name);
  fprintf(rp->out, "  ");
  va_start(ap, fmt);
  vfprintf(rp->out, fmt, ap);
  va_end(ap);
  fprintf(rp->out, "\n");
}

/* ---- expectations ---------------------------------------------------------- */

/* The names of rules (or excludes) with outcome want, as "{a, b}". */
static void actual_set(struct icp_buf *b, const struct icp_pack *p,
                       const struct icp_result *r, int excludes, int want)
{
  int i, n = excludes ? p->nexcl : p->nrules, first = 1;
  icp_buf_reset(b);
  icp_buf_addc(b, '{');
  for(i = 0; i < n; i++) {
    int o = excludes ? r->xoutcome[i] : r->outcome[i];
    if(o != want)
      continue;
    icp_buf_printf(b, "%s%s", first ? "" : ", ",
                   excludes ? p->excl[i].name : p->rules[i].name);
    first = 0;
  }
  icp_buf_addc(b, '}');
}

static void lua_set_text(lua_State *L, int t, struct icp_buf *b)
{
  lua_Integer i, n = (lua_Integer)lua_rawlen(L, t);
  icp_buf_reset(b);
  icp_buf_addc(b, '{');
  for(i = 1; i <= n; i++) {
    lua_rawgeti(L, t, i);
    icp_buf_printf(b, "%s%s", i > 1 ? ", " : "",
                   lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) :
                   "?");
    lua_pop(L, 1);
  }
  icp_buf_addc(b, '}');
}

/* Checks a list expectation (key) against outcomes. mode: 0 exact set,
 * 1 includes, 2 none of. */
static void check_set(struct report *rp, lua_State *L, int t,
                      const char *key, const struct icp_pack *p,
                      const struct icp_result *r, int excludes, int want,
                      int mode, unsigned char *mentioned)
{
  struct icp_buf exp, act;
  lua_Integer i, n;
  int bad = 0, count = 0, k;
  if(lua_type(L, t) != LUA_TTABLE) {
    fail(rp, "%s: expected a list of names", key);
    return;
  }
  n = (lua_Integer)lua_rawlen(L, t);
  for(i = 1; i <= n; i++) {
    const char *name;
    int idx, o;
    lua_rawgeti(L, t, i);
    name = lua_tostring(L, -1);
    lua_pop(L, 1);
    if(!name) {
      fail(rp, "%s: item %lld is not a name", key, (long long)i);
      return;
    }
    idx = excludes ? icp_pack_excl_index(p, name)
                   : icp_pack_rule_index(p, name);
    if(idx < 0) {
      fail(rp, "%s: the pack has no %s '%s'", key,
           excludes ? "exclude" : "rule", name);
      return;
    }
    if(mentioned)
      mentioned[excludes ? p->nrules + idx : idx] = 1;
    o = excludes ? r->xoutcome[idx] : r->outcome[idx];
    if(mode == 2 ? o == want : o != want)
      bad = 1;
    count++;
  }
  if(mode == 0) {
    int nact = 0, nn = excludes ? p->nexcl : p->nrules;
    for(k = 0; k < nn; k++)
      if((excludes ? r->xoutcome[k] : r->outcome[k]) == want)
        nact++;
    if(nact != count)
      bad = 1;
    for(k = 0; mentioned && bad && k < nn; k++)
      if((excludes ? r->xoutcome[k] : r->outcome[k]) == want)
        mentioned[excludes ? p->nrules + k : k] = 1;
  }
  if(!bad)
    return;
  icp_buf_init(&exp, 1 << 16);
  icp_buf_init(&act, 1 << 16);
  lua_set_text(L, t, &exp);
  actual_set(&act, p, r, excludes, want);
  fail(rp, "%s: expected %s%s, got %s", key,
       mode == 1 ? "to include " : mode == 2 ? "none of " : "",
       icp_buf_text(&exp), icp_buf_text(&act));
  icp_buf_free(&exp);
  icp_buf_free(&act);
}

static void check_range(struct report *rp, lua_State *L, int t,
                        const char *key, double actual)
{
  double lo = -INFINITY, hi = INFINITY;
  if(lua_type(L, t) == LUA_TNUMBER) {
    lo = lua_tonumber(L, t) - 1e-9;
    hi = lua_tonumber(L, t) + 1e-9;
  }
  else if(lua_type(L, t) == LUA_TTABLE) {
    if(lua_getfield(L, t, "min") == LUA_TNUMBER)
      lo = lua_tonumber(L, -1);
    if(lua_getfield(L, t, "max") == LUA_TNUMBER)
      hi = lua_tonumber(L, -1);
    lua_pop(L, 2);
  }
  else {
    fail(rp, "%s: expected a number or {min=, max=}", key);
    return;
  }
  if(actual < lo || actual > hi)
    fail(rp, "%s: expected %g..%g, got %.6g", key, lo, hi, actual);
}

static void check_string(struct report *rp, lua_State *L, int t,
                         const char *key, const char *actual)
{
  const char *want = lua_tostring(L, t);
  if(lua_type(L, t) != LUA_TSTRING) {
    fail(rp, "%s: expected a string", key);
    return;
  }
  if(!actual || strcmp(want, actual))
    fail(rp, "%s: expected \"%s\", got %s%s%s", key, want,
         actual ? "\"" : "", actual ? actual : "none", actual ? "\"" : "");
}

/* Explains what the result did: fired rules, unknown ones, and for the
 * rules a failing expectation named, their outcome and the values read. */
static void explain(struct report *rp, const struct icp_pack *p,
                    const struct icp_account *a, const struct icp_result *r,
                    const unsigned char *mentioned)
{
  int i;
  icp_explain_actual(rp->out, p, r);
  for(i = 0; i < p->nrules + p->nexcl; i++)
    if(mentioned[i])
      icp_explain_rule(rp->out, p, a, r, i, 0);
}

static void check_expect(struct report *rp, lua_State *L, int t,
                         const struct icp_pack *p,
                         const struct icp_account *a,
                         const struct icp_result *r)
{
  unsigned char *mentioned = calloc((size_t)(p->nrules + p->nexcl + 1), 1);
  lua_pushnil(L);
  while(lua_next(L, t)) {
    int v = lua_gettop(L);
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) :
                    NULL;
    int d;
    if(!k)
      fail(rp, "expect: keys must be names");
    else if(!strcmp(k, "tier"))
      check_string(rp, L, v, k, r->tier_name);
    else if(!strcmp(k, "route"))
      check_string(rp, L, v, k, r->route);
    else if(!strcmp(k, "grade") && lua_type(L, v) == LUA_TBOOLEAN &&
            !lua_toboolean(L, v)) {
      if(r->grade) /* grade = false: expects no grade */
        fail(rp, "grade: expected none, got \"%s\"", r->grade);
    }
    else if(!strcmp(k, "grade"))
      check_string(rp, L, v, k, r->grade);
    else if(!strcmp(k, "excluded_by"))
      check_set(rp, L, v, k, p, r, 1, ICP_TRUE, 0, mentioned);
    else if(!strcmp(k, "fired"))
      check_set(rp, L, v, k, p, r, 0, ICP_TRUE, 0, mentioned);
    else if(!strcmp(k, "fired_includes"))
      check_set(rp, L, v, k, p, r, 0, ICP_TRUE, 1, mentioned);
    else if(!strcmp(k, "not_fired"))
      check_set(rp, L, v, k, p, r, 0, ICP_TRUE, 2, mentioned);
    else if(!strcmp(k, "unknown"))
      check_set(rp, L, v, k, p, r, 0, ICP_UNKNOWN, 0, mentioned);
    else if(!strcmp(k, "score"))
      check_range(rp, L, v, k, r->score);
    else if(!strcmp(k, "coverage"))
      check_range(rp, L, v, k, r->coverage);
    else if(!strcmp(k, "dimensions") && lua_type(L, v) == LUA_TTABLE) {
      lua_pushnil(L);
      while(lua_next(L, v)) {
        const char *dn = lua_type(L, -2) == LUA_TSTRING ?
                         lua_tostring(L, -2) : "?";
        d = icp_pack_dim_index(p, dn);
        if(d < 0)
          fail(rp, "dimensions: the pack has no dimension '%s'", dn);
        else
          check_range(rp, L, lua_gettop(L), dn, r->dim[d]);
        lua_pop(L, 1);
      }
    }
    else if((d = icp_pack_dim_index(p, k)) >= 0)
      check_range(rp, L, v, k, r->dim[d]);
    else
      fail(rp, "expect: unknown key '%s' (tier, grade, route, excluded_by, "
           "fired, "
           "fired_includes, not_fired, unknown, score, coverage, "
           "dimensions or a dimension name)", k);
    lua_pop(L, 1);
  }
  if(rp->failed && mentioned)
    explain(rp, p, a, r, mentioned);
  free(mentioned);
}

/* ---- a test file --------------------------------------------------------- */

static char *pack_path_for(const char *test_path, const char *named)
{
  size_t n = strlen(test_path), dn;
  const char *slash = strrchr(test_path, '/');
  char *out;
  if(named) {
    size_t m = strlen(named);
    if(named[0] == '/' || !slash) {
      out = malloc(m + 1);
      if(out)
        memcpy(out, named, m + 1);
      return out;
    }
    dn = (size_t)(slash - test_path) + 1;
    out = malloc(dn + m + 1);
    if(out) {
      memcpy(out, test_path, dn);
      memcpy(out + dn, named, m + 1);
    }
    return out;
  }
  if(n < 9 || strcmp(test_path + n - 9, "_test.lua"))
    return NULL;
  out = malloc(n);
  if(out) {
    memcpy(out, test_path, n - 9);
    memcpy(out + n - 9, ".lua", 5);
  }
  return out;
}

static void note_coverage(const struct icp_pack *p,
                          const struct icp_result *r, unsigned char *seen)
{
  int i;
  for(i = 0; i < p->nrules; i++)
    seen[i] |= r->outcome[i] == ICP_TRUE ? 1 : r->outcome[i] == ICP_FALSE ?
               2 : 0;
  for(i = 0; i < p->nexcl; i++)
    seen[p->nrules + i] |= r->xoutcome[i] == ICP_TRUE ? 1 :
                           r->xoutcome[i] == ICP_FALSE ? 2 : 0;
}

static void print_coverage(const struct icp_case_opts *o,
                           const struct icp_pack *p, const char *pack_path,
                           const unsigned char *seen,
                           struct icp_case_stats *st)
{
  int i, n = p->nrules + p->nexcl, both = 0;
  struct icp_buf nf, nn;
  double share;
  icp_buf_init(&nf, 1 << 16);
  icp_buf_init(&nn, 1 << 16);
  icp_buf_add(&nf, "", 0);
  icp_buf_add(&nn, "", 0);
  for(i = 0; i < n; i++) {
    const char *name = i < p->nrules ? p->rules[i].name :
                       p->excl[i - p->nrules].name;
    if(seen[i] == 3)
      both++;
    if(!(seen[i] & 1))
      icp_buf_printf(&nf, "%s%s", nf.len ? ", " : "", name);
    if(!(seen[i] & 2))
      icp_buf_printf(&nn, "%s%s", nn.len ? ", " : "", name);
  }
  share = n ? (double)both / n : 1;
  fprintf(o->out, "coverage %s: %d/%d rules and excludes fired and not "
          "fired by some case (%.0f%%)", pack_path, both, n, share * 100);
  if(nf.len || nf.err)
    fprintf(o->out, "; never fired: %s", icp_buf_text(&nf));
  if(nn.len || nn.err)
    fprintf(o->out, "; never not fired: %s", icp_buf_text(&nn));
  fprintf(o->out, "\n");
  if(icp_buf_status(&nf) || icp_buf_status(&nn)) {
    fprintf(o->out, "FAIL %s: coverage names lost (out of memory)\n",
            pack_path);
    st->failed++;
  }
  icp_buf_free(&nf);
  icp_buf_free(&nn);
  st->packs++;
  st->rules += n;
  st->covered += both;
  if(share < st->min_share)
    st->min_share = share;
}

/* (account table, warnings table, account) -> warnings; raises on misuse */
static int fill_thunk(lua_State *L)
{
  icp_account_fill_lua(L, 1, lua_touserdata(L, 3), 2);
  lua_settop(L, 2);
  return 1;
}

/* Fills a from the case's account table at idx, protected. A value that
 * does not fit its field fails the case (a test must say what it means);
 * returns 0 after reporting. */
static int fill_account(struct report *rp, lua_State *L, int idx,
                        struct icp_account *a)
{
  char msg[ICP_SANDBOX_ERROR_MAX + 1];
  lua_Integer i, n;
  int ok = 1;
  lua_pushcfunction(L, fill_thunk);
  lua_pushvalue(L, idx);
  lua_newtable(L);
  lua_pushlightuserdata(L, a);
  if(icp_sandbox_call_buf(icp_sandbox_of(L), 3, 1, ICP_SANDBOX_LOAD_STEPS,
                          msg, sizeof(msg))) {
    /* "bad argument #1 to '?' (field 'x': ...)": keep what is inside */
    static const char pre[] = "bad argument #1 to '?' (";
    size_t len = strlen(msg);
    if(!strncmp(msg, pre, sizeof(pre) - 1) && len && msg[len - 1] == ')')
      fail(rp, "account: %.*s", (int)(len - sizeof(pre)),
           msg + sizeof(pre) - 1);
    else
      fail(rp, "account: %s", msg);
    return 0;
  }
  n = (lua_Integer)lua_rawlen(L, -1);
  for(i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    fail(rp, "account: %s", lua_tostring(L, -1));
    lua_pop(L, 1);
    ok = 0;
  }
  lua_pop(L, 1);
  return ok;
}

static int run_case(lua_State *L, int c, struct icp_pack *pack,
                    struct icp_account *a, struct icp_result *r,
                    const struct icp_case_opts *o, const char *path,
                    unsigned char *seen)
{
  static const char *const keys[] = { "account", "expect", "as_of",
                                      "description", NULL };
  struct report rp;
  int spec, k;
  memset(&rp, 0, sizeof(rp));
  rp.out = o->out;
  rp.path = path;
  lua_getfield(L, c, "name");
  rp.name = lua_tostring(L, -1);
  lua_getfield(L, c, "line");
  rp.line = (int)lua_tointeger(L, -1);
  lua_getfield(L, c, "spec");
  spec = lua_gettop(L);
  lua_pushnil(L);
  while(lua_next(L, spec)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) :
                      "?";
    int known = 0;
    for(k = 0; keys[k]; k++)
      known |= !strcmp(keys[k], key);
    if(!known)
      fail(&rp, "unknown key '%s' (account, expect, as_of)", key);
    lua_pop(L, 1);
  }
  icp_pack_set_as_of(pack, o->as_of);
  if(lua_getfield(L, spec, "as_of") != LUA_TNIL) {
    int32_t day;
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if(!s || !icp_parse_date(s, n, &day))
      fail(&rp, "as_of: expected a YYYY-MM-DD date");
    else
      icp_pack_set_as_of(pack, day);
  }
  lua_pop(L, 1);
  if(lua_getfield(L, spec, "account") != LUA_TTABLE)
    fail(&rp, "account = { ... } is required");
  else if(!fill_account(&rp, L, lua_gettop(L), a))
    ;
  else {
    a->file = path;
    a->line = rp.line;
    if(icp_score(pack, a, r, 1))
      fail(&rp, "out of memory");
    else {
      note_coverage(pack, r, seen);
      if(lua_getfield(L, spec, "expect") != LUA_TTABLE)
        fail(&rp, "expect = { ... } is required");
      else
        check_expect(&rp, L, lua_gettop(L), pack, a, r);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  lua_settop(L, c);
  if(!rp.failed && o->verbose)
    fprintf(o->out, "ok   %s:%d: case \"%s\"\n", path, rp.line, rp.name);
  return rp.failed ? 1 : 0;
}

enum icp_status icp_cases_run_file(const char *test_path,
                                   const struct icp_case_opts *o,
                                   struct icp_case_stats *st,
                                   struct icp_err *err)
{
  struct icp_sandbox *sb = icp_sandbox_new(0);
  struct icp_schema *schema = NULL;
  struct icp_pack *pack = NULL;
  struct icp_account *a = NULL;
  struct icp_result *r = NULL;
  unsigned char *seen = NULL;
  char *text = NULL, *pack_path = NULL;
  size_t len;
  struct icp_err lerr;
  lua_State *L;
  lua_Integer i, n;
  int cases;
  enum icp_status rc = ICP_OK;

  if(!sb)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  L = icp_sandbox_state(sb);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, CASES_KEY);
  icp_sandbox_push_env(sb);
  lua_pushcfunction(L, dsl_case);
  lua_setfield(L, -2, "case");
  lua_pop(L, 1);
  if(icp_read_file(test_path, ICP_PACK_TEXT_MAX, &text, &len, &lerr) ||
     icp_sandbox_load(sb, test_path, text, len, &lerr) ||
     icp_sandbox_call(sb, 0, 0, ICP_SANDBOX_LOAD_STEPS, &lerr)) {
    fprintf(o->out, "FAIL %s\n", lerr.msg);
    st->failed++;
    goto done;
  }
  icp_sandbox_push_env(sb);
  lua_getfield(L, -1, "pack");
  pack_path = pack_path_for(test_path, lua_tostring(L, -1));
  lua_pop(L, 2);
  if(!pack_path) {
    fprintf(o->out, "FAIL %s: cannot tell which pack it tests (name it "
            "x_test.lua beside x.lua, or add pack = \"x.lua\")\n",
            test_path);
    st->failed++;
    goto done;
  }
  schema = icp_schema_new();
  pack = schema ? icp_pack_new(schema, NULL) : NULL;
  if(!pack) {
    icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto oom;
  }
  if(icp_pack_load_file(pack, pack_path, &lerr)) {
    int k;
    fprintf(o->out, "FAIL %s: its pack %s does not load:\n", test_path,
            pack_path);
    for(k = 0; k < icp_pack_ndiags(pack); k++)
      fprintf(o->out, "  %s\n", icp_pack_diag(pack, k));
    if(!icp_pack_ndiags(pack))
      fprintf(o->out, "  %s\n", lerr.msg);
    st->failed++;
    goto done;
  }
  a = icp_account_new(schema);
  r = icp_result_new(pack);
  seen = calloc((size_t)(pack->nrules + pack->nexcl + 1), 1);
  if(!a || !r || !seen) {
    icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto oom;
  }
  lua_getfield(L, LUA_REGISTRYINDEX, CASES_KEY);
  cases = lua_gettop(L);
  n = (lua_Integer)lua_rawlen(L, cases);
  if(n == 0) {
    fprintf(o->out, "FAIL %s: no case \"...\" { } in the file\n",
            test_path);
    st->failed++;
  }
  {
    /* the file's own default as_of (a global), else the run's */
    struct icp_case_opts fo = *o;
    icp_sandbox_push_env(sb);
    if(lua_getfield(L, -1, "as_of") == LUA_TSTRING) {
      size_t dn;
      const char *s = lua_tolstring(L, -1, &dn);
      int32_t day;
      if(icp_parse_date(s, dn, &day))
        fo.as_of = day;
    }
    lua_pop(L, 2);
    for(i = 1; i <= n; i++) {
      lua_rawgeti(L, cases, i);
      if(run_case(L, lua_gettop(L), pack, a, r, &fo, test_path, seen))
        st->failed++;
      else
        st->passed++;
      lua_settop(L, cases);
    }
  }
  lua_pop(L, 1);
  print_coverage(o, pack, pack_path, seen, st);
  goto done;
oom:
  rc = ICP_ENOMEM;
done:
  free(seen);
  icp_result_free(r);
  icp_account_free(a);
  icp_pack_free(pack);
  icp_schema_free(schema);
  free(pack_path);
  free(text);
  icp_sandbox_free(sb);
  return rc;
}

int icp_cases_dir_entry(const char *dir, const char *name, char *path,
                        size_t cap)
{
  static const char suffix[] = "_test.lua";
  size_t n = strlen(name), k = sizeof(suffix) - 1;
  struct stat st;
  if(name[0] == '.')
    return 0;
  snprintf(path, cap, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
           name);
  if(stat(path, &st))
    return 0;
  return S_ISDIR(st.st_mode) || (n >= k && !strcmp(name + n - k, suffix));
}
