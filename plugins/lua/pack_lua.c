/*
 * pack_lua.c -- the pack handle: one metatable (ICP_LUA_PACK) with __gc,
 * __close, __tostring and its methods via __index; score, explain, info,
 * close. score_file lives in score_file_lua.c, score_json in
 * score_json_lua.c.
 */
#include <string.h>

#include "io/reader.h"
#include "icp_lua.h"

/* ---- the handle -------------------------------------------------------- */

struct icp_lua_pack *icp_lua_pack_push(lua_State *L)
{
  struct icp_lua_pack *h = lua_newuserdatauv(L, sizeof(*h), 0);
  memset(h, 0, sizeof(*h));
  luaL_setmetatable(L, ICP_LUA_PACK);              /* handle */
  return h;
}

void icp_lua_pack_release(struct icp_lua_pack *h)
{
  icp_reader_close(h->text);
  icp_buf_free(&h->answer);
  icp_result_free(h->res);
  icp_account_free(h->acct);
  icp_pack_free(h->pack);       /* before the schema it borrows */
  icp_schema_free(h->schema);
  memset(h, 0, sizeof(*h));
}

struct icp_lua_pack *icp_lua_pack_check(lua_State *L, int arg)
{
  struct icp_lua_pack *h = luaL_checkudata(L, arg, ICP_LUA_PACK);
  if(!h->pack || !h->res || !h->acct)
    luaL_argerror(L, arg, "attempt to use a closed pack");
  return h;
}

/* ---- methods ----------------------------------------------------------- */

/* Scores the account table at 2 and pushes the result. */
static int score(lua_State *L, int explain)
{
  struct icp_lua_pack *h = icp_lua_pack_check(L, 1);
  int warn;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_newtable(L);                                 /* pack, acct, warns */
  warn = lua_gettop(L);
  icp_account_fill_lua(L, 2, h->acct, warn);
  if(icp_score(h->pack, h->acct, h->res, explain))
    return luaL_error(L, "icp: scoring failed (out of memory)");
  icp_lua_push_result(L, h->pack, h->acct, h->res, explain);
  if(lua_rawlen(L, warn)) {                        /* ..., warns, result */
    lua_pushvalue(L, warn);
    lua_setfield(L, -2, "warnings");
  }
  return 1;
}

/* pack:score(account) -> result */
static int l_score(lua_State *L)
{
  return score(L, 0);
}

/* pack:explain(account) -> result with .explain */
static int l_explain(lua_State *L)
{
  return score(L, 1);
}

/* pack:info() -> { name, version, dimensions, tiers, rules, ... } */
static int l_info(lua_State *L)
{
  struct icp_lua_pack *h = icp_lua_pack_check(L, 1);
  icp_lua_push_info(L, h->pack);
  return 1;
}

/* pack:close(), also __close and __gc: releases the pack now. Closing a
 * closed pack does nothing. */
static int l_close(lua_State *L)
{
  struct icp_lua_pack *h = luaL_checkudata(L, 1, ICP_LUA_PACK);
  icp_lua_pack_release(h);
  return 0;
}

static int l_tostring(lua_State *L)
{
  struct icp_lua_pack *h = luaL_checkudata(L, 1, ICP_LUA_PACK);
  if(!h->pack)
    lua_pushfstring(L, "icp.pack (closed): %p", (void *)h);
  else
    lua_pushfstring(L, "icp.pack (%s %s): %p",
                    h->pack->name ? h->pack->name : "?",
                    h->pack->version ? h->pack->version : "?", (void *)h);
  return 1;
}

static const luaL_Reg methods[] = {
  { "score", l_score },
  { "explain", l_explain },
  { "score_file", icp_lua_score_file },
  { "score_json", icp_lua_score_json },
  { "info", l_info },
  { "close", l_close },
  { NULL, NULL }
};

static const luaL_Reg meta[] = {
  { "__gc", l_close },
  { "__close", l_close },
  { "__tostring", l_tostring },
  { "__index", NULL },        /* set below */
  { NULL, NULL }
};

void icp_lua_pack_register(lua_State *L)
{
  if(!luaL_newmetatable(L, ICP_LUA_PACK)) {        /* mt */
    lua_pop(L, 1);
    return;
  }
  luaL_setfuncs(L, meta, 0);
  luaL_newlib(L, methods);                         /* mt, methods */
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, ICP_LUA_PACK);
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
}
