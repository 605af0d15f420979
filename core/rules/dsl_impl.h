/*
 * dsl_impl.h -- what dsl.c and dsl_rule.c share (internal to the DSL).
 *
 * Every DSL global is a C closure whose upvalue 1 is the pack. A problem
 * in the pack is a diagnostic ("path:line: ...") kept in the pack, never a
 * Lua error, so that `icp check` reports every one of them.
 */
#ifndef ICP_DSL_IMPL_H
#define ICP_DSL_IMPL_H

#include <lua.h>

#include "rules/pack.h"

#define PRED_MT "icp.predicate"
#define FIELD_MT "icp.field"
#define POINTS_MAX 1e6

#define DIAG(pack, line, ...) \
  icp_diags_add(&(pack)->diags, __VA_ARGS__)

/* The pack of the running DSL global (its upvalue 1). */
struct icp_pack *icp_dsl_pack(lua_State *L);

/* Out of memory while reading the pack: a load error, never a part of the
 * pack quietly missing. */
void icp_dsl_nomem(struct icp_pack *pack);

/* A copy of s the caller frees; when memory runs out, NULL and a load
 * error (a name or a reason that silently went missing would change what
 * the pack means). */
char *icp_dsl_strdup(struct icp_pack *pack, const char *s);

/* A diagnostic for each key of table t not in keys (NULL-terminated) and
 * for each positional value; 1 when there was one, else 0. */
int icp_dsl_check_known(struct icp_pack *pack, lua_State *L, int t,
                        const char *what, const char *name, int line,
                        const char *const *keys);

/* A finite number field of table t, or NAN with a diagnostic; *present
 * says whether the key was there at all. */
double icp_dsl_num_field(struct icp_pack *pack, lua_State *L, int t,
                         const char *key, int line, const char *what,
                         const char *name, int *present);

/* A string field of table t (a copy the caller frees), or NULL. */
char *icp_dsl_str_field(struct icp_pack *pack, lua_State *L, int t,
                        const char *key, int line, const char *what,
                        const char *name);

/* Whether the value at idx is a predicate built by field(...). */
int icp_dsl_is_pred(lua_State *L, int idx);

/* rule { }, exclude { } and route { } (dsl_rule.c). */
int icp_dsl_rule(lua_State *L);
int icp_dsl_exclude(lua_State *L);
int icp_dsl_route(lua_State *L);

#endif
