/*
 * dsl.h -- the globals a rule pack is written with (DESIGN §4).
 *
 * profile, fields, rule, exclude, route, field, all, any, none. Running a
 * pack chunk records what it declares into the pack; problems are collected
 * as diagnostics ("path:line: ...") rather than raised, so that `icp check`
 * reports every one of them. Predicates are recorded as Lua tables with a
 * private metatable and compiled to the C plan by icp_dsl_compile once the
 * whole chunk has run (so fields{} may come after the rules using them).
 */
#ifndef ICP_DSL_H
#define ICP_DSL_H

#include "rules/pack.h"

/* Installs the DSL globals into the pack's environment. */
enum icp_status icp_dsl_install(struct icp_pack *pack, struct icp_err *err);
/* Validates what the chunk declared and compiles every predicate. */
void icp_dsl_compile(struct icp_pack *pack);

/* validate { ... } (dsl_validate.c); its upvalue 1 is the pack. */
int icp_dsl_validate(lua_State *L);

/* grade { rows = ..., cols = ... } (dsl_grade.c); upvalue 1 is the
 * pack. icp_grade_compile resolves its dimensions and the routes on a
 * grade once the chunk has run; icp_grade_free releases it. */
int icp_dsl_grade(lua_State *L);
void icp_grade_compile(struct icp_pack *pack);
void icp_grade_free(struct icp_grade *g);

/* The line of the Lua code calling the current C function (0 if none). */
int icp_dsl_caller_line(lua_State *L);

#endif
