/*
 * icp_lua.c -- the `icp` module for stock Lua 5.4: the module table and
 * icp.load. See icp_lua.h for how the module is split.
 */
#include <string.h>

#include "data/value.h"
#include "icp_lua.h"

/* ---- icp.load ---------------------------------------------------------- */

/* Reads the options table at arg (may be absent) into o and *day; raises
 * "bad argument" for an unknown key or a value of the wrong type. */
static void load_opts(lua_State *L, int arg, struct icp_pack_opts *o,
                      int32_t *day, int *has_day)
{
  memset(o, 0, sizeof(*o));
  *has_day = 0;
  if(lua_isnoneornil(L, arg))
    return;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_pushnil(L);                                  /* key */
  while(lua_next(L, arg)) {                        /* key, value */
    const char *k;
    if(lua_type(L, -2) != LUA_TSTRING)
      luaL_argerror(L, arg, "option names are strings");
    k = lua_tostring(L, -2);
    if(!strcmp(k, "as_of")) {
      size_t n = 0;
      const char *s = lua_type(L, -1) == LUA_TSTRING ?
                      lua_tolstring(L, -1, &n) : NULL;
      if(!s)
        luaL_argerror(L, arg, lua_pushfstring(L, "as_of: YYYY-MM-DD "
                      "expected, got %s", luaL_typename(L, -1)));
      if(!icp_parse_date(s, n, day))
        luaL_argerror(L, arg, lua_pushfstring(L, "as_of: YYYY-MM-DD "
                      "expected, got '%s'", s));
      *has_day = 1;
    }
    else if(!strcmp(k, "mem_cap") || !strcmp(k, "call_steps")) {
      int isnum;
      lua_Integer v = lua_tointegerx(L, -1, &isnum);
      if(!isnum || v <= 0)
        luaL_argerror(L, arg, lua_pushfstring(L, "%s: positive integer "
                      "expected, got %s", k, luaL_typename(L, -1)));
      if(k[0] == 'm')
        o->mem_cap = (size_t)v;
      else
        o->call_steps = (long)v;
    }
    else
      luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", k));
    lua_pop(L, 1);                                 /* key */
  }
}

/* icp.load(path[, opts]) -> pack | nil, "file:line: message"
 * Never raises for a bad pack: every diagnostic goes into the message,
 * one per line. */
static int l_load(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  struct icp_pack_opts o;
  struct icp_lua_pack *h;
  struct icp_err err;
  int32_t day = 0;
  int has_day, i;

  load_opts(L, 2, &o, &day, &has_day);
  h = icp_lua_pack_push(L);                        /* handle */
  h->schema = icp_schema_new();
  h->pack = h->schema ? icp_pack_new(h->schema, &o) : NULL;
  if(!h->pack) {
    icp_lua_pack_release(h);
    return luaL_error(L, "icp.load: out of memory");
  }
  if(icp_pack_load_file(h->pack, path, &err)) {
    luaL_Buffer b;
    int n = icp_pack_ndiags(h->pack);
    lua_pushnil(L);                                /* handle, nil */
    luaL_buffinit(L, &b);
    if(!n)
      luaL_addstring(&b, err.msg);
    for(i = 0; i < n; i++) {
      if(i)
        luaL_addchar(&b, '\n');
      luaL_addstring(&b, icp_pack_diag(h->pack, i));
    }
    luaL_pushresult(&b);                           /* handle, nil, msg */
    icp_lua_pack_release(h);
    return 2;
  }
  if(has_day)
    icp_pack_set_as_of(h->pack, day);
  h->res = icp_result_new(h->pack);
  h->acct = icp_account_new(h->schema);
  if(!h->res || !h->acct) {
    icp_lua_pack_release(h);
    return luaL_error(L, "icp.load: out of memory");
  }
  return 1;
}

/* ---- the module -------------------------------------------------------- */

static const luaL_Reg funcs[] = {
  { "load", l_load },
  { NULL, NULL }
};

/* Exported even when the library is built with -fvisibility=hidden. */
__attribute__((visibility("default")))
LUAMOD_API int luaopen_icp(lua_State *L)
{
  luaL_checkversion(L);
  icp_lua_pack_register(L);
  luaL_newlib(L, funcs);                           /* icp */
  icp_lua_test_register(L);
  lua_pushliteral(L, ICP_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushliteral(L, "icp " ICP_VERSION);
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "ICP scoring of B2B accounts with Lua rule packs");
  lua_setfield(L, -2, "_DESCRIPTION");
  return 1;
}
