/*
 * result_lua.c -- results and pack descriptions as Lua tables. The result
 * table carries the members of the JSONL line of `icp score` (emit.c),
 * with the same names and values, so a script and an export agree.
 */
#include <math.h>

#include "data/value.h"
#include "icp_lua.h"

static const char *const outcome_names[] = { "not_fired", "fired",
                                             "unknown" };

/* ---- helpers ----------------------------------------------------------- */

void icp_lua_set_num(lua_State *L, const char *k, double v)
{
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

void icp_lua_set_int(lua_State *L, const char *k, lua_Integer v)
{
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

void icp_lua_set_str(lua_State *L, const char *k, const char *s)
{
  if(!s)
    return;
  lua_pushstring(L, s);
  lua_setfield(L, -2, k);
}

/* Appends s to the array on top. Stack: array -> array. */
static void append(lua_State *L, const char *s)
{
  lua_pushstring(L, s);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

void icp_lua_push_value(lua_State *L, const struct icp_value *v)
{
  char date[11];
  uint32_t i;
  switch(v->type) {
  case ICP_T_STRING:
    lua_pushlstring(L, v->u.str, v->n);
    break;
  case ICP_T_NUMBER:
    /* whole numbers read back as integers, as they were most likely
     * given (employees = 250, not 250.0) */
    if(v->u.num == floor(v->u.num) && fabs(v->u.num) < 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)v->u.num);
    else
      lua_pushnumber(L, v->u.num);
    break;
  case ICP_T_BOOL:
    lua_pushboolean(L, v->u.b);
    break;
  case ICP_T_DATE:
    icp_format_date(v->u.day, date);
    lua_pushlstring(L, date, 10);
    break;
  case ICP_T_LIST:
    lua_createtable(L, (int)v->n, 0);
    for(i = 0; i < v->n; i++) {
      lua_pushlstring(L, v->u.list[i].p, v->u.list[i].n);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  default:
    lua_pushnil(L);
  }
}

/* ---- explain ----------------------------------------------------------- */

/* Sets fields (names read, in order), reads (name -> value; missing
 * values are absent) and sources (name -> source) on the table on top. */
static void push_reads(lua_State *L, const struct icp_pack *p,
                       const struct icp_account *a, const int *ids, int n)
{
  int i;
  lua_createtable(L, n, 0);                        /* t, fields */
  for(i = 0; i < n; i++)
    append(L, icp_schema_name(p->schema, ids[i]));
  lua_setfield(L, -2, "fields");
  lua_createtable(L, 0, n);                        /* t, reads */
  for(i = 0; i < n; i++) {
    icp_lua_push_value(L, icp_account_get(a, ids[i]));
    lua_setfield(L, -2, icp_schema_name(p->schema, ids[i]));
  }
  lua_setfield(L, -2, "reads");
  lua_createtable(L, 0, n);                        /* t, sources */
  for(i = 0; i < n; i++) {
    int src = icp_account_source(a, ids[i]);
    if(src >= 0)
      icp_lua_set_str(L, icp_schema_name(p->schema, ids[i]),
                      icp_schema_source_name(p->schema, src));
  }
  lua_setfield(L, -2, "sources");
}

/* Pushes { rules = { {rule=, dimension=, outcome=, points=, earned=,
 * decay=, band=, fields=, reads=, sources=, evidence=, error=}, ... },
 * excludes = { {exclude=, outcome=, fields=, reads=, sources=, error=},
 * ... } }, in pack order. */
static void push_explain(lua_State *L, const struct icp_pack *p,
                         const struct icp_account *a,
                         const struct icp_result *r)
{
  int i;
  lua_createtable(L, 0, 2);                        /* explain */
  lua_createtable(L, p->nrules, 0);                /* explain, rules */
  for(i = 0; i < p->nrules; i++) {
    const struct icp_rule *rule = &p->rules[i];
    lua_createtable(L, 0, 10);                     /* ..., rules, rule */
    icp_lua_set_str(L, "rule", rule->name);
    icp_lua_set_str(L, "dimension", p->dims[rule->dim].name);
    icp_lua_set_str(L, "outcome", outcome_names[r->outcome[i]]);
    icp_lua_set_num(L, "points", rule->points);
    icp_lua_set_num(L, "earned", r->earned[i]);
    if(rule->decay_field >= 0)
      icp_lua_set_num(L, "decay", r->decay[i]);
    if(rule->kind == ICP_RULE_BANDS && r->band[i] >= 0)
      icp_lua_set_int(L, "band", r->band[i] + 1);
    if(rule->nreads)
      push_reads(L, p, a, rule->reads, rule->nreads);
    else
      push_reads(L, p, a, r->reads + r->read_off[i], r->read_n[i]);
    icp_lua_set_str(L, "evidence", icp_result_evidence(r, i));
    icp_lua_set_str(L, "error", icp_result_error(r, i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "rules");
  lua_createtable(L, p->nexcl, 0);                 /* explain, excludes */
  for(i = 0; i < p->nexcl; i++) {
    int k = p->nrules + i;
    lua_createtable(L, 0, 6);
    icp_lua_set_str(L, "exclude", p->excl[i].name);
    icp_lua_set_str(L, "outcome", outcome_names[r->xoutcome[i]]);
    if(p->excl[i].nreads)
      push_reads(L, p, a, p->excl[i].reads, p->excl[i].nreads);
    else
      push_reads(L, p, a, r->reads + r->read_off[k], r->read_n[k]);
    icp_lua_set_str(L, "error", icp_result_error(r, k));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "excludes");
}

/* ---- the result -------------------------------------------------------- */

void icp_lua_push_result(lua_State *L, const struct icp_pack *p,
                         const struct icp_account *a,
                         const struct icp_result *r, int explain)
{
  int i, any;
  lua_createtable(L, 0, 16);                       /* result */
  icp_lua_set_str(L, "domain", icp_account_domain(a));
  icp_lua_set_num(L, "score", r->score);
  icp_lua_set_str(L, "tier", r->tier_name);
  icp_lua_set_str(L, "grade", r->grade);           /* nil without one */
  lua_createtable(L, 0, p->ndims);                 /* result, dimensions */
  for(i = 0; i < p->ndims; i++)
    icp_lua_set_num(L, p->dims[i].name, r->dim[i]);
  lua_setfield(L, -2, "dimensions");
  icp_lua_set_num(L, "coverage", r->coverage);
  lua_newtable(L);                                 /* result, fired */
  for(i = 0; i < p->nrules; i++)
    if(r->outcome[i] == ICP_TRUE)
      icp_lua_set_num(L, p->rules[i].name, r->earned[i]);
  lua_setfield(L, -2, "fired");
  lua_newtable(L);                                 /* result, unknown */
  for(i = 0; i < p->nrules; i++)
    if(r->outcome[i] == ICP_UNKNOWN)
      append(L, p->rules[i].name);
  lua_setfield(L, -2, "unknown");
  lua_newtable(L);                                 /* result, excluded_by */
  for(i = 0; i < p->nexcl; i++)
    if(r->xoutcome[i] == ICP_TRUE)
      append(L, p->excl[i].name);
  lua_setfield(L, -2, "excluded_by");
  icp_lua_set_str(L, "route", r->route);
  if(r->route_def && r->route_def->has_sla)
    icp_lua_set_num(L, "sla_hours", r->route_def->sla_hours);
  lua_createtable(L, 0, 2);                        /* result, pack */
  icp_lua_set_str(L, "name", p->name);
  icp_lua_set_str(L, "version", p->version);
  lua_setfield(L, -2, "pack");
  if(r->nerrors) {
    lua_newtable(L);                               /* result, errors */
    for(i = 0; i < p->nrules + p->nexcl; i++)
      icp_lua_set_str(L, i < p->nrules ? p->rules[i].name :
                      p->excl[i - p->nrules].name, icp_result_error(r, i));
    lua_setfield(L, -2, "errors");
  }
  for(i = 0, any = 0; i < p->nrules; i++)
    any |= icp_result_evidence(r, i) != NULL;
  if(any) {
    lua_newtable(L);                               /* result, evidence */
    for(i = 0; i < p->nrules; i++)
      icp_lua_set_str(L, p->rules[i].name, icp_result_evidence(r, i));
    lua_setfield(L, -2, "evidence");
  }
  if(explain) {
    push_explain(L, p, a, r);                      /* result, explain */
    lua_setfield(L, -2, "explain");
  }
}

/* ---- pack:info() ------------------------------------------------------- */

void icp_lua_push_info(lua_State *L, const struct icp_pack *p)
{
  char date[11];
  int i;
  lua_createtable(L, 0, 12);                       /* info */
  icp_lua_set_str(L, "name", p->name);
  icp_lua_set_str(L, "version", p->version);
  icp_lua_set_str(L, "description", p->description);
  icp_lua_set_str(L, "path", p->path);
  icp_format_date(p->as_of, date);
  icp_lua_set_str(L, "as_of", date);
  if(p->has_min_coverage)
    icp_lua_set_num(L, "min_coverage", p->min_coverage);
  lua_createtable(L, p->ndims, 0);                 /* info, dimensions */
  for(i = 0; i < p->ndims; i++) {
    lua_createtable(L, 0, 4);
    icp_lua_set_str(L, "name", p->dims[i].name);
    icp_lua_set_num(L, "weight", p->dims[i].weight);
    icp_lua_set_num(L, "max", p->dims[i].max);
    icp_lua_set_int(L, "rules", p->dims[i].nrules);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "dimensions");
  lua_createtable(L, p->ntiers, 0);                /* info, tiers */
  for(i = 0; i < p->ntiers; i++) {
    lua_createtable(L, 0, 2);
    icp_lua_set_str(L, "name", p->tiers[i].name);
    icp_lua_set_num(L, "threshold", p->tiers[i].threshold);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "tiers");
  lua_createtable(L, p->nrules, 0);                /* info, rules */
  for(i = 0; i < p->nrules; i++) {
    const struct icp_rule *rule = &p->rules[i];
    lua_createtable(L, 0, 7);
    icp_lua_set_str(L, "name", rule->name);
    icp_lua_set_str(L, "dimension", p->dims[rule->dim].name);
    icp_lua_set_num(L, "points", rule->points);
    icp_lua_set_str(L, "kind",
                    rule->kind == ICP_RULE_BANDS ? "bands" : "when");
    icp_lua_set_int(L, "line", rule->line);
    if(rule->decay_field >= 0)
      icp_lua_set_num(L, "half_life_days", rule->half_life);
    icp_lua_set_str(L, "description", rule->description);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "rules");
  lua_createtable(L, p->nexcl, 0);                 /* info, excludes */
  for(i = 0; i < p->nexcl; i++) {
    lua_createtable(L, 0, 3);
    icp_lua_set_str(L, "name", p->excl[i].name);
    icp_lua_set_str(L, "reason", p->excl[i].reason);
    icp_lua_set_int(L, "line", p->excl[i].line);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "excludes");
  lua_createtable(L, p->nroutes, 0);               /* info, routes */
  for(i = 0; i < p->nroutes; i++) {
    const struct icp_route *rt = &p->routes[i];
    lua_createtable(L, 0, 4);
    icp_lua_set_str(L, "tier", rt->tier);
    icp_lua_set_str(L, "grade", rt->grade);
    if(rt->is_default) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "default");
    }
    icp_lua_set_str(L, "to", rt->to);
    if(rt->has_sla)
      icp_lua_set_num(L, "sla_hours", rt->sla_hours);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "routes");
  lua_createtable(L, icp_pack_nwarnings(p), 0);    /* info, warnings */
  for(i = 0; i < icp_pack_nwarnings(p); i++)
    append(L, icp_pack_warning(p, i));
  lua_setfield(L, -2, "warnings");
}
