/* providers.c -- the providers config, loaded in a Lua sandbox. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "net/providers.h"

#define MEM_CAP (16u << 20)
#define INSN_BUDGET 10000000L
#define HOOK_EVERY 1000
#define FILE_CAP (1u << 20)
#define VALUE_CAP 8192
#define ITEMS_CAP 1000

struct load {
  struct icp_providers *pv;
  const char *text;
  size_t len;
  size_t mem, memcap;
  long insns;
  char **envvals;              /* every value read by env, for the check */
  size_t nenv, envcap;
};

/* ---- the state ---------------------------------------------------------- */

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
  struct load *ld = ud;
  if(!ptr)
    osize = 0;
  if(nsize == 0) {
    free(ptr);
    ld->mem -= osize;
    return NULL;
  }
  /* never fail a shrink (HARDENING 7) */
  if(nsize > osize && ld->mem + (nsize - osize) > ld->memcap)
    return NULL;
  ptr = realloc(ptr, nsize);
  if(ptr)
    ld->mem = ld->mem - osize + nsize;
  return ptr;
}

static struct load *ctx(lua_State *L)
{
  return *(struct load **)lua_getextraspace(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
  struct load *ld = ctx(L);
  (void)ar;
  ld->insns += HOOK_EVERY;
  if(ld->insns > INSN_BUDGET)
    luaL_error(L, "instruction limit reached");
}

static int line_of_caller(lua_State *L)
{
  lua_Debug ar;
  if(lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
    return ar.currentline;
  return 0;
}

/* ---- values ------------------------------------------------------------- */

static char *dup_n(lua_State *L, const char *s, size_t n)
{
  char *c = malloc(n + 1);
  if(!c)
    luaL_error(L, "out of memory");
  memcpy(c, s, n);
  c[n] = 0;
  return c;
}

static void value_free(struct icp_cfg_value *v)
{
  size_t i;
  free(v->str);
  for(i = 0; i < v->n; i++) {
    if(v->items)
      free(v->items[i]);
    if(v->keys)
      free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof(*v));
}

static int is_env_value(struct load *ld, const char *s)
{
  size_t i;
  for(i = 0; i < ld->nenv; i++)
    if(!strcmp(ld->envvals[i], s))
      return 1;
  return 0;
}

/* Text of a string or number at idx, for list items and map values. */
static const char *item_text(lua_State *L, int idx, char *tmp, size_t cap,
                             size_t *n, const char *key)
{
  if(lua_type(L, idx) == LUA_TSTRING)
    return lua_tolstring(L, idx, n);
  if(lua_type(L, idx) == LUA_TNUMBER) {
    double d = lua_tonumber(L, idx);
    if(!isfinite(d))
      luaL_error(L, "'%s': numbers must be finite", key);
    *n = (size_t)icp_fmt_num(tmp, cap, d);
    return tmp;
  }
  luaL_error(L, "'%s': items must be strings or numbers, not %s", key,
             luaL_typename(L, idx));
  return NULL;
}

/* Converts the Lua value at idx into v (v zeroed on entry). On error, v
 * may hold partial data: the caller frees it. */
static void to_value(lua_State *L, struct load *ld, int idx, const char *key,
                     struct icp_cfg_value *v)
{
  char tmp[40];
  size_t n;
  const char *s;
  idx = lua_absindex(L, idx);
  switch(lua_type(L, idx)) {
  case LUA_TSTRING:
    s = lua_tolstring(L, idx, &n);
    if(n > VALUE_CAP || strlen(s) != n)
      luaL_error(L, "'%s': string too long or holds a NUL byte", key);
    v->type = ICP_CFG_STRING;
    v->str = dup_n(L, s, n);
    v->from_env = is_env_value(ld, v->str);
    return;
  case LUA_TNUMBER:
    v->type = ICP_CFG_NUMBER;
    v->num = lua_tonumber(L, idx);
    if(!isfinite(v->num))
      luaL_error(L, "'%s': numbers must be finite", key);
    n = (size_t)icp_fmt_num(tmp, sizeof(tmp), v->num);
    v->str = dup_n(L, tmp, n);
    return;
  case LUA_TBOOLEAN:
    v->type = ICP_CFG_BOOL;
    v->b = lua_toboolean(L, idx);
    return;
  case LUA_TTABLE:
    break;
  default:
    luaL_error(L, "'%s': a %s is not a config value", key,
               luaL_typename(L, idx));
  }
  /* a sequence is a list; string keys make a map */
  {
    size_t len = lua_rawlen(L, idx), count = 0, i;
    int env_all = 1;
    lua_pushnil(L);
    while(lua_next(L, idx)) {
      count++;
      lua_pop(L, 1);
      if(count > ITEMS_CAP)
        luaL_error(L, "'%s': more than %d items", key, ITEMS_CAP);
    }
    if(count == len) {
      v->type = ICP_CFG_LIST;
      v->items = calloc(len ? len : 1, sizeof(char *));
      if(!v->items)
        luaL_error(L, "out of memory");
      for(i = 0; i < len; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        s = item_text(L, -1, tmp, sizeof(tmp), &n, key);
        if(n > VALUE_CAP || strlen(s) != n)
          luaL_error(L, "'%s': item too long or holds a NUL byte", key);
        v->items[i] = dup_n(L, s, n);
        v->n = i + 1;
        lua_pop(L, 1);
      }
      return;
    }
    v->type = ICP_CFG_MAP;
    v->items = calloc(count, sizeof(char *));
    v->keys = calloc(count, sizeof(char *));
    if(!v->items || !v->keys)
      luaL_error(L, "out of memory");
    lua_pushnil(L);
    while(lua_next(L, idx)) {
      size_t kn;
      const char *k;
      if(lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "'%s': mixes a list and string keys", key);
      k = lua_tolstring(L, -2, &kn);
      if(kn > 256 || strlen(k) != kn)
        luaL_error(L, "'%s': bad key", key);
      s = item_text(L, -1, tmp, sizeof(tmp), &n, key);
      if(n > VALUE_CAP || strlen(s) != n)
        luaL_error(L, "'%s': value too long or holds a NUL byte", key);
      v->keys[v->n] = dup_n(L, k, kn);
      v->items[v->n] = dup_n(L, s, n);
      v->n++;
      if(!is_env_value(ld, v->items[v->n - 1]))
        env_all = 0;
      lua_pop(L, 1);
    }
    v->from_env = env_all && v->n;
    /* sort pairs by key: keys and values move together */
    for(i = 1; i < v->n; i++) {
      size_t j = i;
      while(j && strcmp(v->keys[j - 1], v->keys[j]) > 0) {
        char *t = v->keys[j];
        v->keys[j] = v->keys[j - 1];
        v->keys[j - 1] = t;
        t = v->items[j];
        v->items[j] = v->items[j - 1];
        v->items[j - 1] = t;
        j--;
      }
    }
  }
}

/* ---- the DSL ------------------------------------------------------------ */

static int is_host_key(const char *k)
{
  static const char *const keys[] = {
    "enricher", "timeout_ms", "connect_timeout_ms", "max_rps", "ttl_days",
    "overwrite", "max_attempts", "max_polls", "max_body_bytes",
    "low_speed_bytes", "low_speed_time_s", "backoff_base_ms",
    "backoff_cap_ms", "retry_after_max_ms", "breaker_failures",
    "breaker_cooldown_ms", "ca_file", NULL
  };
  size_t i;
  for(i = 0; keys[i]; i++)
    if(!strcmp(keys[i], k))
      return 1;
  return 0;
}

static double host_num(lua_State *L, const char *pname, const char *key,
                       const struct icp_cfg_value *v, double lo, double hi)
{
  if(v->type != ICP_CFG_NUMBER)
    luaL_error(L, "provider '%s': '%s' must be a number", pname, key);
  if(v->num < lo || v->num > hi)
    luaL_error(L, "provider '%s': '%s' must be between %f and %f", pname,
               key, lo, hi);
  return v->num;
}

static void host_key(lua_State *L, struct icp_enr_config *c, const char *key,
                     struct icp_cfg_value *v)
{
  const char *pn = c->name;
  struct icp_sched_limits *l = &c->lim;
  if(!strcmp(key, "enricher")) {
    size_t i;
    if(v->type != ICP_CFG_STRING || !v->str[0] || strlen(v->str) > 64)
      luaL_error(L, "provider '%s': 'enricher' must be a name", pn);
    for(i = 0; v->str[i]; i++)
      if(!((v->str[i] >= 'a' && v->str[i] <= 'z') ||
           (v->str[i] >= '0' && v->str[i] <= '9') || v->str[i] == '_'))
        luaL_error(L, "provider '%s': 'enricher' must be made of "
                   "[a-z0-9_]", pn);
    free(c->enricher);
    c->enricher = v->str;
    v->str = NULL;
  }
  else if(!strcmp(key, "overwrite")) {
    if(v->type != ICP_CFG_BOOL)
      luaL_error(L, "provider '%s': 'overwrite' must be true or false", pn);
    c->overwrite = v->b;
  }
  else if(!strcmp(key, "ca_file")) {
    if(v->type != ICP_CFG_STRING)
      luaL_error(L, "provider '%s': 'ca_file' must be a path", pn);
    free(c->ca_file);
    c->ca_file = v->str;
    v->str = NULL;
    l->cainfo = c->ca_file;
  }
  else if(!strcmp(key, "ttl_days"))
    c->ttl_days = host_num(L, pn, key, v, 0, 36500);
  else if(!strcmp(key, "max_rps"))
    l->max_rps = host_num(L, pn, key, v, 0, 100000);
  else if(!strcmp(key, "timeout_ms"))
    l->timeout_ms = (long)host_num(L, pn, key, v, 1, 600000);
  else if(!strcmp(key, "connect_timeout_ms"))
    l->connect_timeout_ms = (long)host_num(L, pn, key, v, 1, 600000);
  else if(!strcmp(key, "max_attempts"))
    l->max_attempts = (int)host_num(L, pn, key, v, 1, 20);
  else if(!strcmp(key, "max_polls"))
    l->max_polls = (int)host_num(L, pn, key, v, 1, 100);
  else if(!strcmp(key, "max_body_bytes"))
    l->max_body = (size_t)host_num(L, pn, key, v, 1024, 1 << 30);
  else if(!strcmp(key, "low_speed_bytes"))
    l->low_speed_bytes = (long)host_num(L, pn, key, v, 1, 1 << 30);
  else if(!strcmp(key, "low_speed_time_s"))
    l->low_speed_time_s = (long)host_num(L, pn, key, v, 1, 3600);
  else if(!strcmp(key, "backoff_base_ms"))
    l->backoff_base_ms = (long)host_num(L, pn, key, v, 1, 600000);
  else if(!strcmp(key, "backoff_cap_ms"))
    l->backoff_cap_ms = (long)host_num(L, pn, key, v, 1, 3600000);
  else if(!strcmp(key, "retry_after_max_ms"))
    l->retry_after_cap_ms = (long)host_num(L, pn, key, v, 1, 3600000);
  else if(!strcmp(key, "breaker_failures"))
    l->breaker_failures = (int)host_num(L, pn, key, v, 1, 1000);
  else if(!strcmp(key, "breaker_cooldown_ms"))
    l->breaker_cooldown_ms = (long)host_num(L, pn, key, v, 1, 3600000);
}

static void config_free(struct icp_enr_config *c)
{
  size_t i;
  for(i = 0; i < c->ne; i++) {
    free(c->e[i].key);
    value_free(&c->e[i].v);
  }
  free(c->e);
  free(c->name);
  free(c->enricher);
  free(c->ca_file);
  memset(c, 0, sizeof(*c));
}

/* provider "name" { ... }: the closure receives the table. */
static int provider_body(lua_State *L)
{
  struct load *ld = ctx(L);
  struct icp_providers *pv = ld->pv;
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  struct icp_enr_config *c;
  size_t count = 0;
  luaL_checktype(L, 1, LUA_TTABLE);
  if(icp_providers_find(pv, name))
    return luaL_error(L, "provider '%s' is declared twice", name);
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    count++;
    lua_pop(L, 1);
  }
  if(count > 100)
    return luaL_error(L, "provider '%s': too many keys", name);
  {
    struct icp_enr_config *np = realloc(pv->p, (pv->np + 1) * sizeof(*np));
    if(!np)
      return luaL_error(L, "out of memory");
    pv->p = np;
  }
  c = &pv->p[pv->np++];
  memset(c, 0, sizeof(*c));
  c->name = dup_n(L, name, strlen(name));
  c->lim.name = c->name;
  c->line = line_of_caller(L);
  c->file = pv->path;
  c->ttl_days = 30;
  c->redact = &pv->redact;
  c->e = calloc(count ? count : 1, sizeof(*c->e));
  if(!c->e)
    return luaL_error(L, "out of memory");
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    const char *k;
    struct icp_cfg_entry *e;
    if(lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "provider '%s': keys must be names", name);
    k = lua_tostring(L, -2);
    /* owned by c from here on, so an error frees it with the rest */
    e = &c->e[c->ne++];
    e->key = dup_n(L, k, strlen(k));
    to_value(L, ld, -1, k, &e->v);
    if(is_host_key(k)) {
      host_key(L, c, k, &e->v);
      c->ne--;
      value_free(&e->v);
      free(e->key);
      e->key = NULL;
    }
    lua_pop(L, 1);
  }
  if(!c->enricher)
    c->enricher = dup_n(L, name, strlen(name));
  return 0;
}

