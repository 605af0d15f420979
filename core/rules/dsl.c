/* dsl.c -- the rule pack DSL: declarations recorded into the pack. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/value.h"
#include "base/suggest.h"
#include "rules/dsl.h"

#define PRED_MT "icp.predicate"
#define FIELD_MT "icp.field"
#define POINTS_MAX 1e6

int icp_dsl_caller_line(lua_State *L)
{
  lua_Debug ar;
  if(lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
    return ar.currentline > 0 ? ar.currentline : 0;
  return 0;
}

static struct icp_pack *pack_of(lua_State *L)
{
  return lua_touserdata(L, lua_upvalueindex(1));
}

/* Out of memory while reading the pack: a load error, never a part of the
 * pack quietly missing. */
static void nomem(struct icp_pack *pack)
{
  icp_diags_add(&pack->diags, "%s: out of memory loading the pack",
                pack->path);
}

/* A copy of s; when memory runs out, NULL and a load error (a name or a
 * reason that silently went missing would change what the pack means). */
static char *dupstr(struct icp_pack *pack, const char *s)
{
  char *c = icp_strdup(s);
  if(!c)
    nomem(pack);
  return c;
}

#define DIAG(pack, line, ...) \
  icp_diags_add(&(pack)->diags, __VA_ARGS__)

/* ---- predicates ---------------------------------------------------------- */

/* field "path" -> a field reference whose methods build predicates */
static int dsl_field(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  if(!*path)
    return luaL_error(L, "field name is empty");
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "field");
  luaL_setmetatable(L, FIELD_MT);
  return 1;
}

/* field:op(args...) -> { op=, field=, args={...}, line= } */
static int pred_method(lua_State *L)
{
  const char *op = lua_tostring(L, lua_upvalueindex(1));
  int n = lua_gettop(L), i;
  if(!luaL_testudata(L, 1, FIELD_MT) && !(lua_type(L, 1) == LUA_TTABLE &&
     lua_getmetatable(L, 1) &&
     (luaL_getmetatable(L, FIELD_MT), lua_rawequal(L, -1, -2))))
    return luaL_error(L, "%s must be called as field \"name\" :%s(...)",
                      op, op);
  lua_settop(L, n);
  lua_createtable(L, 0, 4);                 /* pred */
  lua_pushstring(L, op);
  lua_setfield(L, -2, "op");
  lua_getfield(L, 1, "field");
  lua_setfield(L, -2, "field");
  lua_createtable(L, n - 1, 0);
  for(i = 2; i <= n; i++) {
    lua_pushvalue(L, i);
    lua_rawseti(L, -2, i - 1);
  }
  lua_pushinteger(L, n - 1);
  lua_setfield(L, -2, "n");
  lua_setfield(L, -2, "args");
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_setfield(L, -2, "line");
  luaL_setmetatable(L, PRED_MT);
  return 1;
}

/* field "x" :typo(...): a located diagnostic with a did-you-mean when it
 * is called; the load goes on (so that `icp check` reports every other
 * problem) with a stand-in predicate, and the pack cannot score. */
static int typo_method(lua_State *L)
{
  struct icp_pack *pack = lua_touserdata(L, lua_upvalueindex(1));
  const char *const *methods = lua_touserdata(L, lua_upvalueindex(2));
  const char *name = lua_tostring(L, lua_upvalueindex(3));
  const char *hint;
  size_t n = 0;
  int line = icp_dsl_caller_line(L);
  while(methods[n])
    n++;
  hint = icp_suggest(name, methods, n);
  DIAG(pack, line, "%s:%d: unknown predicate ':%s'%s%s%s", pack->path,
       line, name, hint ? " (did you mean ':" : " (predicates: eq ne lt lte gt gte "
       "between one_of has has_any has_all contains exists missing is_true "
       "is_false within_days older_than_days)",
       hint ? hint : "", hint ? "'?)" : "");
  lua_settop(L, 1);                         /* the field reference */
  lua_pushliteral(L, "exists");
  lua_pushcclosure(L, pred_method, 1);
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

/* __index of the predicate methods: a name that is none of them */
static int unknown_method(lua_State *L)
{
  if(lua_type(L, 2) != LUA_TSTRING)
    return 0;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, typo_method, 3);
  return 1;
}

