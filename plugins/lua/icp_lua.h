/*
 * icp_lua.h -- internals of the Lua 5.4 module `icp` (build/icp.so).
 *
 * The module is libicp seen from a stock lua5.4 interpreter: `require
 * "icp"` returns a table with icp.load, which makes a pack handle (a full
 * userdata of type ICP_LUA_PACK) owning its own schema, pack, reusable
 * account and result. Nothing is global: every object hangs off a handle,
 * so two packs in one interpreter, or two interpreters in two threads,
 * never interfere.
 *
 * Errors follow the Lua convention: an expected failure (a bad pack, an
 * unreadable input) returns nil, message; a misuse (a wrong argument type,
 * a closed handle) raises "bad argument #n to 'f' (...)".
 *
 * One concern per file:
 *   icp_lua.c         the module table, icp.load
 *   pack_lua.c        the pack handle: metatable, score, explain, info
 *   score_json_lua.c  pack:score_json: a JSON account in, the JSONL line of
 *                     `icp score` out (core/serve/body.h)
 *   (a Lua table into an account: core/rules/lua_account.h)
 *   result_lua.c      a struct icp_result into a Lua table
 *   score_file_lua.c  pack:score_file through icp_run, like `icp score`
 *   test_lua.c        icp.test through the runner of `icp test`
 */
#ifndef ICP_LUA_H
#define ICP_LUA_H

#include <lua.h>
#include <lauxlib.h>

#include "icp.h"
#include "data/account.h"
#include "data/schema.h"
#include "rules/lua_account.h"
#include "rules/rules.h"
#include "base/buf.h"
#include "score/score.h"

#define ICP_LUA_PACK "icp.pack"   /* metatable name of pack handles */

/* A pack handle. Everything is owned by the handle and released by
 * icp_lua_pack_release (close, __close or __gc); pack is NULL once closed.
 * The schema is the pack's own, shared with the readers of score_file. */
struct icp_lua_pack {
  struct icp_schema *schema;
  struct icp_pack *pack;
  struct icp_result *res;
  struct icp_account *acct;   /* refilled by every score/explain */
  struct icp_reader *text;    /* score_json's JSON reader, made on use */
  struct icp_buf answer;      /* score_json's answer, reused */
};

/* The entry point of `require "icp"`. Stack: -> module table. */
LUAMOD_API int luaopen_icp(lua_State *L);

/* ---- pack_lua.c -------------------------------------------------------- */

/* Registers the ICP_LUA_PACK metatable (methods via __index). */
void icp_lua_pack_register(lua_State *L);
/* Pushes a new, empty, open handle (not yet loaded); raises on out of
 * memory. Stack: -> handle. */
struct icp_lua_pack *icp_lua_pack_push(lua_State *L);
/* Frees what the handle owns; the handle is closed afterwards. Idempotent. */
void icp_lua_pack_release(struct icp_lua_pack *h);
/* The open handle at arg, raising "bad argument" for another type and an
 * error for a closed handle. */
struct icp_lua_pack *icp_lua_pack_check(lua_State *L, int arg);

/* ---- result_lua.c ------------------------------------------------------ */

/* Set t[k] on the table on top to v; icp_lua_set_str sets nothing when s
 * is NULL. Stack: t -> t. */
void icp_lua_set_num(lua_State *L, const char *k, double v);
void icp_lua_set_int(lua_State *L, const char *k, lua_Integer v);
void icp_lua_set_str(lua_State *L, const char *k, const char *s);

/* Pushes a typed value: string, number, boolean, a list as an array of
 * strings, a date as "YYYY-MM-DD", missing as nil. Stack: -> value. */
void icp_lua_push_value(lua_State *L, const struct icp_value *v);
/* Pushes the result table of DESIGN §4 (domain, score, tier, dimensions,
 * coverage, fired, unknown, excluded_by, route, sla_hours, pack, errors and
 * evidence when any) and, with explain, every rule's outcome and the values
 * it read. Stack: -> result. */
void icp_lua_push_result(lua_State *L, const struct icp_pack *p,
                         const struct icp_account *a,
                         const struct icp_result *r, int explain);
/* Pushes pack:info(): name, version, dimensions, tiers, rules, excludes,
 * routes. Stack: -> info. */
void icp_lua_push_info(lua_State *L, const struct icp_pack *p);

/* ---- score_file_lua.c -------------------------------------------------- */

/* pack:score_file(input, output[, opts]) */
int icp_lua_score_file(lua_State *L);

/* ---- score_json_lua.c -------------------------------------------------- */

/* pack:score_json(text[, opts]) */
int icp_lua_score_json(lua_State *L);

/* ---- test_lua.c -------------------------------------------------------- */

/* Sets icp.test on the module table on top. Stack: icp -> icp. */
void icp_lua_test_register(lua_State *L);

#endif
