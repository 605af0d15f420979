/* compile.c -- checks a loaded pack and compiles its predicates to C. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/value.h"
#include "rules/dsl.h"

struct cctx {
  struct icp_pack *pack;
  lua_State *L;
  const char *what;   /* "rule" or "exclude" */
  const char *name;
  int line;           /* of the rule or exclude, for nodes without one */
  int *reads;
  int nreads;
  size_t capreads;
  int depth;
};

#define MAX_DEPTH 32

static void bad(struct cctx *c, int line, const char *fmt, const char *a,
                const char *b, const char *d)
{
  char msg[400];
  snprintf(msg, sizeof(msg), fmt, a, b, d);
  icp_diags_add(&c->pack->diags, "%s:%d: %s '%s': %s", c->pack->path,
                line > 0 ? line : c->line, c->what, c->name, msg);
}

static void add_read(struct cctx *c, int id)
{
  int i;
  for(i = 0; i < c->nreads; i++)
    if(c->reads[i] == id)
      return;
  if(icp_grow(c->reads, c->capreads, (size_t)c->nreads + 1)) {
    /* a rule that lost a field it reads must not load */
    icp_diags_add(&c->pack->diags, "%s: out of memory checking the pack",
                  c->pack->path);
    return;
  }
  c->reads[c->nreads++] = id;
}

static int compile(struct cctx *c, int idx);

static int compile_combinator(struct cctx *c, int idx, enum icp_op op,
                              int line)
{
  lua_State *L = c->L;
  struct icp_plan *p = &c->pack->plan;
  struct icp_plan_node node;
  int n, i, *kids, nk = 0, first = -1;
  memset(&node, 0, sizeof(node));
  if(lua_getfield(L, idx, "kids") != LUA_TTABLE) {
    bad(c, line, "%s{} takes a list of predicates", icp_op_name(op), "",
        "");
    lua_pop(L, 1);
    return -1;
  }
  n = (int)lua_rawlen(L, -1);
  if(n < 1) {
    bad(c, line, "%s{} needs at least one predicate", icp_op_name(op), "",
        "");
    lua_pop(L, 1);
    return -1;
  }
  kids = calloc((size_t)n, sizeof(*kids));
  if(!kids) {
    lua_pop(L, 1);
    return -1;
  }
  for(i = 1; i <= n; i++) {
    int k;
    lua_rawgeti(L, -1, i);
    k = compile(c, lua_gettop(L));
    lua_pop(L, 1);
    if(k >= 0)
      kids[nk++] = k;
  }
  lua_pop(L, 1);
  if(nk != n) {
    free(kids);
    return -1;
  }
  for(i = 0; i < nk; i++) {
    int at = icp_plan_add_kid(p, kids[i]);
    if(i == 0)
      first = at;
  }
  free(kids);
  node.op = (uint8_t)op;
  node.field = -1;
  node.first = first;
  node.count = nk;
  node.line = line;
  return icp_plan_add(p, &node);
}

/* The kind of a Lua argument for type checks. */
enum akind { A_NUM, A_STR, A_DATE, A_BOOL, A_OTHER };

static enum akind arg_kind(lua_State *L, int idx, double *num)
{
  int32_t day;
  switch(lua_type(L, idx)) {
  case LUA_TNUMBER:
    *num = lua_tonumber(L, idx);
    return isfinite(*num) ? A_NUM : A_OTHER;
  case LUA_TBOOLEAN:
    *num = lua_toboolean(L, idx);
    return A_BOOL;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if(icp_parse_date(s, n, &day)) {
      *num = day;
      return A_DATE;
    }
    return A_STR;
  }
  default:
    return A_OTHER;
  }
}

/* Does a field of type t accept an ordered comparison with argument kind
 * k? Sets *argt. */
static int ordered_ok(enum icp_type t, enum akind k, uint8_t *argt)
{
  if(k == A_NUM && (t == ICP_T_NUMBER || t == ICP_T_ANY)) {
    *argt = ICP_ARG_NUM;
    return 1;
  }
  if(k == A_DATE && (t == ICP_T_DATE || t == ICP_T_ANY)) {
    *argt = ICP_ARG_DATE;
    return 1;
  }
  return 0;
}

