/* view.c -- the read-only account view for function(a) rules. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "rules/pack.h"
#include "rules/view.h"

#define VIEW_MT "icp.account_view"
#define LIST_MT "icp.list_view"

struct list_ud {
  struct icp_view *view;
  unsigned long gen;
  int id;
};

static struct icp_view *check_view(lua_State *L)
{
  struct icp_view **pv = luaL_checkudata(L, 1, VIEW_MT);
  if(!(*pv)->a)
    luaL_error(L, "the account view is only valid inside its rule call");
  return *pv;
}

static void note_read(struct icp_view *v, int id)
{
  int i;
  if(!v->record)
    return;
  for(i = 0; i < v->nreads; i++)
    if(v->reads[i] == id)
      return;
  if(icp_grow(v->reads, v->capreads, (size_t)v->nreads + 1)) {
    v->lost = 1; /* icp_score says so: the explanation would lack it */
    return;
  }
  v->reads[v->nreads++] = id;
}

static void push_value(lua_State *L, struct icp_view *v, int id)
{
  const struct icp_value *val = icp_account_get(v->a, id);
  char date[11];
  switch(val->type) {
  case ICP_T_STRING:
    lua_pushlstring(L, val->u.str, val->n);
    break;
  case ICP_T_NUMBER:
    lua_pushnumber(L, val->u.num);
    break;
  case ICP_T_BOOL:
    lua_pushboolean(L, val->u.b);
    break;
  case ICP_T_DATE:
    icp_format_date(val->u.day, date);
    lua_pushstring(L, date);
    break;
  case ICP_T_LIST: {
    struct list_ud *l = lua_newuserdatauv(L, sizeof(*l), 0);
    l->view = v;
    l->gen = v->gen;
    l->id = id;
    luaL_setmetatable(L, LIST_MT);
    break;
  }
  default:
    lua_pushnil(L);
  }
}

static int view_index(lua_State *L)
{
  struct icp_view *v = check_view(L);
  size_t n;
  const char *k;
  int id;
  if(lua_type(L, 2) != LUA_TSTRING)
    return 0;
  k = lua_tolstring(L, 2, &n);
  id = icp_schema_find(v->schema, k, n);
  if(id < 0) {
    lua_pushnil(L);
    return 1;
  }
  note_read(v, id);
  push_value(L, v, id);
  return 1;
}

static int read_only(lua_State *L)
{
  return luaL_error(L, "the account is read-only in rules");
}

static int view_next(lua_State *L)
{
  struct icp_view *v = check_view(L);
  const struct icp_account *a = v->a;
  int i = 0;
  if(!lua_isnil(L, 2)) {
    size_t n;
    const char *k = luaL_checklstring(L, 2, &n);
    int id = icp_schema_find(v->schema, k, n);
    for(i = 0; i < a->norder; i++)
      if(a->order[i] == id)
        break;
    i++;
  }
  if(i >= a->norder)
    return 0;
  lua_pushstring(L, icp_schema_name(v->schema, a->order[i]));
  note_read(v, a->order[i]);
  push_value(L, v, a->order[i]);
  return 2;
}

