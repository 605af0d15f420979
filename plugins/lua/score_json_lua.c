/*
 * score_json_lua.c -- pack:score_json(text[, opts]): a JSON account (or an
 * array of them) in, the exact JSONL line of `icp score` out, with no Lua
 * table in between, for web servers that host Lua (lighttpd's mod_magnet:
 * contrib/lighttpd/). The answer is what `icp serve` answers to POST
 * /v1/score with the same body (core/serve/body.h): `source` is "request"
 * or "request:N".
 *
 *   opts   explain = bool        add every rule's outcome and reads
 *          max_items = integer   accounts per array [1000]
 *
 * Returns the answer, or nil, message, status when the text is not an
 * account: status 400 for a bad body (the message says where and what),
 * 413 for an array over max_items.
 */
#include <string.h>

#include "io/reader.h"
#include "serve/body.h"
#include "icp_lua.h"

#define ANSWER_CAP ((size_t)256 << 20)

int icp_lua_score_json(lua_State *L)
{
  struct icp_lua_pack *h = icp_lua_pack_check(L, 1);
  size_t n;
  const char *text = luaL_checklstring(L, 2, &n);
  struct icp_body b;
  struct icp_err err;
  enum icp_status st;
  lua_Integer max_items = 1000;
  int explain = 0;

  if(!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_pushnil(L);
    while(lua_next(L, 3)) {                        /* ..., key, value */
      const char *k = lua_type(L, -2) == LUA_TSTRING ?
                      lua_tostring(L, -2) : "";
      if(!strcmp(k, "explain")) {
        if(!lua_isboolean(L, -1))
          luaL_argerror(L, 3, "explain: boolean expected");
        explain = lua_toboolean(L, -1);
      }
      else if(!strcmp(k, "max_items")) {
        int isnum;
        max_items = lua_tointegerx(L, -1, &isnum);
        if(!isnum || max_items < 1)
          luaL_argerror(L, 3, "max_items: positive integer expected");
      }
      else
        luaL_argerror(L, 3, lua_pushfstring(L, "unknown option '%s'", k));
      lua_pop(L, 1);
    }
  }
  if(!h->text) {
    if(icp_reader_open_text(&h->text, "request", h->schema, &err))
      return luaL_error(L, "icp: %s", err.msg);
    icp_buf_init(&h->answer, ANSWER_CAP);
  }
  memset(&b, 0, sizeof(b));
  b.pack = h->pack;
  b.rd = h->text;
  b.a = h->acct;
  b.res = h->res;
  b.explain = explain;
  b.max_items = (size_t)max_items;
  icp_buf_reset(&h->answer);
  /* no Lua call until the answer is made: nothing may unwind */
  /* as `icp score` and `icp serve`: only the fields the pack reads are
   * typed and kept (pack:score and score_file keep every field) */
  icp_schema_restrict(h->schema, 1);
  st = icp_body_score(&b, text, n, &h->answer, &err);
  icp_schema_restrict(h->schema, 0);
  icp_body_release(&b);
  if(st) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    lua_pushinteger(L, icp_body_http_status(st));
    return 3;
  }
  lua_pushlstring(L, h->answer.p ? h->answer.p : "", h->answer.len);
  return 1;
}
