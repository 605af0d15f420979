/*
 * lua_account.c -- a Lua table into a struct icp_account, typed the way
 * the JSONL reader types a line (DESIGN §3): strings go through
 * icp_account_set_text (so "2026-01-05" becomes a date for a date field
 * and the domain is normalized), numbers and booleans keep their type
 * where the field allows it, arrays become lists and nested tables
 * dotted keys. A value that does not fit its field is a warning and the
 * field stays missing; a Lua type the engine has no value for is a misuse
 * and raises.
 */
#include <math.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/typing.h"
#include "io/reader.h"
#include "rules/lua_account.h"

#define KEY_MAX 1024
#define NUM_TXT 32

struct fill {
  lua_State *L;
  struct icp_account *a;
  int arg;                /* the account argument, for error messages */
  int warn;               /* table of warnings */
  char key[KEY_MAX];      /* dotted key being built */
  size_t klen;
};

/* ---- reporting --------------------------------------------------------- */

/* Raises "bad argument #arg to 'f' (field 'key': msg)". */
static int misuse(struct fill *f, const char *msg)
{
  lua_State *L = f->L;
  return luaL_argerror(L, f->arg, lua_pushfstring(L, "field '%s': %s",
                                                  f->key, msg));
}

/* Appends msg to the warnings. */
static void warn_msg(struct fill *f, const char *msg)
{
  lua_pushstring(f->L, msg);
  lua_rawseti(f->L, f->warn, (lua_Integer)lua_rawlen(f->L, f->warn) + 1);
}

static void warn_type(struct fill *f, int id, const char *what)
{
  lua_State *L = f->L;
  lua_pushfstring(L, "column '%s': %s is not a %s", f->key, what,
                  icp_type_name(icp_schema_type(f->a->schema, id)));
  warn_msg(f, lua_tostring(L, -1));
  lua_pop(L, 1);
}

/* Handles the status of a set: a cell error is a warning, a limit or out
 * of memory raises. */
static void settled(struct fill *f, enum icp_status st,
                    const struct icp_err *cell)
{
  if(st == ICP_OK)
    return;
  if(st == ICP_EINVAL && cell) {
    warn_msg(f, cell->msg);
    return;
  }
  misuse(f, st == ICP_ENOMEM ? "out of memory" : "account too large");
}

/* ---- values ------------------------------------------------------------ */

static int is_string_field(struct fill *f, int id)
{
  return id == ICP_F_DOMAIN ||
         icp_schema_type(f->a->schema, id) == ICP_T_STRING;
}

static void set_text(struct fill *f, int id, const char *s, size_t n)
{
  struct icp_err cell;
  settled(f, icp_account_set_text(f->a, id, s, n, 0, &cell), &cell);
}

static void set_number(struct fill *f, int id, double v)
{
  enum icp_type t = icp_schema_type(f->a->schema, id);
  char txt[NUM_TXT];
  int n;
  if(!isfinite(v)) {
    lua_pushfstring(f->L, "column '%s': number out of range", f->key);
    warn_msg(f, lua_tostring(f->L, -1));
    lua_pop(f->L, 1);
    return;
  }
  n = icp_fmt_num(txt, sizeof(txt), v);
  if(is_string_field(f, id))
    set_text(f, id, txt, (size_t)n);
  else if(t == ICP_T_NUMBER || t == ICP_T_ANY)
    settled(f, icp_account_set_num(f->a, id, v, 0), NULL);
  else
    warn_type(f, id, txt);
}

static void set_bool(struct fill *f, int id, int b)
{
  enum icp_type t = icp_schema_type(f->a->schema, id);
  struct icp_value v;
  if(is_string_field(f, id))
    set_text(f, id, b ? "true" : "false", b ? 4 : 5);
  else if(t == ICP_T_BOOL || t == ICP_T_ANY) {
    v.type = ICP_T_BOOL;
    v.n = 0;
    v.u.b = b;
    settled(f, icp_account_set(f->a, id, &v, 0), NULL);
  }
  else
    warn_type(f, id, b ? "true" : "false");
}

/* Sets the array at idx (n items) as a list. Items are strings, numbers
 * or booleans; empty strings are dropped. */
