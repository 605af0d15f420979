/* dsl.c -- the rule pack DSL: predicates, fields { } and profile { }
 * recorded into the pack (rule, exclude and route are in dsl_rule.c). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/value.h"
#include "base/suggest.h"
#include "rules/dsl.h"
#include "rules/dsl_impl.h"

int icp_dsl_caller_line(lua_State *L)
{
  lua_Debug ar;
  if(lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
    return ar.currentline > 0 ? ar.currentline : 0;
  return 0;
}

struct icp_pack *icp_dsl_pack(lua_State *L)
{
  return lua_touserdata(L, lua_upvalueindex(1));
}

/* Out of memory while reading the pack: a load error, never a part of the
 * pack quietly missing. */
void icp_dsl_nomem(struct icp_pack *pack)
{
  icp_diags_add(&pack->diags, "%s: out of memory loading the pack",
                pack->path);
}

/* A copy of s; when memory runs out, NULL and a load error (a name or a
 * reason that silently went missing would change what the pack means). */
char *icp_dsl_strdup(struct icp_pack *pack, const char *s)
{
  char *c = icp_strdup(s);
  if(!c)
    icp_dsl_nomem(pack);
  return c;
}

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

int icp_dsl_check_known(struct icp_pack *pack, lua_State *L, int t,
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
double icp_dsl_num_field(struct icp_pack *pack, lua_State *L, int t,
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
char *icp_dsl_str_field(struct icp_pack *pack, lua_State *L, int t,
                        const char *key, int line, const char *what,
                        const char *name)
{
  char *s = NULL;
  int ty = lua_getfield(L, t, key);
  if(ty == LUA_TSTRING)
    s = icp_dsl_strdup(pack, lua_tostring(L, -1));
  else if(ty != LUA_TNIL)
    DIAG(pack, line, "%s:%d: %s%s%s%s: %s must be a string, not a %s",
         pack->path, line, what, name ? " '" : "", name ? name : "",
         name ? "'" : "", key, lua_typename(L, ty));
  lua_pop(L, 1);
  return s;
}

int icp_dsl_is_pred(lua_State *L, int idx)
{
  int r;
  if(lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
    return 0;
  luaL_getmetatable(L, PRED_MT);
  r = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return r;
}

static int dsl_fields(lua_State *L)
{
  struct icp_pack *pack = icp_dsl_pack(L);
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
    icp_dsl_nomem(pack);
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
        d->name = icp_dsl_strdup(pack, lua_tostring(L, -2));
        d->weight = w;
        if(d->name) /* else out of memory, said by icp_dsl_strdup */
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
    icp_dsl_nomem(pack);
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
        pack->tiers[pack->ntiers].name = icp_dsl_strdup(pack, name);
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
  struct icp_pack *pack = icp_dsl_pack(L);
  int line = icp_dsl_caller_line(L), present;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  if(pack->profile_line) {
    DIAG(pack, line, "%s:%d: profile: declared twice (first at line %d)",
         pack->path, line, pack->profile_line);
    return 0;
  }
  pack->profile_line = line ? line : 1;
  icp_dsl_check_known(pack, L, 1, "profile", NULL, line, keys);
  pack->name = icp_dsl_str_field(pack, L, 1, "name", line, "profile", NULL);
  if(!pack->name)
    DIAG(pack, line, "%s:%d: profile: name is required", pack->path, line);
  pack->version = icp_dsl_str_field(pack, L, 1, "version", line, "profile",
                                    NULL);
  pack->description = icp_dsl_str_field(pack, L, 1, "description", line,
                                        "profile", NULL);
  pack->min_coverage = icp_dsl_num_field(pack, L, 1, "min_coverage", line,
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
    { "rule", icp_dsl_rule }, { "exclude", icp_dsl_exclude },
    { "route", icp_dsl_route }, { "field", dsl_field },
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
