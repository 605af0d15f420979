/* lua_account.c -- an account from a Lua table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/typing.h"
#include "rules/lua_account.h"

#define MAX_DEPTH 8

static enum icp_status set_list(lua_State *L, int t, struct icp_account *a,
                                int id, const char *name,
                                struct icp_err *err)
{
  struct icp_str *items;
  struct icp_value v;
  lua_Integer n = (lua_Integer)lua_rawlen(L, t), i;
  enum icp_status st;
  char (*num)[32];
  if(icp_schema_type(a->schema, id) != ICP_T_LIST &&
     icp_schema_type(a->schema, id) != ICP_T_ANY)
    return icp_err_set(err, ICP_EINVAL, "field '%s' is a %s, not a list",
                       name, icp_type_name(icp_schema_type(a->schema, id)));
  if(n > ICP_LIST_MAX)
    return icp_err_set(err, ICP_ELIMIT, "field '%s': more than %d items",
                       name, ICP_LIST_MAX);
  items = calloc((size_t)n + 1, sizeof(*items));
  num = calloc((size_t)n + 1, sizeof(*num));
  if(!items || !num) {
    free(items);
    free(num);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  for(i = 1; i <= n; i++) {
    size_t len;
    int ty = lua_rawgeti(L, t, i);
    if(ty == LUA_TSTRING) {
      items[i - 1].p = lua_tolstring(L, -1, &len); /* kept alive by t */
      items[i - 1].n = (uint32_t)len;
    }
    else if(ty == LUA_TNUMBER && isfinite(lua_tonumber(L, -1))) {
      /* a converted number would not outlive the pop: format our own */
      int k = icp_fmt_num(num[i - 1], sizeof(num[0]), lua_tonumber(L, -1));
      items[i - 1].p = num[i - 1];
      items[i - 1].n = (uint32_t)k;
    }
    else {
      lua_pop(L, 1);
      free(items);
      free(num);
      return icp_err_set(err, ICP_EINVAL, "field '%s': item %lld is a %s, "
                         "not a string", name, (long long)i,
                         lua_typename(L, ty));
    }
    lua_pop(L, 1);
  }
  v.type = ICP_T_LIST;
  v.n = (uint32_t)n;
  v.u.list = items;
  st = icp_account_set(a, id, &v, 0);
  free(items);
  free(num);
  return st;
}

static enum icp_status fill(lua_State *L, int t, struct icp_account *a,
                            struct icp_buf *prefix, int depth,
                            struct icp_err *err)
{
  enum icp_status st = ICP_OK;
  size_t plen = prefix->len;
  if(depth > MAX_DEPTH)
    return icp_err_set(err, ICP_ELIMIT, "account nested too deep");
  if(!lua_checkstack(L, 6))
    return icp_err_set(err, ICP_ENOMEM, "Lua stack exhausted");
  lua_pushnil(L);
  while(!st && lua_next(L, t)) {
    size_t kn;
    const char *k;
    int id, ty = lua_type(L, -1);
    if(lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return icp_err_set(err, ICP_EINVAL, "account keys must be field "
                         "names (strings)");
    }
    k = lua_tolstring(L, -2, &kn);
    prefix->len = plen;
    if((plen && icp_buf_addc(prefix, '.')) || icp_buf_add(prefix, k, kn)) {
      lua_pop(L, 2);
      return icp_err_set(err, ICP_ELIMIT, "field name too long");
    }
    if(ty == LUA_TTABLE && lua_rawlen(L, -1) == 0) {
      lua_pushnil(L);
      if(lua_next(L, -2)) { /* a non-empty table without array part */
        lua_pop(L, 2);
        st = fill(L, lua_gettop(L), a, prefix, depth + 1, err);
        lua_pop(L, 1);
        continue;
      }
    }
    id = icp_schema_intern(a->schema, prefix->p, prefix->len);
    if(id < 0)
      st = icp_err_set(err, ICP_ELIMIT, "too many fields");
    else if(ty == LUA_TSTRING) {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      st = icp_account_set_text(a, id, s, n, 0, err);
    }
    else if(ty == LUA_TNUMBER) {
      double x = lua_tonumber(L, -1);
      enum icp_type ft = icp_schema_type(a->schema, id);
      if(!isfinite(x))
        st = icp_err_set(err, ICP_EINVAL, "field '%s': not a finite number",
                         prefix->p);
      else if(ft == ICP_T_NUMBER || ft == ICP_T_ANY)
        st = icp_account_set_num(a, id, x, 0);
      else {
        char tmp[40];
        int n = icp_fmt_num(tmp, sizeof(tmp), x);
        st = icp_account_set_text(a, id, tmp, (size_t)n, 0, err);
      }
    }
    else if(ty == LUA_TBOOLEAN) {
      enum icp_type ft = icp_schema_type(a->schema, id);
      struct icp_value v;
      memset(&v, 0, sizeof(v));
      v.type = ICP_T_BOOL;
      v.u.b = lua_toboolean(L, -1);
      if(ft != ICP_T_BOOL && ft != ICP_T_ANY)
        st = icp_err_set(err, ICP_EINVAL, "field '%s' is a %s, not a bool",
                         prefix->p, icp_type_name(ft));
      else
        st = icp_account_set(a, id, &v, 0);
    }
    else if(ty == LUA_TTABLE)
      st = set_list(L, lua_gettop(L), a, id, prefix->p, err);
    else
      st = icp_err_set(err, ICP_EINVAL, "field '%s': a %s is not an "
                       "account value", prefix->p, lua_typename(L, ty));
    lua_pop(L, 1);
  }
  if(st)
    lua_pop(L, 1); /* the key left by lua_next */
  prefix->len = plen;
  return st;
}

enum icp_status icp_account_from_lua(lua_State *L, int idx,
                                     struct icp_account *a,
                                     struct icp_err *err)
{
  struct icp_buf prefix;
  enum icp_status st;
  idx = lua_absindex(L, idx);
  if(lua_type(L, idx) != LUA_TTABLE)
    return icp_err_set(err, ICP_EINVAL, "account must be a table, not a %s",
                       lua_typename(L, lua_type(L, idx)));
  icp_account_clear(a);
  icp_buf_init(&prefix, 1024);
  icp_buf_add(&prefix, "", 0);
  st = fill(L, idx, a, &prefix, 0, err);
  icp_buf_free(&prefix);
  return st;
}