static int view_pairs(lua_State *L)
{
  check_view(L);
  lua_pushcfunction(L, view_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int view_tostring(lua_State *L)
{
  struct icp_view **pv = luaL_checkudata(L, 1, VIEW_MT);
  const char *d = (*pv)->a ? icp_account_domain((*pv)->a) : NULL;
  lua_pushfstring(L, "account %s", d ? d : "(no domain)");
  return 1;
}

static const struct icp_value *check_list(lua_State *L)
{
  struct list_ud *l = luaL_checkudata(L, 1, LIST_MT);
  if(!l->view->a || l->gen != l->view->gen)
    luaL_error(L, "a list of the account is only valid inside its rule "
               "call");
  return icp_account_get(l->view->a, l->id);
}

static int list_index(lua_State *L)
{
  const struct icp_value *v = check_list(L);
  lua_Integer i;
  int isnum;
  i = lua_tointegerx(L, 2, &isnum);
  if(!isnum || i < 1 || (lua_Unsigned)i > v->n)
    return 0;
  lua_pushlstring(L, v->u.list[i - 1].p, v->u.list[i - 1].n);
  return 1;
}

static int list_len(lua_State *L)
{
  const struct icp_value *v = check_list(L);
  lua_pushinteger(L, (lua_Integer)v->n);
  return 1;
}

enum icp_status icp_view_init(struct icp_pack *pack, struct icp_err *err)
{
  lua_State *L = icp_sandbox_state(pack->sb);
  struct icp_view **pv;
  static const luaL_Reg view_mt[] = {
    { "__index", view_index }, { "__newindex", read_only },
    { "__pairs", view_pairs }, { "__tostring", view_tostring },
    { NULL, NULL }
  };
  static const luaL_Reg list_mt[] = {
    { "__index", list_index }, { "__newindex", read_only },
    { "__len", list_len }, { NULL, NULL }
  };
  pack->view = calloc(1, sizeof(*pack->view));
  if(!pack->view)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  pack->view->schema = pack->schema;
  if(!lua_checkstack(L, 4))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  luaL_newmetatable(L, VIEW_MT);
  luaL_setfuncs(L, view_mt, 0);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  luaL_newmetatable(L, LIST_MT);
  luaL_setfuncs(L, list_mt, 0);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  pv = lua_newuserdatauv(L, sizeof(*pv), 0);
  *pv = pack->view;
  luaL_setmetatable(L, VIEW_MT);
  pack->view_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return ICP_OK;
}

void icp_view_free(struct icp_pack *pack)
{
  if(pack->view)
    free(pack->view->reads);
  free(pack->view);
  pack->view = NULL;
}

static void keep_error(struct icp_eval_ctx *ctx, const char *msg)
{
  if(ctx->nerrors++ == 0 && ctx->error && ctx->error_cap)
    snprintf(ctx->error, ctx->error_cap, "%s", msg);
}

enum icp_tri icp_view_call(struct icp_pack *pack, int ref,
                           struct icp_eval_ctx *ctx)
{
  lua_State *L = icp_sandbox_state(pack->sb);
  struct icp_view *v = pack->view;
  char msg[ICP_SANDBOX_ERROR_MAX + 64];
  enum icp_tri t = ICP_UNKNOWN;
  int top = lua_gettop(L);

  if(!lua_checkstack(L, 8)) {
    keep_error(ctx, "Lua stack exhausted");
    return ICP_UNKNOWN;
  }
  v->a = ctx->a;
  v->gen++;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, pack->view_ref);
  if(icp_sandbox_call_buf(pack->sb, 1, 2, pack->call_steps, msg,
                          ICP_SANDBOX_ERROR_MAX + 1)) {
    v->a = NULL;
    keep_error(ctx, msg);
    return ICP_UNKNOWN;
  }
  switch(lua_type(L, -2)) {
  case LUA_TBOOLEAN:
    t = lua_toboolean(L, -2) ? ICP_TRUE : ICP_FALSE;
    ctx->share = 1;
    break;
  case LUA_TNIL:
    t = ICP_UNKNOWN;
    break;
  case LUA_TNUMBER: {
    double x = lua_tonumber(L, -2);
    if(isfinite(x) && x >= 0 && x <= 1) {
      t = ICP_TRUE;
      ctx->share = x;
    }
    else if(!isfinite(x)) { /* said as it is, never as a number */
      snprintf(msg, sizeof(msg), "returned %s (expected true, false, nil "
               "or a number in [0, 1])", isnan(x) ? "NaN" : x > 0 ? "inf" :
               "-inf");
      keep_error(ctx, msg);
    }
    else {
      snprintf(msg, sizeof(msg), "returned %g, a number outside [0, 1]", x);
      keep_error(ctx, msg);
    }
    break;
  }
  default:
    snprintf(msg, sizeof(msg), "returned a %s (expected true, false, nil "
             "or a number in [0, 1])", lua_typename(L, lua_type(L, -2)));
    keep_error(ctx, msg);
  }
  if(t == ICP_TRUE && ctx->evidence && ctx->evidence_cap &&
     lua_type(L, -1) == LUA_TSTRING)
    icp_sandbox_describe(L, -1, ctx->evidence, ctx->evidence_cap);
  lua_settop(L, top);
  v->a = NULL;
  return t;
}
