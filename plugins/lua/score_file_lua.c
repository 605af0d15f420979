/*
 * score_file_lua.c -- pack:score_file(input, output[, opts]): a whole file
 * through icp_run and the writers of `icp score`, so that the output is
 * byte-identical to `icp score --rules PACK [--as-of D] INPUT -o OUTPUT`
 * with the same pack, as-of date and input.
 *
 *   input    a path ("-" for stdin) or an array of paths
 *   output   a path (.csv or .jsonl; other names get JSONL), nil or "-"
 *            for stdout
 *   opts     format = "csv"|"jsonl"   format of input when its name does
 *                                     not tell (--format)
 *            output_format = "csv"|"jsonl"  overrides output's extension
 *            explain = bool           (--explain)
 *            strict = bool            stop at the first bad record
 *            diag = file              where bad records are reported
 *                                     (an io file; default stderr)
 *            providers = path         enrich first (--providers)
 *            offline = bool, refresh = bool   the cache modes
 *
 * Returns { read=, scored=, skipped=, warnings=, rule_errors=,
 * duplicates= }, or nil, message, counts when an input or the output
 * could not be used or strict stopped the run.
 */
#include <string.h>

#include <lualib.h>

#include "io/out.h"
#include "net/enrich.h"
#include "rules/columns_file.h"
#include "score/emit.h"
#include "score/run.h"
#include "icp_lua.h"

struct sink {
  struct icp_out out;
  struct icp_buf line;
  int explain;
};

/* Writes one scored account the way cmd_score.c does. No Lua in here: it
 * runs inside icp_run, where an error must not unwind C frames. */
static enum icp_status emit(void *ud, const struct icp_account *a,
                            struct icp_result *const *res, int n,
                            struct icp_err *err)
{
  struct sink *s = ud;
  const struct icp_result *r = res[0];
  (void)n;
  icp_buf_reset(&s->line);
  if(s->out.fmt == ICP_FMT_CSV) {
    if(icp_emit_csv_row(&s->line, r->pack, a, r, NULL))
      return icp_err_set(err, ICP_ENOMEM, "result too large");
  }
  else if(icp_emit_jsonl(&s->line, r->pack, a, r, s->explain, NULL))
    return icp_err_set(err, ICP_ENOMEM, "result too large");
  return icp_out_write(&s->out, s->line.p, s->line.len, err);
}

/* ---- arguments --------------------------------------------------------- */

/* The inputs at arg as an array of C strings owned by Lua (a userdata
 * left on the stack; the strings are anchored by the argument). */
static const char **inputs_arg(lua_State *L, int arg, int *n)
{
  const char **v;
  int i;
  if(lua_type(L, arg) == LUA_TSTRING) {
    v = lua_newuserdatauv(L, sizeof(*v), 0);
    v[0] = lua_tostring(L, arg);
    *n = 1;
    return v;
  }
  if(lua_type(L, arg) != LUA_TTABLE)
    luaL_typeerror(L, arg, "string or array of strings");
  *n = (int)luaL_len(L, arg);
  if(*n < 1 || *n > 100000)
    luaL_argerror(L, arg, "no input given");
  v = lua_newuserdatauv(L, (size_t)*n * sizeof(*v), 0);
  for(i = 0; i < *n; i++) {
    if(lua_rawgeti(L, arg, i + 1) != LUA_TSTRING)
      luaL_argerror(L, arg, lua_pushfstring(L, "input %d: string "
                    "expected, got %s", i + 1, luaL_typename(L, -1)));
    v[i] = lua_tostring(L, -1);  /* anchored by the array */
    lua_pop(L, 1);
  }
  return v;
}

/* A format option: NULL when absent, else "csv" or "jsonl". */
static const char *format_opt(lua_State *L, int arg, const char *k)
{
  const char *s;
  lua_getfield(L, arg, k);
  if(lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return NULL;
  }
  s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  if(strcmp(s, "csv") && strcmp(s, "jsonl"))
    luaL_argerror(L, arg, lua_pushfstring(L, "%s: 'csv' or 'jsonl' "
                  "expected", k));
  lua_pop(L, 1);
  return s[0] == 'c' ? "csv" : "jsonl";
}

static int bool_opt(lua_State *L, int arg, const char *k)
{
  int b, t = lua_getfield(L, arg, k);
  if(t != LUA_TNIL && t != LUA_TBOOLEAN)
    luaL_argerror(L, arg, lua_pushfstring(L, "%s: boolean expected, got "
                  "%s", k, luaL_typename(L, -1)));
  b = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return b;
}

static void check_keys(lua_State *L, int arg)
{
  static const char *const known[] = { "format", "output_format",
                                       "explain", "strict", "diag",
                                       "providers", "offline", "refresh",
                                       "columns", NULL };
  lua_pushnil(L);
  while(lua_next(L, arg)) {
    int i;
    const char *k = lua_type(L, -2) == LUA_TSTRING ?
                    lua_tostring(L, -2) : "";
    for(i = 0; known[i] && strcmp(known[i], k); i++)
      ;
    if(!known[i])
      luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", k));
    lua_pop(L, 1);
  }
}