/* all{...} / any{...} / none{...} */
static int combinator(lua_State *L)
{
  const char *op = lua_tostring(L, lua_upvalueindex(1));
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_createtable(L, 0, 3);
  lua_pushstring(L, op);
  lua_setfield(L, -2, "op");
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "kids");
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_setfield(L, -2, "line");
  luaL_setmetatable(L, PRED_MT);
  return 1;
}

/* ---- declarations -------------------------------------------------------- */

static int check_known(struct icp_pack *pack, lua_State *L, int t,
                       const char *what, const char *name, int line,
                       const char *const *keys)
{
  int bad = 0;
  lua_pushnil(L);
  while(lua_next(L, t)) {
    const char *const *k;
    int ok = 0;
    lua_pop(L, 1);
    if(lua_type(L, -1) == LUA_TSTRING) {
      for(k = keys; *k; k++)
        if(!strcmp(*k, lua_tostring(L, -1)))
          ok = 1;
      if(!ok) {
        size_t nk = 0;
        const char *hint;
        while(keys[nk])
          nk++;
        hint = icp_suggest(lua_tostring(L, -1), keys, nk);
        DIAG(pack, line, "%s:%d: %s%s%s%s: unknown key '%s'%s%s%s",
             pack->path, line, what, name ? " '" : "", name ? name : "",
             name ? "'" : "", lua_tostring(L, -1),
             hint ? " (did you mean '" : "", hint ? hint : "",
             hint ? "'?)" : "");
        bad = 1;
      }
    }
    else {
      DIAG(pack, line, "%s:%d: %s%s%s%s: unexpected positional value",
           pack->path, line, what, name ? " '" : "", name ? name : "",
           name ? "'" : "");
      bad = 1;
    }
  }
  return bad;
}

/* A finite number field of table t, or NAN with a diagnostic. */
static double num_field(struct icp_pack *pack, lua_State *L, int t,
                        const char *key, int line, const char *what,
                        const char *name, int *present)
{
  double v = NAN;
  int ty = lua_getfield(L, t, key);
  *present = ty != LUA_TNIL;
  if(ty == LUA_TNUMBER) {
    v = lua_tonumber(L, -1);
    if(!isfinite(v)) {
      DIAG(pack, line, "%s:%d: %s '%s': %s must be finite", pack->path,
           line, what, name, key);
      v = NAN;
    }
  }
  else if(ty != LUA_TNIL)
    DIAG(pack, line, "%s:%d: %s '%s': %s must be a number, not a %s",
         pack->path, line, what, name, key, lua_typename(L, ty));
  lua_pop(L, 1);
  return v;
}

/* A string field of table t (a copy the caller frees), or NULL. */
static char *str_field(struct icp_pack *pack, lua_State *L, int t,
                       const char *key, int line, const char *what,
                       const char *name)
{
  char *s = NULL;
  int ty = lua_getfield(L, t, key);
  if(ty == LUA_TSTRING)
    s = dupstr(pack, lua_tostring(L, -1));
  else if(ty != LUA_TNIL)
    DIAG(pack, line, "%s:%d: %s%s%s%s: %s must be a string, not a %s",
         pack->path, line, what, name ? " '" : "", name ? name : "",
         name ? "'" : "", key, lua_typename(L, ty));
  lua_pop(L, 1);
  return s;
}

