/* columns_file.c -- a --columns FILE, run in the pack sandbox. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/file.h"
#include "base/suggest.h"
#include "rules/columns_file.h"
#include "rules/rules.h"
#include "rules/sandbox.h"

struct load {
  struct icp_columns *cols;
  const struct icp_schema *schema;
  int calls;
};

/* 1 when name is a field a mapping may target. */
static int known(const struct load *ld, const char *name)
{
  size_t n, i;
  const char *const *t = icp_columns_targets(&n);
  int id;
  for(i = 0; i < n; i++)
    if(!strcmp(t[i], name))
      return 1;
  id = icp_schema_find(ld->schema, name, strlen(name));
  return id >= 0 && icp_schema_origin(ld->schema, id) != 0;
}

static int unknown_field(lua_State *L, const struct load *ld,
                         const char *name)
{
  size_t n;
  const char *const *t = icp_columns_targets(&n);
  const char *hint = icp_suggest(name, t, n);
  (void)ld;
  if(hint)
    return luaL_error(L, "columns: unknown field '%s' (did you mean '%s'?)",
                      name, hint);
  return luaL_error(L, "columns: unknown field '%s' (a canonical field, "
                    "or a field a pack declares or reads)", name);
}

/* columns { field = "Header" | { from = "Header", scale = N }, ... } */
static int l_columns(lua_State *L)
{
  struct load *ld = lua_touserdata(L, lua_upvalueindex(1));
  lua_Debug ar;
  int line = 0;
  if(lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
    line = ar.currentline;
  luaL_checktype(L, 1, LUA_TTABLE);
  if(ld->calls++)
    return luaL_error(L, "columns: given twice (one mapping per file)");
  lua_pushnil(L);
  while(lua_next(L, 1)) {  /* key, value */
    const char *field, *from = NULL;
    double scale = 1;
    struct icp_err e;
    if(lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "columns: keys are field names");
    field = lua_tostring(L, -2);
    if(!known(ld, field))
      return unknown_field(L, ld, field);
    if(lua_type(L, -1) == LUA_TSTRING)
      from = lua_tostring(L, -1);
    else if(lua_type(L, -1) == LUA_TTABLE) {
      lua_pushnil(L);
      while(lua_next(L, -2)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ?
                        lua_tostring(L, -2) : "?";
        if(!strcmp(k, "from") && lua_type(L, -1) == LUA_TSTRING)
          from = lua_tostring(L, -1);
        else if(!strcmp(k, "scale") && lua_type(L, -1) == LUA_TNUMBER)
          scale = lua_tonumber(L, -1);
        else {
          static const char *const keys[] = { "from", "scale" };
          const char *hint = icp_suggest(k, keys, 2);
          return luaL_error(L, "columns: %s: unknown key '%s'%s%s%s "
                            "(from = \"Header\", scale = number)", field,
                            k, hint ? " (did you mean '" : "",
                            hint ? hint : "", hint ? "'?)" : "");
        }
        lua_pop(L, 1);
      }
      if(!from)
        return luaL_error(L, "columns: %s: from = \"Header\" is missing",
                          field);
    }
    else
      return luaL_error(L, "columns: %s: a header name or { from = ..., "
                        "scale = ... } expected", field);
    if(!isfinite(scale) || scale == 0 || fabs(scale) > 1e15)
      return luaL_error(L, "columns: %s: scale must be a finite non-zero "
                        "number", field);
    if(!*from || strlen(from) > 1024)
      return luaL_error(L, "columns: %s: the header name is empty or too "
                        "long", field);
    if(icp_columns_add(ld->cols, field, from, scale, line, &e))
      return luaL_error(L, "columns: %s", e.msg);
    lua_pop(L, 1);
  }
  return 0;
}

enum icp_status icp_columns_load(struct icp_columns *cols,
                                 const struct icp_schema *schema,
                                 const char *path, struct icp_err *err)
{
  struct icp_sandbox *sb;
  struct load ld;
  char *text = NULL;
  size_t len = 0;
  lua_State *L;
  enum icp_status st;

  st = icp_read_file(path, ICP_COLUMNS_FILE_MAX, &text, &len, err);
  if(st)
    return st;
  if(icp_columns_set_path(cols, path)) {
    free(text);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  }
  sb = icp_sandbox_new(8u << 20);
  if(!sb) {
    free(text);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  }
  L = icp_sandbox_state(sb);
  ld.cols = cols;
  ld.schema = schema;
  ld.calls = 0;
  icp_sandbox_push_env(sb);                 /* env */
  lua_pushlightuserdata(L, &ld);
  lua_pushcclosure(L, l_columns, 1);
  lua_setfield(L, -2, "columns");
  lua_pop(L, 1);
  st = icp_sandbox_load(sb, path, text, len, err);
  if(!st)
    st = icp_sandbox_call(sb, 0, 0, ICP_SANDBOX_LOAD_STEPS, err);
  if(st && !strstr(err->msg, path)) {
    struct icp_err e = *err;
    icp_err_set(err, st, "%s: %s", path, e.msg);
  }
  if(!st && !ld.calls)
    st = icp_err_set(err, ICP_EINVAL, "%s: no columns { } in the file",
                     path);
  icp_sandbox_free(sb);
  free(text);
  return st;
}
