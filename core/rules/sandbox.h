/*
 * sandbox.h -- the one sandboxed Lua state (HARDENING.md §Lua sandbox),
 * with two profiles: rule packs and provider configs (DESIGN §2). Both
 * get every guard below; they differ only in wording and defaults.
 *
 * Each pack (or providers file) gets its own lua_State with a memory-capped allocator and an
 * environment built from an allow-list: safe base functions, copies of
 * string (no dump, pattern functions bounded), table, math (no random) and
 * utf8. No io, os, package, require, debug, load, collectgarbage or print.
 * Every entry into Lua goes through icp_sandbox_call, which arms an
 * instruction budget; an error never escapes unprotected.
 */
#ifndef ICP_SANDBOX_H
#define ICP_SANDBOX_H

#include <stddef.h>

#include <lua.h>

#include "icp.h"

#define ICP_SANDBOX_MEM_DEFAULT (64u << 20)      /* bytes per pack state */
#define ICP_SANDBOX_LOAD_STEPS 50000000L         /* instructions to load */
#define ICP_SANDBOX_CALL_STEPS 1000000L          /* per custom rule call */
#define ICP_SANDBOX_PATTERN_SUBJECT_MAX 4096     /* bytes */
#define ICP_SANDBOX_ERROR_MAX 1024               /* kept error text */

struct icp_sandbox;

enum icp_sandbox_profile {
  ICP_SANDBOX_PACK = 0,        /* a rule pack (rules/NAME.lua) */
  ICP_SANDBOX_PROVIDERS        /* a providers config (providers.lua) */
};

/* A new sandboxed state; NULL when out of memory. The environment table is
 * left in the registry and pushed by icp_sandbox_push_env. Same as
 * icp_sandbox_new_profile(mem_cap, ICP_SANDBOX_PACK). */
struct icp_sandbox *icp_sandbox_new(size_t mem_cap);
struct icp_sandbox *icp_sandbox_new_profile(size_t mem_cap,
                                            enum icp_sandbox_profile p);
/* A pointer of the caller's (the DSL's context), kept with the state:
 * C functions registered in the environment find it with
 * icp_sandbox_ud(icp_sandbox_of(L)). */
void icp_sandbox_set_ud(struct icp_sandbox *sb, void *ud);
void *icp_sandbox_ud(const struct icp_sandbox *sb);
void icp_sandbox_free(struct icp_sandbox *sb);
lua_State *icp_sandbox_state(struct icp_sandbox *sb);
struct icp_sandbox *icp_sandbox_of(lua_State *L);

/* Pushes the pack environment. */
void icp_sandbox_push_env(struct icp_sandbox *sb);
/* Forbids new globals from now on (after the pack has loaded). */
void icp_sandbox_freeze(struct icp_sandbox *sb);

/* Loads a text chunk (never bytecode) named "@path" with the pack
 * environment as its _ENV and leaves the function on the stack. On error
 * nothing is pushed and err holds "path:line: message". */
enum icp_status icp_sandbox_load(struct icp_sandbox *sb, const char *path,
                                 const char *text, size_t len,
                                 struct icp_err *err);

/* The one place that calls into Lua: calls the function below nargs
 * arguments on the stack with an instruction budget of steps, leaving
 * nresults results (LUA_MULTRET not allowed). On error nothing is left on
 * the stack and err holds the error text (non-string errors described by
 * type, truncated to ICP_SANDBOX_ERROR_MAX with a marker). */
enum icp_status icp_sandbox_call(struct icp_sandbox *sb, int nargs,
                                 int nresults, long steps,
                                 struct icp_err *err);
/* The same with a caller buffer for the error text (up to cap bytes). */
enum icp_status icp_sandbox_call_buf(struct icp_sandbox *sb, int nargs,
                                     int nresults, long steps, char *errbuf,
                                     size_t cap);

/* Bytes currently allocated by the state. */
size_t icp_sandbox_mem(const struct icp_sandbox *sb);

/* Describes the value at idx without calling metamethods: strings as
 * themselves (truncated to cap with a marker), others as "a <type>". */
void icp_sandbox_describe(lua_State *L, int idx, char *out, size_t cap);

#endif