static int add_strings(struct cctx *c, int tidx, int line, const char *op,
                       int *first, int *count, int allow_num_as_str)
{
  lua_State *L = c->L;
  struct icp_plan *p = &c->pack->plan;
  int n = (int)lua_rawlen(L, tidx), i;
  if(n < 1) {
    bad(c, line, "%s needs a non-empty list", op, "", "");
    return 0;
  }
  *count = 0;
  for(i = 1; i <= n; i++) {
    size_t len;
    const char *s;
    int at;
    int ty = lua_rawgeti(L, tidx, i);
    if(ty != LUA_TSTRING && !(allow_num_as_str && ty == LUA_TNUMBER)) {
      bad(c, line, "%s takes strings, item %s is %s", op,
          lua_pushfstring(L, "%d", i), lua_typename(L, ty));
      lua_pop(L, 2);
      return 0;
    }
    s = lua_tolstring(L, -1, &len);
    at = icp_plan_add_str(p, s, len);
    lua_pop(L, 1);
    if(at < 0)
      return 0; /* out of memory: plan.nomem fails the load */
    if(*count == 0)
      *first = at;
    (*count)++;
  }
  return 1;
}

/* The node's one string argument, args[1], kept in the plan. */
static void one_str(lua_State *L, int args, struct icp_plan *p,
                    struct icp_plan_node *node)
{
  size_t n;
  const char *s;
  lua_rawgeti(L, args, 1);
  s = lua_tolstring(L, -1, &n);
  node->argt = ICP_ARG_STR;
  node->first = icp_plan_add_str(p, s, n);
  node->count = 1;
  lua_pop(L, 1);
}