static void set_list(struct fill *f, int id, int idx, size_t n)
{
  lua_State *L = f->L;
  enum icp_type t = icp_schema_type(f->a->schema, id);
  struct icp_str *items;
  char *numtxt;
  struct icp_value v;
  size_t i, k = 0;

  if(id == ICP_F_DOMAIN || (t != ICP_T_LIST && t != ICP_T_ANY)) {
    warn_type(f, id, "an array");
    return;
  }
  if(n > ICP_LIST_MAX)
    misuse(f, "list longer than 10000 items");
  /* scratch space owned by Lua, so an error below leaks nothing */
  items = lua_newuserdatauv(L, n * (sizeof(*items) + NUM_TXT) + 1, 0);
  numtxt = (char *)(items + n);                    /* ..., scratch */
  for(i = 0; i < n; i++) {
    const char *p = NULL;
    size_t len = 0;
    switch(lua_rawgeti(L, idx, (lua_Integer)i + 1)) {
    case LUA_TSTRING:
      p = lua_tolstring(L, -1, &len);  /* anchored by the array */
      break;
    case LUA_TNUMBER:
      if(!isfinite(lua_tonumber(L, -1)))
        misuse(f, "list item out of range");
      p = numtxt + i * NUM_TXT;
      len = (size_t)icp_fmt_num(numtxt + i * NUM_TXT, NUM_TXT,
                                lua_tonumber(L, -1));
      break;
    case LUA_TBOOLEAN:
      p = lua_toboolean(L, -1) ? "true" : "false";
      len = strlen(p);
      break;
    default:
      misuse(f, lua_pushfstring(L, "list items are strings, numbers or "
                                "booleans, got %s", luaL_typename(L, -1)));
    }
    lua_pop(L, 1);
    if(!len)
      continue;
    items[k].p = p;
    items[k].n = (uint32_t)len;
    k++;
  }
  v.type = ICP_T_LIST;
  v.n = (uint32_t)k;
  v.u.list = items;
  settled(f, icp_account_set(f->a, id, &v, 0), NULL);
  lua_pop(L, 1);                                   /* scratch */
}

/* Number of items when the table at idx is a sequence 1..n with nothing
 * else in it, -1 otherwise. An empty table counts as an empty array. */
static long array_len(lua_State *L, int idx)
{
  size_t n = lua_rawlen(L, idx), count = 0;
  lua_pushnil(L);
  while(lua_next(L, idx)) {
    lua_pop(L, 1);
    if(!lua_isinteger(L, -1) || ++count > n) {
      lua_pop(L, 1);
      return -1;
    }
  }
  return count == n ? (long)n : -1;
}

/* ---- walking the table ------------------------------------------------- */

static void walk(struct fill *f, int t, int depth);

/* Sets the value on top of the stack as field f->key. */
static void set_value(struct fill *f, int depth)
{
  lua_State *L = f->L;
  int vtype = lua_type(L, -1), id, top = lua_gettop(L);
  long n = 0;
  if(vtype == LUA_TTABLE && (n = array_len(L, top)) < 0) {
    if(depth >= ICP_JSON_DEPTH_MAX)
      misuse(f, "nested deeper than 64 levels");
    walk(f, top, depth + 1);
    return;
  }
  if(vtype != LUA_TSTRING && vtype != LUA_TNUMBER &&
     vtype != LUA_TBOOLEAN && vtype != LUA_TTABLE)
    misuse(f, lua_pushfstring(L, "string, number, boolean or table "
                              "expected, got %s", luaL_typename(L, -1)));
  id = icp_schema_intern(f->a->schema, f->key, f->klen);
  if(id < 0)
    misuse(f, "too many fields (at most 4096)");
  if(vtype == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    set_text(f, id, s, len);
  }
  else if(vtype == LUA_TNUMBER)
    set_number(f, id, lua_tonumber(L, -1));
  else if(vtype == LUA_TBOOLEAN)
    set_bool(f, id, lua_toboolean(L, -1));
  else
    set_list(f, id, top, (size_t)n);
}

/* Sets every key of the table at t, prefixed with f->key. */
static void walk(struct fill *f, int t, int depth)
{
  lua_State *L = f->L;
  size_t base = f->klen;
  lua_pushnil(L);                                  /* key */
  while(lua_next(L, t)) {                          /* key, value */
    size_t n;
    const char *k;
    if(lua_type(L, -2) != LUA_TSTRING) {
      f->key[base] = '\0';
      if(!base)
        luaL_argerror(L, f->arg, lua_pushfstring(L, "field names are "
                      "strings, got %s", luaL_typename(L, -2)));
      misuse(f, lua_pushfstring(L, "keys of a nested table are strings, "
                                "got %s", luaL_typename(L, -2)));
    }
    k = lua_tolstring(L, -2, &n);
    if(!n || base + (base != 0) + n >= KEY_MAX) {
      f->key[base] = '\0';
      misuse(f, n ? "field name too long" : "empty field name");
    }
    f->klen = base;
    if(base)
      f->key[f->klen++] = '.';
    memcpy(f->key + f->klen, k, n);
    f->klen += n;
    f->key[f->klen] = '\0';
    set_value(f, depth);
    f->klen = base;
    f->key[base] = '\0';
    lua_pop(L, 1);                                 /* key */
  }
}

void icp_account_fill_lua(lua_State *L, int arg, struct icp_account *a,
                          int warn)
{
  struct fill f;
  luaL_checktype(L, arg, LUA_TTABLE);
  luaL_checkstack(L, 2 * ICP_JSON_DEPTH_MAX + 8, "account too deep");
  icp_account_clear(a);
  a->file = NULL;
  a->line = 0;
  f.L = L;
  f.a = a;
  f.arg = lua_absindex(L, arg);
  f.warn = lua_absindex(L, warn);
  f.key[0] = '\0';
  f.klen = 0;
  walk(&f, f.arg, 0);
}
