/*
 * lua_account.h -- an account from a Lua table ({ domain = "acme.io",
 * employees = 250, tech = { "AWS" } }), typed through the schema exactly
 * like a CSV cell or JSONL value: strings go through icp_account_set_text
 * (so a date field takes "2026-01-05" and the domain is normalized),
 * numbers, booleans and arrays of strings map to their types.
 */
#ifndef ICP_LUA_ACCOUNT_H
#define ICP_LUA_ACCOUNT_H

#include <lua.h>

#include "icp.h"
#include "data/account.h"

/* Clears a and fills it from the table at idx. A value of an unsupported
 * type, or one that does not fit its field, fails with a message naming
 * the field (err). Nested tables with string keys flatten to dotted
 * names. */
enum icp_status icp_account_from_lua(lua_State *L, int idx,
                                     struct icp_account *a,
                                     struct icp_err *err);

#endif