static int compile_field_pred(struct cctx *c, int idx, enum icp_op op,
                              int line)
{
  lua_State *L = c->L;
  struct icp_pack *pack = c->pack;
  struct icp_plan *p = &pack->plan;
  struct icp_plan_node node;
  const char *fname, *opn = icp_op_name(op);
  enum icp_type t;
  int nargs, args, ok = 1, id;
  double x = 0, y = 0;
  enum akind k1 = A_OTHER, k2 = A_OTHER;
  char tname[64];

  memset(&node, 0, sizeof(node));
  node.op = (uint8_t)op;
  node.line = line;
  fname = lua_getfield(L, idx, "field") == LUA_TSTRING ?
          lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the predicate table keeps the string alive */
  if(!fname) {
    bad(c, line, "%s predicate without a field name", opn, "", "");
    return -1;
  }
  id = icp_schema_intern(pack->schema, fname, strlen(fname));
  if(id < 0) {
    bad(c, line, "too many fields (at '%s')", fname, "", "");
    return -1;
  }
  node.field = id;
  add_read(c, id);
  t = icp_schema_type(pack->schema, id);
  snprintf(tname, sizeof(tname), "%s", t == ICP_T_ANY ? "undeclared" :
           icp_type_name(t));
  if(lua_getfield(L, idx, "args") != LUA_TTABLE) {
    bad(c, line, "%s predicate without its arguments", opn, "", "");
    lua_pop(L, 1);
    return -1;
  }
  args = lua_gettop(L);
  lua_getfield(L, args, "n");
  nargs = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  if(nargs >= 1) {
    lua_rawgeti(L, args, 1);
    k1 = arg_kind(L, -1, &x);
    lua_pop(L, 1);
  }
  if(nargs >= 2) {
    lua_rawgeti(L, args, 2);
    k2 = arg_kind(L, -1, &y);
    lua_pop(L, 1);
  }

#define NEED_ARGS(n)                                                     \
  if(nargs != (n)) {                                                     \
    bad(c, line, "%s takes %s argument(s)", opn, #n, "");                \
    ok = 0;                                                              \
    break;                                                               \
  }
#define WRONG(what)                                                      \
  do {                                                                   \
    char m_[160];                                                        \
    snprintf(m_, sizeof(m_), "%s on field '%s' (%s) %s", opn, fname,     \
             tname, what);                                               \
    bad(c, line, "%s", m_, "", "");                                      \
    ok = 0;                                                              \
  } while(0)

  switch(op) {
  case ICP_OP_EQ:
  case ICP_OP_NE:
    NEED_ARGS(1);
    if(k1 == A_NUM && (t == ICP_T_NUMBER || t == ICP_T_ANY))
      node.argt = ICP_ARG_NUM, node.a = x;
    else if(k1 == A_BOOL && (t == ICP_T_BOOL || t == ICP_T_ANY))
      node.argt = ICP_ARG_BOOL, node.a = x;
    else if(k1 == A_DATE && (t == ICP_T_DATE || t == ICP_T_ANY))
      node.argt = ICP_ARG_DATE, node.a = x;
    else if((k1 == A_STR || k1 == A_DATE) &&
            (t == ICP_T_STRING || t == ICP_T_ANY))
      one_str(L, args, p, &node);
    else
      WRONG(t == ICP_T_LIST ? "compares a list: use has/has_any" :
            "has an argument of the wrong type");
    break;
  case ICP_OP_LT:
  case ICP_OP_LTE:
  case ICP_OP_GT:
  case ICP_OP_GTE:
    NEED_ARGS(1);
    if(!ordered_ok(t, k1, &node.argt))
      WRONG("needs a number field with a number, or a date field with a "
            "YYYY-MM-DD date");
    node.a = x;
    break;
  case ICP_OP_BETWEEN:
    NEED_ARGS(2);
    if(k1 != k2 || !ordered_ok(t, k1, &node.argt))
      WRONG("needs a number field with two numbers, or a date field with "
            "two YYYY-MM-DD dates");
    else if(x > y)
      WRONG("has its low bound above its high bound");
    node.a = x;
    node.b = y;
    break;
  case ICP_OP_ONE_OF:
    NEED_ARGS(1);
    lua_rawgeti(L, args, 1);
    if(lua_type(L, -1) != LUA_TTABLE) {
      WRONG("takes a list { ... }");
    }
    else {
      int ty;
      lua_rawgeti(L, -1, 1);
      ty = lua_type(L, -1);
      lua_pop(L, 1);
      if(ty == LUA_TNUMBER && (t == ICP_T_NUMBER || t == ICP_T_ANY)) {
        int n = (int)lua_rawlen(L, -1), i;
        node.argt = ICP_ARG_NUM;
        node.count = 0;
        for(i = 1; i <= n && ok; i++) {
          int at;
          lua_rawgeti(L, -1, i);
          if(lua_type(L, -1) != LUA_TNUMBER)
            WRONG("mixes numbers with other values");
          at = icp_plan_add_num(p, lua_tonumber(L, -1));
          lua_pop(L, 1);
          if(i == 1)
            node.first = at;
          node.count++;
        }
      }
      else if(t == ICP_T_STRING || t == ICP_T_ANY) {
        node.argt = ICP_ARG_STR;
        ok = add_strings(c, lua_gettop(L), line, opn, &node.first,
                         &node.count, 0);
      }
      else
        WRONG(t == ICP_T_LIST ? "is for single values: use has_any" :
              "needs a string field with strings, or a number field with "
              "numbers");
    }
    lua_pop(L, 1);
    break;
  case ICP_OP_HAS:
  case ICP_OP_HAS_ANY:
  case ICP_OP_HAS_ALL:
    NEED_ARGS(1);
    if(t != ICP_T_LIST && t != ICP_T_ANY) {
      WRONG("needs a list field");
      break;
    }
    if(t == ICP_T_ANY) {
      struct icp_err err;
      icp_schema_declare(pack->schema, fname, ICP_T_LIST, &err);
      icp_diags_add(&pack->warnings, "%s:%d: field '%s' is not declared; "
                    "%s makes it a list (declare it in fields { })",
                    pack->path, line, fname, opn);
    }
    node.argt = ICP_ARG_STR;
    if(op == ICP_OP_HAS) {
      size_t n;
      const char *s;
      lua_rawgeti(L, args, 1);
      if(lua_type(L, -1) != LUA_TSTRING)
        WRONG("takes one string");
      else {
        s = lua_tolstring(L, -1, &n);
        node.first = icp_plan_add_str(p, s, n);
        node.count = 1;
      }
      lua_pop(L, 1);
    }
    else {
      lua_rawgeti(L, args, 1);
      if(lua_type(L, -1) != LUA_TTABLE)
        WRONG("takes a list { ... }");
      else
        ok = add_strings(c, lua_gettop(L), line, opn, &node.first,
                         &node.count, 0);
      lua_pop(L, 1);
    }
    break;
  case ICP_OP_CONTAINS:
    NEED_ARGS(1);
    if(t != ICP_T_STRING && t != ICP_T_LIST && t != ICP_T_ANY)
      WRONG("needs a string or list field");
    else if(k1 != A_STR && k1 != A_DATE)
      WRONG("takes one string");
    else
      one_str(L, args, p, &node);
    break;
  case ICP_OP_EXISTS:
  case ICP_OP_MISSING:
    NEED_ARGS(0);
    break;
  case ICP_OP_IS_TRUE:
  case ICP_OP_IS_FALSE:
    NEED_ARGS(0);
    if(t != ICP_T_BOOL && t != ICP_T_ANY)
      WRONG("needs a bool field");
    break;
  case ICP_OP_WITHIN_DAYS:
  case ICP_OP_OLDER_THAN_DAYS:
    NEED_ARGS(1);
    if(t != ICP_T_DATE && t != ICP_T_ANY)
      WRONG("needs a date field");
    else if(k1 != A_NUM || x < 0)
      WRONG("takes a number of days >= 0");
    node.a = x;
    break;
  default:
    ok = 0;
  }
#undef NEED_ARGS
#undef WRONG
  lua_pop(L, 1); /* args */
  if(!ok)
    return -1;
  return icp_plan_add(p, &node);
}

/* Compiles the predicate or function at idx; -1 on a diagnosed error. */
static int compile(struct cctx *c, int idx)
{
  lua_State *L = c->L;
  struct icp_plan_node node;
  const char *op;
  int line, i, r;

  if(!lua_checkstack(L, 16))
    return -1;
  if(lua_type(L, idx) == LUA_TFUNCTION) {
    memset(&node, 0, sizeof(node));
    node.op = ICP_OP_LUA;
    node.field = -1;
    lua_pushvalue(L, idx);
    node.ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return icp_plan_add(&c->pack->plan, &node);
  }
  if(lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) {
    bad(c, 0, "expected a predicate or a function(a), got a %s",
        lua_typename(L, lua_type(L, idx)), "", "");
    return -1;
  }
  luaL_getmetatable(L, "icp.predicate");
  r = lua_rawequal(L, -1, -2);
  luaL_getmetatable(L, "icp.field");
  i = lua_rawequal(L, -1, -3);
  lua_pop(L, 3);
  if(!r) {
    bad(c, 0, "expected a predicate such as field \"x\" :eq(1), got %s",
        i ? "a field without a predicate" : "a table", "", "");
    return -1;
  }
  if(++c->depth > MAX_DEPTH) {
    bad(c, 0, "predicates nested deeper than %s levels", "32", "", "");
    c->depth--;
    return -1;
  }
  op = lua_getfield(L, idx, "op") == LUA_TSTRING ? lua_tostring(L, -1) :
       NULL;
  lua_getfield(L, idx, "line");
  line = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  r = -1;
  for(i = 0; op && i < ICP_OP_LUA; i++)
    if(!strcmp(op, icp_op_name((enum icp_op)i)))
      break;
  if(op && i < ICP_OP_LUA) {
    if(i == ICP_OP_ALL || i == ICP_OP_ANY || i == ICP_OP_NONE)
      r = compile_combinator(c, idx, (enum icp_op)i, line);
    else
      r = compile_field_pred(c, idx, (enum icp_op)i, line);
  }
  else
    bad(c, line, "expected a predicate such as field \"x\" :eq(1), got "
        "%s", op ? op : "a field without a predicate", "", "");
  lua_pop(L, 1); /* op */
  c->depth--;
  return r;
}

static int compile_ref(struct icp_pack *pack, int *ref, const char *what,
                       const char *name, int line, int **reads,
                       int *nreads)
{
  lua_State *L = icp_sandbox_state(pack->sb);
  struct cctx c;
  int root;
  memset(&c, 0, sizeof(c));
  c.pack = pack;
  c.L = L;
  c.what = what;
  c.name = name;
  c.line = line;
  if(*ref == LUA_NOREF || *ref == LUA_REFNIL)
    return -1;
  lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
  root = compile(&c, lua_gettop(L));
  lua_pop(L, 1);
  luaL_unref(L, LUA_REGISTRYINDEX, *ref);
  *ref = LUA_NOREF;
  *reads = c.reads;
  *nreads = c.nreads;
  return root;
}

static int tier_known(const struct icp_pack *pack, const char *name)
{
  int i;
  if(!strcmp(name, "excluded") || !strcmp(name, "insufficient_data") ||
     !strcmp(name, "unranked"))
    return 1;
  for(i = 0; i < pack->ntiers; i++)
    if(!strcmp(pack->tiers[i].name, name))
      return 1;
  return 0;
}

/* Tells the schema which fields this pack reads, or that it may read any
 * (a function(a) rule), so readers can skip the rest. */
static void mark_needed(struct icp_pack *pack)
{
  int i, k;
  for(i = 0; i < pack->plan.n; i++)
    if(pack->plan.nodes[i].op == ICP_OP_LUA) {
      icp_schema_need_all(pack->schema);
      return;
    }
  icp_schema_need(pack->schema, ICP_F_DOMAIN);
  for(i = 0; i < pack->nrules; i++) {
    for(k = 0; k < pack->rules[i].nreads; k++)
      icp_schema_need(pack->schema, pack->rules[i].reads[k]);
    if(pack->rules[i].field >= 0)
      icp_schema_need(pack->schema, pack->rules[i].field);
    if(pack->rules[i].decay_field >= 0)
      icp_schema_need(pack->schema, pack->rules[i].decay_field);
  }
  for(i = 0; i < pack->nexcl; i++)
    for(k = 0; k < pack->excl[i].nreads; k++)
      icp_schema_need(pack->schema, pack->excl[i].reads[k]);
}

void icp_dsl_compile(struct icp_pack *pack)
{
  int i, j, defaults = 0;

  if(!pack->profile_line)
    icp_diags_add(&pack->diags, "%s:1: no profile { name = ..., dimensions "
                  "= ..., tiers = ... }", pack->path);
  for(i = 0; i < pack->nrules; i++) {
    struct icp_rule *r = &pack->rules[i];
    if(r->dim_name && pack->profile_line) {
      r->dim = icp_pack_dim_index(pack, r->dim_name);
      if(r->dim < 0)
        icp_diags_add(&pack->diags, "%s:%d: rule '%s': unknown dimension "
                      "'%s'", pack->path, r->line, r->name, r->dim_name);
    }
    if(r->dim >= 0) {
      pack->dims[r->dim].nrules++;
      if(r->points > 0)
        pack->dims[r->dim].max += r->points;
    }
    if(r->kind == ICP_RULE_WHEN)
      r->root = compile_ref(pack, &r->pred_ref, "rule", r->name, r->line,
                            &r->reads, &r->nreads);
    if(r->kind == ICP_RULE_WHEN && r->root < 0 &&
       !icp_diags_count(&pack->diags))
      icp_diags_add(&pack->diags, "%s:%d: rule '%s': when could not be "
                    "compiled", pack->path, r->line, r->name);
    if(r->kind == ICP_RULE_BANDS && r->field >= 0) {
      enum icp_type t = icp_schema_type(pack->schema, r->field);
      if(t != ICP_T_NUMBER && t != ICP_T_ANY)
        icp_diags_add(&pack->diags, "%s:%d: rule '%s': bands need a number "
                      "field, '%s' is a %s", pack->path, r->line, r->name,
                      icp_schema_name(pack->schema, r->field),
                      icp_type_name(t));
      r->reads = malloc(sizeof(int));
      if(r->reads) {
        r->reads[0] = r->field;
        r->nreads = 1;
      }
      else /* the field would go unread */
        pack->plan.nomem = 1;
    }
  }
  for(i = 0; i < pack->nexcl; i++) {
    struct icp_exclude *x = &pack->excl[i];
    x->root = compile_ref(pack, &x->pred_ref, "exclude", x->name, x->line,
                          &x->reads, &x->nreads);
    if(x->root < 0 && !icp_diags_count(&pack->diags))
      icp_diags_add(&pack->diags, "%s:%d: exclude '%s': when could not be "
                    "compiled", pack->path, x->line, x->name);
  }
  for(i = 0; i < pack->ndims; i++) {
    if(!pack->dims[i].nrules)
      icp_diags_add(&pack->diags, "%s:%d: dimension '%s' has no rules",
                    pack->path, pack->profile_line, pack->dims[i].name);
    else if(pack->dims[i].max <= 0)
      icp_diags_add(&pack->diags, "%s:%d: dimension '%s' has no rule with "
                    "positive points", pack->path, pack->profile_line,
                    pack->dims[i].name);
  }
  for(i = 0; i < pack->nroutes; i++) {
    struct icp_route *rt = &pack->routes[i];
    if(rt->is_default && ++defaults == 2)
      icp_diags_add(&pack->diags, "%s:%d: route: a second default route",
                    pack->path, rt->line);
    if(rt->tier && pack->profile_line && !tier_known(pack, rt->tier))
      icp_diags_add(&pack->diags, "%s:%d: route: unknown tier '%s'",
                    pack->path, rt->line, rt->tier);
    for(j = 0; j < i && rt->tier; j++)
      if(pack->routes[j].tier && !strcmp(pack->routes[j].tier, rt->tier))
        icp_diags_add(&pack->warnings, "%s:%d: route: tier '%s' already "
                      "routed at line %d; this route is never used",
                      pack->path, rt->line, rt->tier, pack->routes[j].line);
  }
  icp_grade_compile(pack);
  if(pack->profile_line && !defaults)
    icp_diags_add(&pack->warnings, "%s:%d: no default route: accounts of "
                  "tiers without a route get none", pack->path,
                  pack->profile_line);
  if(pack->plan.nomem)
    icp_diags_add(&pack->diags, "%s: out of memory checking the pack",
                  pack->path);
  if(!icp_diags_count(&pack->diags))
    mark_needed(pack);
}
