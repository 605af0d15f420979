/* sandbox.c -- a memory- and instruction-bounded Lua state per pack. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "rules/sandbox.h"

struct icp_sandbox {
  lua_State *L;
  size_t mem, mem_cap;
  long steps, budget;
  int exceeded;     /* the budget ran out in this call: not catchable */
  int env_ref;
  enum icp_sandbox_profile profile;
  void *ud;         /* the caller's context (icp_sandbox_set_ud) */
};

#define HOOK_EVERY 1000

/* ---- allocator: a hard cap, shrinks never fail ----------------------- */

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  struct icp_sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  void *np;
  if(nsize == 0) {
    free(ptr);
    sb->mem -= old;
    return NULL;
  }
  if(nsize > old && sb->mem - old + nsize > sb->mem_cap)
    return NULL;
  np = realloc(ptr, nsize);
  if(!np) {
    if(nsize <= old)
      return ptr; /* a shrink never fails */
    return NULL;
  }
  sb->mem = sb->mem - old + nsize;
  return np;
}

/* ---- instruction budget ---------------------------------------------- */

static void count_hook(lua_State *L, lua_Debug *ar)
{
  struct icp_sandbox *sb = icp_sandbox_of(L);
  sb->steps += HOOK_EVERY;
  if(sb->steps > sb->budget) {
    sb->exceeded = 1; /* pcall/xpcall in rules rethrow it */
    /* name where the code was when it ran out */
    if(lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
      luaL_error(L, "%s:%d: instruction budget exceeded (%d instructions)",
                 ar->short_src, ar->currentline, (int)sb->budget);
    luaL_error(L, "instruction budget exceeded (%d instructions)",
               (int)sb->budget);
  }
}

/* ---- safe library pieces --------------------------------------------- */

static int count_quantifiers(const char *p, size_t n)
{
  size_t i;
  int q = 0, inset = 0;
  for(i = 0; i < n; i++) {
    if(p[i] == '%') {
      if(i + 1 < n && p[i + 1] == 'b')
        q++;
      i++;
      continue;
    }
    if(inset) {
      if(p[i] == ']')
        inset = 0;
      continue;
    }
    if(p[i] == '[') {
      inset = 1;
      if(i + 1 < n && p[i + 1] == '^')
        i++;
      if(i + 1 < n && p[i + 1] == ']')
        i++;
      continue;
    }
    if(p[i] == '*' || p[i] == '+' || p[i] == '-' || p[i] == '?')
      q++;
  }
  return q;
}

/* string.find/match/gmatch/gsub: Lua's matcher backtracks in C where the
 * count hook cannot interrupt it, so bound the subject and allow at most
 * one quantifier (worst case quadratic in a 4 KiB subject). Plain find is
 * unrestricted. */
static int bounded_pattern(lua_State *L)
{
  size_t sl, pl;
  const char *s = luaL_checklstring(L, 1, &sl);
  const char *p = luaL_checklstring(L, 2, &pl);
  int plain = lua_toboolean(L, lua_upvalueindex(2)) && lua_toboolean(L, 4);
  (void)s;
  if(!plain) {
    if(sl > ICP_SANDBOX_PATTERN_SUBJECT_MAX)
      return luaL_error(L, "pattern subject longer than %d bytes (use "
                        "plain find)", ICP_SANDBOX_PATTERN_SUBJECT_MAX);
    if(count_quantifiers(p, pl) > 1)
      return luaL_error(L, "pattern '%s' has more than one quantifier "
                        "(not allowed in rules)", p);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int safe_setmetatable(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  if(lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if(lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "finalizers (__gc) are not allowed in %s",
                        icp_sandbox_of(L)->profile == ICP_SANDBOX_PROVIDERS
                        ? "provider configs" : "rules");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* pcall and xpcall that cannot swallow a spent instruction budget (else
 * `while true do pcall(f) end` would run forever) */
static int safe_pcall(lua_State *L)
{
  int st;
  luaL_checkany(L, 1);
  st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if(st != LUA_OK && icp_sandbox_of(L)->exceeded)
    return lua_error(L);
  lua_pushboolean(L, st == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

static int safe_xpcall(lua_State *L)
{
  int n = lua_gettop(L), st;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_replace(L, 1);
  lua_replace(L, 2); /* handler, f, args... */
  st = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  if(st != LUA_OK && icp_sandbox_of(L)->exceeded)
    return lua_error(L);
  lua_pushboolean(L, st == LUA_OK);
  lua_replace(L, 1);
  return lua_gettop(L);
}

/* string.rep of empty strings loops n times in C, out of the count hook's
 * reach: answer it here */
static int safe_rep(lua_State *L)
{
  size_t l, lsep = 0;
  luaL_checklstring(L, 1, &l);
  luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if(l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* table.move copies element by element in C: bound the count */
#define MOVE_MAX 1000000
static int safe_move(lua_State *L)
{
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  if(e >= f && (f <= 0 ? e >= MOVE_MAX + f : e - f >= MOVE_MAX))
    return luaL_error(L, "table.move of more than %d elements",
                      MOVE_MAX);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int frozen_newindex(lua_State *L)
{
  const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  if(icp_sandbox_of(L)->profile == ICP_SANDBOX_PROVIDERS)
    return luaL_error(L, "the providers config cannot set global '%s' "
                      "after loading", k);
  return luaL_error(L, "rules cannot set global '%s' while scoring", k);
}

static void copy_fields(lua_State *L, int from, int to,
                        const char *const *skip)
{
  lua_pushnil(L);
  while(lua_next(L, from)) {
    int drop = 0;
    if(lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      const char *const *s;
      for(s = skip; *s; s++)
        if(!strcmp(*s, k))
          drop = 1;
    }
    if(!drop) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, to);
    }
    else
      lua_pop(L, 1);
  }
}

static void build_env(struct icp_sandbox *sb)
{
  lua_State *L = sb->L;
  static const char *const base_ok[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal",
    "rawget", "rawlen", "select", "tonumber", "tostring", "type",
    "getmetatable", "_VERSION", NULL
  };
  static const char *const no_string[] = { "dump", NULL };
  static const char *const no_math[] = { "random", "randomseed", NULL };
  static const char *const none[] = { NULL };
  static const char *const pattern_fns[] = { "find", "match", "gmatch",
                                             "gsub", NULL };
  const char *const *k;
  int env, g, strtab;

  lua_newtable(L); /* env */
  env = lua_gettop(L);
  lua_pushglobaltable(L);
  g = lua_gettop(L);
  for(k = base_ok; *k; k++) {
    lua_getfield(L, g, *k);
    lua_setfield(L, env, *k);
  }
  lua_getfield(L, g, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setfield(L, env, "setmetatable");
  lua_pushcfunction(L, safe_pcall);
  lua_setfield(L, env, "pcall");
  lua_pushcfunction(L, safe_xpcall);
  lua_setfield(L, env, "xpcall");

  /* string: a copy without dump, with bounded pattern functions */
  lua_newtable(L);
  strtab = lua_gettop(L);
  lua_getfield(L, g, "string");
  copy_fields(L, lua_gettop(L), strtab, no_string);
  lua_pop(L, 1);
  for(k = pattern_fns; *k; k++) {
    lua_getfield(L, strtab, *k);
    lua_pushboolean(L, !strcmp(*k, "find"));
    lua_pushcclosure(L, bounded_pattern, 2);
    lua_setfield(L, strtab, *k);
  }
  lua_getfield(L, strtab, "rep");
  lua_pushcclosure(L, safe_rep, 1);
  lua_setfield(L, strtab, "rep");
  lua_pushvalue(L, strtab);
  lua_setfield(L, env, "string");
  /* ("x"):upper() goes through the shared string metatable: point it at
   * the safe copy and lock it */
  lua_pushliteral(L, "");
  if(lua_getmetatable(L, -1)) {
    lua_pushvalue(L, strtab);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 2); /* "", strtab */

  lua_newtable(L);
  lua_getfield(L, g, "table");
  copy_fields(L, lua_gettop(L), lua_gettop(L) - 1, none);
  lua_pop(L, 1);
  lua_getfield(L, -1, "move");
  lua_pushcclosure(L, safe_move, 1);
  lua_setfield(L, -2, "move");
  lua_setfield(L, env, "table");
  lua_newtable(L);
  lua_getfield(L, g, "math");
  copy_fields(L, lua_gettop(L), lua_gettop(L) - 1, no_math);
  lua_pop(L, 1);
  lua_setfield(L, env, "math");
  lua_newtable(L);
  lua_getfield(L, g, "utf8");
  copy_fields(L, lua_gettop(L), lua_gettop(L) - 1, none);
  lua_pop(L, 1);
  lua_setfield(L, env, "utf8");

  lua_pop(L, 1); /* g */
  sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops env */
}

static int open_libs(lua_State *L)
{
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_pop(L, 5);
  build_env(icp_sandbox_of(L));
  return 0;
}

static int panic(lua_State *L)
{
  (void)L;
  abort(); /* unreachable: every entry is protected */
}

struct icp_sandbox *icp_sandbox_new(size_t mem_cap)
{
  return icp_sandbox_new_profile(mem_cap, ICP_SANDBOX_PACK);
}

struct icp_sandbox *icp_sandbox_new_profile(size_t mem_cap,
                                            enum icp_sandbox_profile p)
{
  struct icp_sandbox *sb = calloc(1, sizeof(*sb));
  if(!sb)
    return NULL;
  sb->profile = p;
  sb->mem_cap = mem_cap ? mem_cap : ICP_SANDBOX_MEM_DEFAULT;
  sb->budget = ICP_SANDBOX_LOAD_STEPS;
  sb->L = lua_newstate(sb_alloc, sb);
  if(!sb->L) {
    free(sb);
    return NULL;
  }
  *(struct icp_sandbox **)lua_getextraspace(sb->L) = sb;
  lua_atpanic(sb->L, panic);
  lua_pushcfunction(sb->L, open_libs);
  if(lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
    lua_close(sb->L);
    free(sb);
    return NULL;
  }
  return sb;
}

void icp_sandbox_free(struct icp_sandbox *sb)
{
  if(!sb)
    return;
  /* finalizers are not allowed in rules, so closing runs no rule code;
   * keep a budget armed anyway */
  sb->steps = 0;
  sb->budget = ICP_SANDBOX_CALL_STEPS;
  lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  lua_close(sb->L);
  free(sb);
}

void icp_sandbox_set_ud(struct icp_sandbox *sb, void *ud)
{
  sb->ud = ud;
}

void *icp_sandbox_ud(const struct icp_sandbox *sb)
{
  return sb->ud;
}

lua_State *icp_sandbox_state(struct icp_sandbox *sb)
{
  return sb->L;
}

struct icp_sandbox *icp_sandbox_of(lua_State *L)
{
  return *(struct icp_sandbox **)lua_getextraspace(L);
}

size_t icp_sandbox_mem(const struct icp_sandbox *sb)
{
  return sb->mem;
}

void icp_sandbox_push_env(struct icp_sandbox *sb)
{
  lua_rawgeti(sb->L, LUA_REGISTRYINDEX, sb->env_ref);
}

void icp_sandbox_freeze(struct icp_sandbox *sb)
{
  lua_State *L = sb->L;
  int env, store;
  icp_sandbox_push_env(sb);
  env = lua_gettop(L);
  if(lua_getmetatable(L, env)) { /* already frozen */
    lua_pop(L, 2);
    return;
  }
  /* move the globals into a store read through __index, so that writing
   * an existing global also hits __newindex */
  lua_newtable(L);
  store = lua_gettop(L);
  lua_pushnil(L);
  while(lua_next(L, env)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, store);
  }
  lua_pushnil(L);
  while(lua_next(L, store)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, env);
  }
  lua_newtable(L);
  lua_pushvalue(L, store);
  lua_setfield(L, -2, "__index");
  lua_remove(L, store);
  lua_pushcfunction(L, frozen_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}

void icp_sandbox_describe(lua_State *L, int idx, char *out, size_t cap)
{
  if(lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    static const char marker[] = "...[truncated]";
    if(n < cap) {
      memcpy(out, s, n);
      out[n] = 0;
    }
    else if(cap > sizeof(marker)) {
      size_t keep = cap - sizeof(marker);
      memcpy(out, s, keep);
      memcpy(out + keep, marker, sizeof(marker));
    }
    else if(cap)
      out[0] = 0;
    /* NULs inside the text would cut it short: show them as '?' */
    {
      size_t i, m = n < cap ? n : (cap > sizeof(marker) ?
                                   cap - sizeof(marker) : 0);
      for(i = 0; i < m; i++)
        if(!out[i])
          out[i] = '?';
    }
    return;
  }
  snprintf(out, cap, "error object is a %s",
           lua_typename(L, lua_type(L, idx)));
}

enum icp_status icp_sandbox_load(struct icp_sandbox *sb, const char *path,
                                 const char *text, size_t len,
                                 struct icp_err *err)
{
  char name[512];
  lua_State *L = sb->L;
  int rc;
  snprintf(name, sizeof(name), "@%s", path);
  rc = luaL_loadbufferx(L, text, len, name, "t");
  if(rc != LUA_OK) {
    icp_sandbox_describe(L, -1, err->msg, sizeof(err->msg));
    lua_pop(L, 1);
    return ICP_ELOAD;
  }
  icp_sandbox_push_env(sb);
  if(!lua_setupvalue(L, -2, 1))
    lua_pop(L, 1);
  return ICP_OK;
}

enum icp_status icp_sandbox_call_buf(struct icp_sandbox *sb, int nargs,
                                     int nresults, long steps, char *errbuf,
                                     size_t cap)
{
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs - 1, rc;
  sb->steps = 0;
  sb->exceeded = 0;
  sb->budget = steps;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  rc = lua_pcall(L, nargs, nresults, 0);
  lua_sethook(L, NULL, 0, 0);
  if(rc != LUA_OK) {
    if(rc == LUA_ERRMEM)
      snprintf(errbuf, cap, "memory limit exceeded (%zu bytes per %s)",
               sb->mem_cap, sb->profile == ICP_SANDBOX_PROVIDERS
               ? "providers config" : "pack");
    else
      icp_sandbox_describe(L, -1, errbuf, cap);
    lua_settop(L, base);
    /* reclaim what the failed call allocated */
    lua_gc(L, LUA_GCCOLLECT);
    return ICP_EINVAL;
  }
  return ICP_OK;
}

enum icp_status icp_sandbox_call(struct icp_sandbox *sb, int nargs,
                                 int nresults, long steps,
                                 struct icp_err *err)
{
  return icp_sandbox_call_buf(sb, nargs, nresults, steps, err->msg,
                              sizeof(err->msg));
}