static int l_provider(lua_State *L)
{
  size_t n, i;
  const char *name = luaL_checklstring(L, 1, &n);
  if(!n || n > 64)
    return luaL_error(L, "provider name must be 1 to 64 characters");
  for(i = 0; i < n; i++)
    if(!((name[i] >= 'a' && name[i] <= 'z') ||
         (name[i] >= 'A' && name[i] <= 'Z') ||
         (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
         name[i] == '-'))
      return luaL_error(L, "provider name '%s' must be made of "
                        "[A-Za-z0-9_-]", name);
  lua_settop(L, 1);
  lua_pushcclosure(L, provider_body, 1);
  return 1;
}

static int l_enrich(lua_State *L)
{
  struct load *ld = ctx(L);
  struct icp_providers *pv = ld->pv;
  int line = line_of_caller(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  if(pv->chains)
    return luaL_error(L, "enrich { } is given twice");
  pv->chains = calloc(8, sizeof(*pv->chains));
  if(!pv->chains)
    return luaL_error(L, "out of memory");
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    struct icp_chain *ch;
    const char *kind;
    size_t i, len;
    if(lua_type(L, -2) != LUA_TSTRING)
      return luaL_error(L, "enrich: keys must be kinds");
    kind = lua_tostring(L, -2);
    if(strcmp(kind, "firmographic") && strcmp(kind, "technographic"))
      return luaL_error(L, "enrich: unknown kind '%s' (firmographic or "
                        "technographic)", kind);
    if(lua_type(L, -1) != LUA_TTABLE)
      return luaL_error(L, "enrich: '%s' must be a list of providers",
                        kind);
    len = lua_rawlen(L, -1);
    if(len > 32)
      return luaL_error(L, "enrich: '%s' lists too many providers", kind);
    ch = &pv->chains[pv->nchains++];
    ch->line = line;
    ch->kind = dup_n(L, kind, strlen(kind));
    ch->names = calloc(len ? len : 1, sizeof(char *));
    if(!ch->names)
      return luaL_error(L, "out of memory");
    for(i = 0; i < len; i++) {
      const char *pn;
      size_t j;
      lua_rawgeti(L, -1, (lua_Integer)i + 1);
      if(lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "enrich: '%s' must list provider names", kind);
      pn = lua_tostring(L, -1);
      for(j = 0; j < ch->n; j++)
        if(!strcmp(ch->names[j], pn))
          return luaL_error(L, "enrich: '%s' lists '%s' twice", kind, pn);
      ch->names[ch->n++] = dup_n(L, pn, strlen(pn));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  return 0;
}

static int l_cache(lua_State *L)
{
  struct load *ld = ctx(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2)
                                                   : "?";
    size_t n;
    const char *s;
    if(strcmp(k, "path"))
      return luaL_error(L, "cache: unknown key '%s'", k);
    if(lua_type(L, -1) != LUA_TSTRING)
      return luaL_error(L, "cache: 'path' must be a string");
    s = lua_tolstring(L, -1, &n);
    if(!n || n > 4000 || strlen(s) != n)
      return luaL_error(L, "cache: bad 'path'");
    free(ld->pv->cache_path);
    ld->pv->cache_path = NULL;
    ld->pv->cache_path = dup_n(L, s, n);
    lua_pop(L, 1);
  }
  return 0;
}

static int l_env(lua_State *L)
{
  struct load *ld = ctx(L);
  size_t n, i;
  const char *name = luaL_checklstring(L, 1, &n);
  const char *val;
  if(!n || n > 128)
    return luaL_error(L, "env: bad variable name");
  for(i = 0; i < n; i++)
    if(!((name[i] >= 'A' && name[i] <= 'Z') ||
         (name[i] >= 'a' && name[i] <= 'z') ||
         (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
      return luaL_error(L, "env: bad variable name");
  val = getenv(name);
  if(!val || !*val)
    return luaL_error(L, "environment variable %s is not set", name);
  if(strlen(val) < 4)
    return luaL_error(L, "environment variable %s is too short to be a "
                      "secret", name);
  if(strlen(val) > VALUE_CAP)
    return luaL_error(L, "environment variable %s is too long", name);
  if(ld->nenv == ld->envcap) {
    size_t cap = ld->envcap ? ld->envcap * 2 : 8;
    char **ne = realloc(ld->envvals, cap * sizeof(*ne));
    if(!ne)
      return luaL_error(L, "out of memory");
    ld->envvals = ne;
    ld->envcap = cap;
  }
  ld->envvals[ld->nenv++] = dup_n(L, val, strlen(val));
  if(icp_redact_add(&ld->pv->redact, val))
    return luaL_error(L, "out of memory");
  lua_pushstring(L, val);
  return 1;
}

/* ---- the sandbox -------------------------------------------------------- */

static void copy_fields(lua_State *L, int from, int to,
                        const char *const *names)
{
  size_t i;
  from = lua_absindex(L, from);
  to = lua_absindex(L, to);
  for(i = 0; names[i]; i++) {
    lua_getfield(L, from, names[i]);
    lua_setfield(L, to, names[i]);
  }
}

static int setup_and_run(lua_State *L)
{
  struct load *ld = lua_touserdata(L, 1);
  static const char *const base[] = {
    "assert", "error", "ipairs", "next", "pairs", "select", "tonumber",
    "tostring", "type", "rawequal", "rawlen", "rawget", NULL
  };
  static const char *const str[] = {
    "byte", "char", "format", "len", "lower", "rep", "reverse", "sub",
    "upper", NULL
  };
  static const char *const tab[] = {
    "concat", "insert", "remove", "sort", "unpack", NULL
  };
  static const char *const mth[] = {
    "abs", "ceil", "floor", "fmod", "huge", "max", "maxinteger", "min",
    "mininteger", "pi", "sqrt", "tointeger", "type", "ult", NULL
  };
  int env, g;
  char chunkname[300];

  luaL_requiref(L, "_G", luaopen_base, 0);
  g = lua_gettop(L);
  lua_newtable(L); /* env */
  env = lua_gettop(L);
  copy_fields(L, g, env, base);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
  lua_newtable(L);
  copy_fields(L, -2, -1, str);
  /* lock the shared string metatable on the safe copy (HARDENING 3) */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);         /* ..., string, safe, "", mt */
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  lua_setfield(L, env, "string");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
  lua_newtable(L);
  copy_fields(L, -2, -1, tab);
  lua_setfield(L, env, "table");
  lua_pop(L, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
  lua_newtable(L);
  copy_fields(L, -2, -1, mth);
  lua_setfield(L, env, "math");
  lua_pop(L, 1);
  lua_pushcfunction(L, l_provider);
  lua_setfield(L, env, "provider");
  lua_pushcfunction(L, l_enrich);
  lua_setfield(L, env, "enrich");
  lua_pushcfunction(L, l_cache);
  lua_setfield(L, env, "cache");
  lua_pushcfunction(L, l_env);
  lua_setfield(L, env, "env");

  snprintf(chunkname, sizeof(chunkname), "@%s", ld->pv->path);
  if(luaL_loadbufferx(L, ld->text, ld->len, chunkname, "t") != LUA_OK)
    return lua_error(L);
  lua_pushvalue(L, env);
  lua_setupvalue(L, -2, 1); /* _ENV */
  lua_call(L, 0, 0);
  return 0;
}

/* ---- checks after the run ----------------------------------------------- */

static enum icp_status check(struct icp_providers *pv, struct icp_err *err)
{
  size_t i, j;
  for(i = 0; i < pv->nchains; i++)
    for(j = 0; j < pv->chains[i].n; j++)
      if(!icp_providers_find(pv, pv->chains[i].names[j]))
        return icp_err_set(err, ICP_ELOAD,
                           "%s:%d: enrich: '%s' names no provider",
                           pv->path, pv->chains[i].line,
                           pv->chains[i].names[j]);
  if(!pv->np)
    return icp_err_set(err, ICP_ELOAD, "%s: no provider is declared",
                       pv->path);
  return ICP_OK;
}

static char *read_file(const char *path, size_t *len, struct icp_err *err)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  size_t n;
  if(!f) {
    icp_err_set(err, ICP_EIO, "%s: cannot open", path);
    return NULL;
  }
  buf = malloc(FILE_CAP + 1);
  if(!buf) {
    fclose(f);
    icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  n = fread(buf, 1, FILE_CAP + 1, f);
  if(ferror(f) || n > FILE_CAP) {
    fclose(f);
    free(buf);
    icp_err_set(err, ICP_ELIMIT, "%s: unreadable or larger than %u bytes",
                path, FILE_CAP);
    return NULL;
  }
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

enum icp_status icp_providers_load(struct icp_providers **out,
                                   const char *path, struct icp_err *err)
{
  struct icp_providers *pv = calloc(1, sizeof(*pv));
  struct load ld;
  lua_State *L;
  enum icp_status st = ICP_OK;
  size_t i;

  *out = NULL;
  memset(&ld, 0, sizeof(ld));
  if(!pv || !(pv->path = strdup(path))) {
    free(pv);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  }
  icp_redact_init(&pv->redact);
  ld.pv = pv;
  ld.memcap = MEM_CAP;
  ld.text = read_file(path, &ld.len, err);
  if(!ld.text) {
    icp_providers_free(pv);
    return ICP_ELOAD;
  }
  L = lua_newstate(alloc, &ld);
  if(!L) {
    free((char *)ld.text);
    icp_providers_free(pv);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  }
  *(struct load **)lua_getextraspace(L) = &ld;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  lua_pushcfunction(L, setup_and_run);
  lua_pushlightuserdata(L, &ld);
  if(lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                   : "error";
    char red[ICP_ERR_MAX];
    icp_redact(&pv->redact, m, red, sizeof(red));
    /* messages already carry "path:line:" when Lua knows the line */
    if(!strncmp(red, path, strlen(path)))
      st = icp_err_set(err, ICP_ELOAD, "%s", red);
    else
      st = icp_err_set(err, ICP_ELOAD, "%s: %s", path, red);
  }
  lua_close(L);
  free((char *)ld.text);
  if(!st)
    st = check(pv, err);
  if(!st && !pv->cache_path && !(pv->cache_path = strdup(".icp/cache.sqlite")))
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  for(i = 0; i < ld.nenv; i++)
    free(ld.envvals[i]);
  free(ld.envvals);
  if(st) {
    icp_providers_free(pv);
    return st;
  }
  *out = pv;
  return ICP_OK;
}

void icp_providers_free(struct icp_providers *pv)
{
  size_t i, j;
  if(!pv)
    return;
  for(i = 0; i < pv->np; i++)
    config_free(&pv->p[i]);
  free(pv->p);
  for(i = 0; i < pv->nchains; i++) {
    for(j = 0; j < pv->chains[i].n; j++)
      free(pv->chains[i].names[j]);
    free(pv->chains[i].names);
    free(pv->chains[i].kind);
  }
  free(pv->chains);
  free(pv->cache_path);
  free(pv->path);
  icp_redact_free(&pv->redact);
  free(pv);
}

const struct icp_cfg_entry *icp_cfg_find(const struct icp_enr_config *c,
                                         const char *key)
{
  size_t i;
  for(i = 0; i < c->ne; i++)
    if(!strcmp(c->e[i].key, key))
      return &c->e[i];
  return NULL;
}

struct icp_enr_config *icp_providers_find(struct icp_providers *pv,
                                          const char *name)
{
  size_t i;
  for(i = 0; i < pv->np; i++)
    if(!strcmp(pv->p[i].name, name))
      return &pv->p[i];
  return NULL;
}