static int is_pred(lua_State *L, int idx)
{
  int r;
  if(lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
    return 0;
  luaL_getmetatable(L, PRED_MT);
  r = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return r;
}

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
  if(ty != LUA_TFUNCTION && !is_pred(L, -1)) {
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
    nomem(pack);
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
  check_known(pack, L, lua_gettop(L), "rule", r->name, r->line, keys);
  date = str_field(pack, L, lua_gettop(L), "date", r->line, "rule",
                   r->name);
  r->half_life = num_field(pack, L, lua_gettop(L), "half_life_days",
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
  struct icp_pack *pack = pack_of(L);
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
  check_known(pack, L, 1, "rule", name, line, keys);
  r = &pack->rules[pack->nrules];
  memset(r, 0, sizeof(*r));
  r->name = dupstr(pack, name);
  r->line = line;
  r->dim = -1;
  r->root = -1;
  r->field = -1;
  r->decay_field = -1;
  r->pred_ref = LUA_NOREF;
  if(!r->name)
    return luaL_error(L, "out of memory");
  pack->nrules++;
  r->dim_name = str_field(pack, L, 1, "dimension", line, "rule", name);
  if(!r->dim_name)
    DIAG(pack, line, "%s:%d: rule '%s': dimension is required", pack->path,
         line, name);
  r->description = str_field(pack, L, 1, "description", line, "rule", name);
  has_when = lua_getfield(L, 1, "when") != LUA_TNIL;
  has_bands = lua_getfield(L, 1, "bands") != LUA_TNIL;
  lua_pop(L, 2);
  if(has_when == has_bands) {
    DIAG(pack, line, "%s:%d: rule '%s': give either points + when, or "
         "field + bands", pack->path, line, name);
  }
  else if(has_when) {
    r->kind = ICP_RULE_WHEN;
    r->points = num_field(pack, L, 1, "points", line, "rule", name,
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
    f = str_field(pack, L, 1, "field", line, "rule", name);
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

static int dsl_rule(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  if(!*name)
    return luaL_error(L, "rule name is empty");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_pushcclosure(L, rule_spec, 3);
  return 1;
}

static int exclude_spec(lua_State *L)
{
  static const char *const keys[] = { "when", "reason", "description",
                                      NULL };
  struct icp_pack *pack = pack_of(L);
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
  check_known(pack, L, 1, "exclude", name, line, keys);
  x = &pack->excl[pack->nexcl];
  memset(x, 0, sizeof(*x));
  x->name = dupstr(pack, name);
  x->line = line;
  x->root = -1;
  if(!x->name)
    return luaL_error(L, "out of memory");
  pack->nexcl++;
  x->reason = str_field(pack, L, 1, "reason", line, "exclude", name);
  x->pred_ref = when_ref(pack, L, 1, line, "exclude", name);
  if(x->pred_ref == LUA_NOREF)
    DIAG(pack, line, "%s:%d: exclude '%s': when is required", pack->path,
         line, name);
  return 0;
}

static int dsl_exclude(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  if(!*name)
    return luaL_error(L, "exclude name is empty");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushinteger(L, icp_dsl_caller_line(L));
  lua_pushcclosure(L, exclude_spec, 3);
  return 1;
}

static int dsl_route(lua_State *L)
{
  static const char *const keys[] = { "tier", "grade", "default", "to",
                                      "sla_hours", NULL };
  struct icp_pack *pack = pack_of(L);
  int line = icp_dsl_caller_line(L), present;
  struct icp_route *rt;
  luaL_checktype(L, 1, LUA_TTABLE);
  if(icp_grow(pack->routes, pack->caproutes, (size_t)pack->nroutes + 1))
    return luaL_error(L, "out of memory");
  check_known(pack, L, 1, "route", NULL, line, keys);
  rt = &pack->routes[pack->nroutes++];
  memset(rt, 0, sizeof(*rt));
  rt->line = line;
  rt->tier = str_field(pack, L, 1, "tier", line, "route", NULL);
  rt->grade = str_field(pack, L, 1, "grade", line, "route", NULL);
  rt->grade_row = rt->grade_col = -1;
  rt->to = str_field(pack, L, 1, "to", line, "route", NULL);
  lua_getfield(L, 1, "default");
  rt->is_default = lua_toboolean(L, -1);
  lua_pop(L, 1);
  rt->sla_hours = num_field(pack, L, 1, "sla_hours", line, "route", "sla",
                            &present);
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

static int dsl_fields(lua_State *L)
{
  struct icp_pack *pack = pack_of(L);
  int line = icp_dsl_caller_line(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    struct icp_err err;
    int t = -1;
    if(lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
      DIAG(pack, line, "%s:%d: fields: write name = \"type\" (string, "
           "number, bool, list or date)", pack->path, line);
    else if((t = icp_type_from_name(lua_tostring(L, -1))) < 0)
      DIAG(pack, line, "%s:%d: fields: '%s' has unknown type '%s' (string, "
           "number, bool, list or date)", pack->path, line,
           lua_tostring(L, -2), lua_tostring(L, -1));
    else if(icp_schema_declare(pack->schema, lua_tostring(L, -2),
                               (enum icp_type)t, &err))
      DIAG(pack, line, "%s:%d: fields: %s", pack->path, line, err.msg);
    lua_pop(L, 1);
  }
  return 0;
}

static int dim_cmp(const void *a, const void *b)
{
  const struct icp_dim *x = a, *y = b;
  if(x->weight != y->weight)
    return x->weight > y->weight ? -1 : 1;
  return strcmp(x->name, y->name);
}

static void read_dimensions(struct icp_pack *pack, lua_State *L, int line)
{
  int n = 0;
  if(lua_getfield(L, 1, "dimensions") != LUA_TTABLE) {
    DIAG(pack, line, "%s:%d: profile: dimensions = { fit = 50, ... } is "
         "required", pack->path, line);
    lua_pop(L, 1);
    return;
  }
  lua_pushnil(L);
  while(lua_next(L, -2)) {
    n++;
    lua_pop(L, 1);
  }
  pack->dims = calloc((size_t)(n ? n : 1), sizeof(*pack->dims));
  if(!pack->dims) {
    nomem(pack);
    lua_pop(L, 1);
    return;
  }
  lua_pushnil(L);
  while(lua_next(L, -2)) {
    if(lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TNUMBER)
      DIAG(pack, line, "%s:%d: profile: dimensions are name = weight",
           pack->path, line);
    else {
      double w = lua_tonumber(L, -1);
      if(!isfinite(w) || w <= 0)
        DIAG(pack, line, "%s:%d: profile: dimension '%s' weight must be "
             "finite and > 0", pack->path, line, lua_tostring(L, -2));
      else {
        struct icp_dim *d = &pack->dims[pack->ndims];
        d->name = dupstr(pack, lua_tostring(L, -2));
        d->weight = w;
        if(d->name) /* else out of memory, said by dupstr */
          pack->ndims++;
      }
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if(!pack->ndims)
    DIAG(pack, line, "%s:%d: profile: no dimensions", pack->path, line);
  qsort(pack->dims, (size_t)pack->ndims, sizeof(*pack->dims), dim_cmp);
}

static int reserved_tier(const char *s)
{
  return !strcmp(s, "excluded") || !strcmp(s, "insufficient_data") ||
         !strcmp(s, "unranked");
}

static void read_tiers(struct icp_pack *pack, lua_State *L, int line)
{
  int n, i;
  if(lua_getfield(L, 1, "tiers") != LUA_TTABLE) {
    DIAG(pack, line, "%s:%d: profile: tiers = { {\"A\", 80}, ... } is "
         "required", pack->path, line);
    lua_pop(L, 1);
    return;
  }
  n = (int)lua_rawlen(L, -1);
  if(n < 1 || n > 100) {
    DIAG(pack, line, "%s:%d: profile: tiers must hold 1 to 100 tiers",
         pack->path, line);
    lua_pop(L, 1);
    return;
  }
  pack->tiers = calloc((size_t)n, sizeof(*pack->tiers));
  if(!pack->tiers) {
    nomem(pack);
    lua_pop(L, 1);
    return;
  }
  for(i = 1; i <= n; i++) {
    int top = lua_gettop(L);
    int ok = lua_rawgeti(L, -1, i) == LUA_TTABLE;
    if(ok) {
      ok = lua_rawgeti(L, -1, 1) == LUA_TSTRING;
      ok = (lua_rawgeti(L, -2, 2) == LUA_TNUMBER) && ok;
    }
    if(!ok)
      DIAG(pack, line, "%s:%d: profile: tier %d must be {\"name\", "
           "threshold}", pack->path, line, i);
    else {
      const char *name = lua_tostring(L, -2);
      double th = lua_tonumber(L, -1);
      int j;
      if(!isfinite(th) || th < 0 || th > 100)
        DIAG(pack, line, "%s:%d: profile: tier '%s' threshold must be in "
             "[0, 100]", pack->path, line, name);
      else if(reserved_tier(name) || !*name)
        DIAG(pack, line, "%s:%d: profile: '%s' cannot name a tier",
             pack->path, line, name);
      else {
        for(j = 0; j < pack->ntiers; j++) {
          if(!strcmp(pack->tiers[j].name, name))
            DIAG(pack, line, "%s:%d: profile: tier '%s' appears twice",
                 pack->path, line, name);
          else if(pack->tiers[j].threshold <= th)
            DIAG(pack, line, "%s:%d: profile: tiers must be in descending "
                 "order of threshold ('%s' %g after '%s' %g)", pack->path,
                 line, name, th, pack->tiers[j].name,
                 pack->tiers[j].threshold);
        }
        pack->tiers[pack->ntiers].name = dupstr(pack, name);
        pack->tiers[pack->ntiers].threshold = th;
        if(pack->tiers[pack->ntiers].name)
          pack->ntiers++;
      }
    }
    lua_settop(L, top);
  }
  lua_pop(L, 1);
}

static int dsl_profile(lua_State *L)
{
  static const char *const keys[] = { "name", "version", "dimensions",
                                      "tiers", "min_coverage",
                                      "description", NULL };
  struct icp_pack *pack = pack_of(L);
  int line = icp_dsl_caller_line(L), present;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  if(pack->profile_line) {
    DIAG(pack, line, "%s:%d: profile: declared twice (first at line %d)",
         pack->path, line, pack->profile_line);
    return 0;
  }
  pack->profile_line = line ? line : 1;
  check_known(pack, L, 1, "profile", NULL, line, keys);
  pack->name = str_field(pack, L, 1, "name", line, "profile", NULL);
  if(!pack->name)
    DIAG(pack, line, "%s:%d: profile: name is required", pack->path, line);
  pack->version = str_field(pack, L, 1, "version", line, "profile", NULL);
  pack->description = str_field(pack, L, 1, "description", line, "profile",
                                NULL);
  pack->min_coverage = num_field(pack, L, 1, "min_coverage", line,
                                 "profile", "min_coverage", &present);
  pack->has_min_coverage = present && isfinite(pack->min_coverage);
  if(pack->has_min_coverage &&
     (pack->min_coverage < 0 || pack->min_coverage > 1))
    DIAG(pack, line, "%s:%d: profile: min_coverage must be in [0, 1]",
         pack->path, line);
  read_dimensions(pack, L, line);
  lua_settop(L, 1);
  read_tiers(pack, L, line);
  return 0;
}

enum icp_status icp_dsl_install(struct icp_pack *pack, struct icp_err *err)
{
  static const char *const methods[] = {
    "eq", "ne", "lt", "lte", "gt", "gte", "between", "one_of", "has",
    "has_any", "has_all", "contains", "exists", "missing", "is_true",
    "is_false", "within_days", "older_than_days", NULL
  };
  static const char *const combinators[] = { "all", "any", "none", NULL };
  static const struct {
    const char *name;
    lua_CFunction fn;
  } globals[] = {
    { "profile", dsl_profile }, { "fields", dsl_fields },
    { "rule", dsl_rule }, { "exclude", dsl_exclude },
    { "route", dsl_route }, { "field", dsl_field },
    { "validate", icp_dsl_validate }, { "grade", icp_dsl_grade },
  };
  lua_State *L = icp_sandbox_state(pack->sb);
  const char *const *m;
  size_t i;

  if(!lua_checkstack(L, 8))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  luaL_newmetatable(L, PRED_MT);
  lua_pushliteral(L, "predicate");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  luaL_newmetatable(L, FIELD_MT);
  lua_newtable(L);
  for(m = methods; *m; m++) {
    lua_pushstring(L, *m);
    lua_pushcclosure(L, pred_method, 1);
    lua_setfield(L, -2, *m);
  }
  lua_createtable(L, 0, 1);                 /* methods' metatable */
  lua_pushlightuserdata(L, pack);
  lua_pushlightuserdata(L, (void *)methods);
  lua_pushcclosure(L, unknown_method, 2);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "field");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  icp_sandbox_push_env(pack->sb);
  for(i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
    lua_pushlightuserdata(L, pack);
    lua_pushcclosure(L, globals[i].fn, 1);
    lua_setfield(L, -2, globals[i].name);
  }
  for(m = combinators; *m; m++) {
    lua_pushstring(L, *m);
    lua_pushcclosure(L, combinator, 1);
    lua_setfield(L, -2, *m);
  }
  lua_pop(L, 1);
  return ICP_OK;
}