/* The diag option: an open io file, or NULL for stderr. */
static FILE *diag_opt(lua_State *L, int arg)
{
  luaL_Stream *st;
  FILE *fp;
  if(lua_getfield(L, arg, "diag") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  st = luaL_testudata(L, -1, LUA_FILEHANDLE);
  if(!st || !st->closef)
    luaL_argerror(L, arg, lua_pushfstring(L, "diag: open file expected, "
                  "got %s", luaL_typename(L, -1)));
  fp = st->f;
  lua_pop(L, 1);  /* the option table keeps the file alive */
  return fp;
}

static void push_stats(lua_State *L, const struct icp_run_stats *st)
{
  lua_createtable(L, 0, 6);
  icp_lua_set_int(L, "read", st->read);
  icp_lua_set_int(L, "scored", st->scored);
  icp_lua_set_int(L, "skipped", st->skipped);
  icp_lua_set_int(L, "warnings", st->warnings);
  icp_lua_set_int(L, "rule_errors", st->rule_errors);
  icp_lua_set_int(L, "duplicates", st->duplicates);
}

/* ---- the run ----------------------------------------------------------- */

int icp_lua_score_file(lua_State *L)
{
  struct icp_lua_pack *h = icp_lua_pack_check(L, 1);
  const char *output = luaL_optstring(L, 3, NULL);
  const char *format = NULL, *ofmt = NULL;
  const char **inputs;
  int ninputs, strict = 0, opened;
  struct icp_run_opts ro;
  struct icp_run_stats st;
  struct icp_err err, cerr;
  struct sink s;
  enum icp_status rs = ICP_OK;
  const char *providers = NULL, *columns = NULL;
  struct icp_columns *cols = NULL;
  struct icp_enrich_opts eo;
  struct icp_enrich *enr = NULL;

  memset(&eo, 0, sizeof(eo));
  memset(&ro, 0, sizeof(ro));
  memset(&st, 0, sizeof(st));
  memset(&s, 0, sizeof(s));
  if(!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    check_keys(L, 4);
    format = format_opt(L, 4, "format");
    ofmt = format_opt(L, 4, "output_format");
    s.explain = bool_opt(L, 4, "explain");
    strict = bool_opt(L, 4, "strict");
    ro.diag = diag_opt(L, 4);
    if(lua_getfield(L, 4, "providers") != LUA_TNIL &&
       lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 4, "providers: a path expected");
    providers = lua_tostring(L, -1);   /* anchored by the options table */
    lua_pop(L, 1);
    eo.offline = bool_opt(L, 4, "offline");
    eo.refresh = bool_opt(L, 4, "refresh");
    if(lua_getfield(L, 4, "columns") != LUA_TNIL &&
       lua_type(L, -1) != LUA_TSTRING)
      luaL_argerror(L, 4, "columns: a path expected");
    columns = lua_tostring(L, -1);     /* anchored by the options table */
    lua_pop(L, 1);
  }
  inputs = inputs_arg(L, 2, &ninputs);             /* ..., inputs */

  /* From here to the results, no Lua call: nothing may unwind. One way
   * out: a failure before the output is open returns nil, message; after,
   * nil, message, stats. */
  if(columns) {
    cols = icp_columns_new();
    if(!cols)
      rs = icp_err_set(&err, ICP_ENOMEM, "out of memory");
    else if(!(rs = icp_columns_load(cols, h->schema, columns, &err)))
      icp_schema_set_columns(h->schema, cols);
  }
  if(!rs && providers) {
    rs = icp_enrich_open(&enr, providers, h->schema, &eo, &err);
    if(!rs)
      icp_enrich_attach(enr, &ro);
  }
  if(!rs)
    rs = icp_out_open(&s.out, output, icp_format_from_name(ofmt), &err);
  opened = !rs;
  if(opened) {
    icp_buf_init(&s.line, (size_t)64 << 20);
    if(s.out.fmt == ICP_FMT_CSV &&
       (icp_emit_csv_header(&s.line, h->pack, NULL) ||
        icp_out_write(&s.out, s.line.p, s.line.len, &err)))
      rs = icp_err_set(&err, ICP_EIO, "%s: cannot write the header",
                       output ? output : "<stdout>");
    if(!rs) {
      ro.format = format;
      ro.strict = strict;
      ro.explain = s.explain;
      rs = icp_run(inputs, ninputs, &h->pack, 1, h->schema, &ro, emit, &s,
                   &st, &err);
    }
    if(icp_out_close(&s.out, &cerr) && !rs) {
      rs = ICP_EIO;
      err = cerr;
    }
    icp_buf_free(&s.line);
  }
  icp_schema_set_columns(h->schema, NULL);
  icp_columns_free(cols);
  if(enr) {
    if(icp_enrich_failures(enr) && ro.diag == NULL)
      icp_enrich_summary(enr, stderr);
    icp_enrich_close(enr);
  }

  if(rs == ICP_OK) {
    push_stats(L, &st);
    return 1;
  }
  lua_pushnil(L);
  lua_pushstring(L, err.msg);
  if(!opened)
    return 2;
  push_stats(L, &st);
  return 3;
}
