/* dsl_rule.c -- rule { }, exclude { } and route { } of a pack (DESIGN §4):
 * each declaration checked and recorded, names kept unique. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "rules/dsl.h"
#include "rules/dsl_impl.h"

/* ---- names: a hash set, so that the duplicate check stays linear ------- */

static const char *slot_name(const struct icp_pack *pack, int v)
{
  return v > 0 ? pack->rules[v - 1].name : pack->excl[-v - 1].name;
}

static int slot_line(const struct icp_pack *pack, int v)
{
  return v > 0 ? pack->rules[v - 1].line : pack->excl[-v - 1].line;
}

/* The slot of name: where it is, or the empty one where it would go. */
static size_t name_slot(const struct icp_pack *pack, const char *name)
{
  const struct icp_nameset *ns = &pack->names;
  size_t j = (size_t)icp_hash_str(name) & (ns->cap - 1);
  while(ns->slot[j] && strcmp(slot_name(pack, ns->slot[j]), name))
    j = (j + 1) & (ns->cap - 1);
  return j;
}

/* Adds v (a rule or exclude) unless its name is in already; -1 when out
 * of memory. */
static int name_add(struct icp_pack *pack, int v)
{
  struct icp_nameset *ns = &pack->names;
  size_t j;
  if((ns->n + 1) * 2 > ns->cap) {
    size_t cap = ns->cap ? ns->cap * 2 : 64, i;
    int *old = ns->slot, *nw = calloc(cap, sizeof(*nw));
    size_t ocap = ns->cap;
    if(!nw)
      return -1;
    ns->slot = nw;
    ns->cap = cap;
    for(i = 0; i < ocap; i++)
      if(old[i])
        ns->slot[name_slot(pack, slot_name(pack, old[i]))] = old[i];
    free(old);
  }
  j = name_slot(pack, slot_name(pack, v));
  if(!ns->slot[j]) {
    ns->slot[j] = v;
    ns->n++;
  }
  return 0;
}

/* The line of the first rule or exclude called name, 0 when none. */
static int name_taken(struct icp_pack *pack, const char *name)
{
  struct icp_nameset *ns = &pack->names;
  int i;
  /* bring the set up to date with the rules and excludes added since */
  while(ns->rules < pack->nrules || ns->excl < pack->nexcl) {
    int r = ns->rules < pack->nrules;
    if(name_add(pack, r ? ns->rules + 1 : -(ns->excl + 1)))
      goto scan; /* tried again next time */
    if(r)
      ns->rules++;
    else
      ns->excl++;
  }
  if(!ns->cap)
    return 0;
  i = ns->slot[name_slot(pack, name)];
  return i ? slot_line(pack, i) : 0;
scan: /* out of memory for the set: the slow way, still right */
  for(i = 0; i < pack->nrules; i++)
    if(!strcmp(pack->rules[i].name, name))
      return pack->rules[i].line;
  for(i = 0; i < pack->nexcl; i++)
    if(!strcmp(pack->excl[i].name, name))
      return pack->excl[i].line;
  return 0;
}

