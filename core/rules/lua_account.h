/*
 * lua_account.h -- an account from a Lua table ({ domain = "acme.io",
 * employees = 250, tech = { "AWS" } }), typed the way the JSONL reader
 * types a line: strings go through icp_account_set_text (so a date field
 * takes "2026-01-05" and the domain is normalized), numbers and booleans
 * keep their type where the field allows it, arrays become lists and
 * nested tables dotted names. Used by the Lua module (pack:score) and by
 * pack test cases.
 */
#ifndef ICP_LUA_ACCOUNT_H
#define ICP_LUA_ACCOUNT_H

#include <lua.h>

#include "icp.h"
#include "data/account.h"

/* Clears a and fills it from the table at arg. A value that does not fit
 * its field's type leaves the field missing and appends a message to the
 * table at warn. Raises "bad argument #arg" (a Lua error: call it from a
 * Lua C function or a protected call) for a non-table, a non-string key,
 * an unsupported value type, or a limit. */
void icp_account_fill_lua(lua_State *L, int arg, struct icp_account *a,
                          int warn);

#endif