/* Reads `when` of table t into a registry ref (LUA_NOREF when absent). */
static int when_ref(struct icp_pack *pack, lua_State *L, int t, int line,
                    const char *what, const char *name)
{
  int ty = lua_getfield(L, t, "when");
  if(ty == LUA_TNIL) {
    lua_pop(L, 1);
    return LUA_NOREF;
  }
  if(ty != LUA_TFUNCTION && !icp_dsl_is_pred(L, -1)) {
    DIAG(pack, line, "%s:%d: %s '%s': when must be a predicate (field "
         "\"x\" :op(...), all/any/none) or a function(a), not a %s",
         pack->path, line, what, name, lua_typename(L, ty));
    lua_pop(L, 1);
    return LUA_NOREF;
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void read_bands(struct icp_pack *pack, lua_State *L, int t,
                       struct icp_rule *r)
{
  int i, n;
  if(lua_getfield(L, t, "bands") != LUA_TTABLE) {
    DIAG(pack, r->line, "%s:%d: rule '%s': bands must be a list of "
         "{lo, hi, points}", pack->path, r->line, r->name);
    lua_pop(L, 1);
    return;
  }
  n = (int)lua_rawlen(L, -1);
  if(n < 1 || n > 1000) {
    DIAG(pack, r->line, "%s:%d: rule '%s': bands must hold 1 to 1000 "
         "bands", pack->path, r->line, r->name);
    lua_pop(L, 1);
    return;
  }
  r->bands = calloc((size_t)n, sizeof(*r->bands));
  if(!r->bands) {
    icp_dsl_nomem(pack);
    lua_pop(L, 1);
    return;
  }
  for(i = 0; i < n; i++) {
    struct icp_band *b = &r->bands[r->nbands];
    int ok = 1, k;
    double v[3];
    int has[3];
    if(lua_rawgeti(L, -1, i + 1) != LUA_TTABLE) {
      DIAG(pack, r->line, "%s:%d: rule '%s': band %d must be {lo, hi, "
           "points}", pack->path, r->line, r->name, i + 1);
      lua_pop(L, 1);
      continue;
    }
    for(k = 0; k < 3; k++) {
      int ty = lua_rawgeti(L, -1, k + 1);
      has[k] = ty == LUA_TNUMBER;
      v[k] = has[k] ? lua_tonumber(L, -1) : 0;
      if((ty != LUA_TNUMBER && !(ty == LUA_TNIL && k < 2)) ||
         (has[k] && !isfinite(v[k])))
        ok = 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if(!ok || !has[2]) {
      DIAG(pack, r->line, "%s:%d: rule '%s': band %d must be {lo, hi, "
           "points} with finite numbers (nil for an open end)", pack->path,
           r->line, r->name, i + 1);
      continue;
    }
    if(has[0] && has[1] && v[0] > v[1]) {
      DIAG(pack, r->line, "%s:%d: rule '%s': band %d has lo %g above hi %g",
           pack->path, r->line, r->name, i + 1, v[0], v[1]);
      continue;
    }
    if(v[2] < 0 || v[2] > POINTS_MAX) {
      DIAG(pack, r->line, "%s:%d: rule '%s': band %d points must be in "
           "[0, 1e6] (use a separate rule with negative points for a "
           "penalty)", pack->path, r->line, r->name, i + 1);
      continue;
    }
    b->lo = v[0];
    b->hi = v[1];
    b->has_lo = has[0];
    b->has_hi = has[1];
    b->points = v[2];
    r->nbands++;
  }
  lua_pop(L, 1);
  /* overlapping bands make the matching band ambiguous */
  for(i = 0; i < r->nbands; i++) {
    int j;
    for(j = i + 1; j < r->nbands; j++) {
      const struct icp_band *a = &r->bands[i], *b = &r->bands[j];
      double alo = a->has_lo ? a->lo : -INFINITY;
      double ahi = a->has_hi ? a->hi : INFINITY;
      double blo = b->has_lo ? b->lo : -INFINITY;
      double bhi = b->has_hi ? b->hi : INFINITY;
      if(alo <= bhi && blo <= ahi)
        DIAG(pack, r->line, "%s:%d: rule '%s': bands %d and %d overlap",
             pack->path, r->line, r->name, i + 1, j + 1);
    }
  }
}

static void read_decay(struct icp_pack *pack, lua_State *L, int t,
                       struct icp_rule *r)
{
  static const char *const keys[] = { "date", "half_life_days", NULL };
  int ty = lua_getfield(L, t, "decay"), present;
  char *date;
  if(ty == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if(ty != LUA_TTABLE) {
    DIAG(pack, r->line, "%s:%d: rule '%s': decay must be { date = ..., "
         "half_life_days = ... }", pack->path, r->line, r->name);
    lua_pop(L, 1);
    return;
  }
  icp_dsl_check_known(pack, L, lua_gettop(L), "rule", r->name, r->line, keys);
  date = icp_dsl_str_field(pack, L, lua_gettop(L), "date", r->line, "rule",
                           r->name);
  r->half_life = icp_dsl_num_field(pack, L, lua_gettop(L), "half_life_days",
                                   r->line, "rule", r->name, &present);
  if(!date)
    DIAG(pack, r->line, "%s:%d: rule '%s': decay needs a date field",
         pack->path, r->line, r->name);
  else {
    /* resolved to an id when compiling: remember the name for now */
    r->decay_field = icp_schema_intern(pack->schema, date, strlen(date));
    if(icp_schema_type(pack->schema, r->decay_field) != ICP_T_DATE &&
       icp_schema_type(pack->schema, r->decay_field) != ICP_T_ANY)
      DIAG(pack, r->line, "%s:%d: rule '%s': decay date field '%s' is a "
           "%s, not a date", pack->path, r->line, r->name, date,
           icp_type_name(icp_schema_type(pack->schema, r->decay_field)));
    free(date);
  }
  if(!present || !(r->half_life > 0))
    DIAG(pack, r->line, "%s:%d: rule '%s': decay half_life_days must be a "
         "number > 0", pack->path, r->line, r->name);
  lua_pop(L, 1);
}

/* rule "name" { ... } -- the closure receiving the spec */
static int rule_spec(lua_State *L)
{
  static const char *const keys[] = { "dimension", "points", "when",
                                      "field", "bands", "decay",
                                      "description", NULL };
  struct icp_pack *pack = icp_dsl_pack(L);
  const char *name = lua_tostring(L, lua_upvalueindex(2));
  int line = (int)lua_tointeger(L, lua_upvalueindex(3)), present, taken;
  struct icp_rule *r;
  int has_when, has_bands;

  luaL_checktype(L, 1, LUA_TTABLE);
  if(icp_grow(pack->rules, pack->caprules, (size_t)pack->nrules + 1))
    return luaL_error(L, "out of memory");
  taken = name_taken(pack, name);
  if(taken)
    DIAG(pack, line, "%s:%d: rule '%s': duplicate name (first at line %d)",
         pack->path, line, name, taken);
  icp_dsl_check_known(pack, L, 1, "rule", name, line, keys);
  r = &pack->rules[pack->nrules];
  memset(r, 0, sizeof(*r));
  r->name = icp_dsl_strdup(pack, name);
  r->line = line;
  r->dim = -1;
  r->root = -1;
  r->field = -1;
  r->decay_field = -1;
  r->pred_ref = LUA_NOREF;
  if(!r->name)
    return luaL_error(L, "out of memory");
  pack->nrules++;
  r->dim_name = icp_dsl_str_field(pack, L, 1, "dimension", line, "rule", name);
  if(!r->dim_name)
    DIAG(pack, line, "%s:%d: rule '%s': dimension is required", pack->path,
         line, name);
  r->description = icp_dsl_str_field(pack, L, 1, "description", line,
                                     "rule", name);
  has_when = lua_getfield(L, 1, "when") != LUA_TNIL;
  has_bands = lua_getfield(L, 1, "bands") != LUA_TNIL;
  lua_pop(L, 2);
  if(has_when == has_bands) {
    DIAG(pack, line, "%s:%d: rule '%s': give either points + when, or "
         "field + bands", pack->path, line, name);
  }
  else if(has_when) {
    r->kind = ICP_RULE_WHEN;
    r->points = icp_dsl_num_field(pack, L, 1, "points", line, "rule", name,
                                  &present);
    if(!present)
      DIAG(pack, line, "%s:%d: rule '%s': points is required", pack->path,
           line, name);
    else if(isfinite(r->points) && fabs(r->points) > POINTS_MAX)
      DIAG(pack, line, "%s:%d: rule '%s': points %g outside [-1e6, 1e6]",
           pack->path, line, name, r->points);
    if(!isfinite(r->points))
      r->points = 0;
    r->pred_ref = when_ref(pack, L, 1, line, "rule", name);
    if(lua_getfield(L, 1, "field") != LUA_TNIL)
      DIAG(pack, line, "%s:%d: rule '%s': field goes with bands, not with "
           "when", pack->path, line, name);
    lua_pop(L, 1);
  }
  else {
    char *f;
    int i;
    r->kind = ICP_RULE_BANDS;
    if(lua_getfield(L, 1, "points") != LUA_TNIL)
      DIAG(pack, line, "%s:%d: rule '%s': a banded rule takes its points "
           "from its bands", pack->path, line, name);
    lua_pop(L, 1);
    f = icp_dsl_str_field(pack, L, 1, "field", line, "rule", name);
    if(!f)
      DIAG(pack, line, "%s:%d: rule '%s': bands need a field", pack->path,
           line, name);
    else {
      r->field = icp_schema_intern(pack->schema, f, strlen(f));
      free(f);
    }
    read_bands(pack, L, 1, r);
    for(i = 0; i < r->nbands; i++)
      if(r->bands[i].points > r->points)
        r->points = r->bands[i].points;
  }
  read_decay(pack, L, 1, r);
  return 0;
}

/* rule "name" and exclude "name": the spec function that reads the
 * table after the name (its upvalues: the pack, the name, the line). */
static int named(lua_State *L, const char *what, lua_CFunction spec)
{
  const char *name = luaL_checkstring(L, 1);
  if(!*name)
    return luaL_error(L, "%s name is empty", what);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_pushcclosure(L, spec, 3);
  return 1;
}

int icp_dsl_rule(lua_State *L)
{
  return named(L, "rule", rule_spec);
}

static int exclude_spec(lua_State *L)
{
  static const char *const keys[] = { "when", "reason", "description",
                                      NULL };
  struct icp_pack *pack = icp_dsl_pack(L);
  const char *name = lua_tostring(L, lua_upvalueindex(2));
  int line = (int)lua_tointeger(L, lua_upvalueindex(3)), taken;
  struct icp_exclude *x;
  luaL_checktype(L, 1, LUA_TTABLE);
  if(icp_grow(pack->excl, pack->capexcl, (size_t)pack->nexcl + 1))
    return luaL_error(L, "out of memory");
  taken = name_taken(pack, name);
  if(taken)
    DIAG(pack, line, "%s:%d: exclude '%s': duplicate name (first at line "
         "%d)", pack->path, line, name, taken);
  icp_dsl_check_known(pack, L, 1, "exclude", name, line, keys);
  x = &pack->excl[pack->nexcl];
  memset(x, 0, sizeof(*x));
  x->name = icp_dsl_strdup(pack, name);
  x->line = line;
  x->root = -1;
  if(!x->name)
    return luaL_error(L, "out of memory");
  pack->nexcl++;
  x->reason = icp_dsl_str_field(pack, L, 1, "reason", line, "exclude", name);
  x->pred_ref = when_ref(pack, L, 1, line, "exclude", name);
  if(x->pred_ref == LUA_NOREF)
    DIAG(pack, line, "%s:%d: exclude '%s': when is required", pack->path,
         line, name);
  return 0;
}

int icp_dsl_exclude(lua_State *L)
{
  return named(L, "exclude", exclude_spec);
}

int icp_dsl_route(lua_State *L)
{
  static const char *const keys[] = { "tier", "grade", "default", "to",
                                      "sla_hours", NULL };
  struct icp_pack *pack = icp_dsl_pack(L);
  int line = icp_dsl_caller_line(L), present;
  struct icp_route *rt;
  luaL_checktype(L, 1, LUA_TTABLE);
  if(icp_grow(pack->routes, pack->caproutes, (size_t)pack->nroutes + 1))
    return luaL_error(L, "out of memory");
  icp_dsl_check_known(pack, L, 1, "route", NULL, line, keys);
  rt = &pack->routes[pack->nroutes++];
  memset(rt, 0, sizeof(*rt));
  rt->line = line;
  rt->tier = icp_dsl_str_field(pack, L, 1, "tier", line, "route", NULL);
  rt->grade = icp_dsl_str_field(pack, L, 1, "grade", line, "route", NULL);
  rt->grade_row = rt->grade_col = -1;
  rt->to = icp_dsl_str_field(pack, L, 1, "to", line, "route", NULL);
  lua_getfield(L, 1, "default");
  rt->is_default = lua_toboolean(L, -1);
  lua_pop(L, 1);
  rt->sla_hours = icp_dsl_num_field(pack, L, 1, "sla_hours", line, "route",
                                    "sla", &present);
  rt->has_sla = present && isfinite(rt->sla_hours);
  if(rt->has_sla && rt->sla_hours < 0)
    DIAG(pack, line, "%s:%d: route: sla_hours must be >= 0", pack->path,
         line);
  if(!rt->to)
    DIAG(pack, line, "%s:%d: route: 'to' is required", pack->path, line);
  if(!!rt->tier + !!rt->grade + !!rt->is_default != 1)
    DIAG(pack, line, "%s:%d: route: give one of tier = \"...\", grade = "
         "\"...\" or default = true", pack->path, line);
  return 0;
}
