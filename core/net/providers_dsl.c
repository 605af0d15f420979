/* providers_dsl.c -- the language of a providers file: provider { },
 * enrich { }, cache { } and env "NAME", the values they accept, and the
 * checks once the file has run. Problems are recorded with file:line and
 * the load goes on (providers.c runs the file and reports them). */
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "net/cache_pg.h"
#include "net/providers_impl.h"
#include "rules/rules.h"
#include "rules/sandbox.h"
#include "net/libs.h"

#define VALUE_CAP 8192
#define ITEMS_CAP 1000
#define PROBLEMS_MAX 100
/* the shortest lease of a shared cache's claims: a live process renews
 * them on the scheduler's tick, so a lease of a tick or two would run out
 * under a process that is still asking, and others would ask again */
#define LEASE_MIN_MS (5 * ICP_SCHED_TICK_MS)
#define LEASE_MAX_MS 86400000

/* ---- the state ---------------------------------------------------------- */

static struct load *ctx(lua_State *L)
{
  return icp_sandbox_ud(icp_sandbox_of(L));
}

static int line_of_caller(lua_State *L)
{
  lua_Debug ar;
  if(lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
    return ar.currentline;
  return 0;
}

/* Records a problem "file:line: text" (each text once) and goes on. */
static void problem(struct load *ld, int line, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void problem(struct load *ld, int line, const char *fmt, ...)
{
  char text[ICP_ERR_MAX], full[ICP_ERR_MAX + 64], red[ICP_ERR_MAX];
  size_t i;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if(line > 0)
    snprintf(full, sizeof(full), "%s:%d: %s", ld->pv->path, line, text);
  else if(!strncmp(text, ld->pv->path, strlen(ld->pv->path)))
    snprintf(full, sizeof(full), "%s", text);
  else
    snprintf(full, sizeof(full), "%s: %s", ld->pv->path, text);
  icp_redact(&ld->pv->redact, full, red, sizeof(red));
  for(i = 0; i < ld->nmsg; i++)
    if(!strcmp(ld->msg[i], red))
      return;
  if(ld->nmsg == PROBLEMS_MAX) {
    ld->more++;
    return;
  }
  {
    /* out of memory: counted with the problems not shown */
    char *c = icp_grow(ld->msg, ld->msgcap, ld->nmsg + 1) ? NULL
                                                          : strdup(red);
    if(!c) {
      ld->more++;
      return;
    }
    ld->msg[ld->nmsg++] = c;
  }
}

void icpi_cfg_problem_text(struct load *ld, int line, const char *text)
{
  problem(ld, line, "%s", text);
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
  free(v->env);
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

/* The variable env read s from, or NULL. */
static const char *env_name_of(struct load *ld, const char *s)
{
  size_t i;
  for(i = 0; i < ld->nenv; i++)
    if(!strcmp(ld->env[i].val, s))
      return ld->env[i].name;
  return NULL;
}

/* Text of a string or number at idx, for list items and map values; NULL
 * after recording a problem. */
static const char *item_text(lua_State *L, int idx, char *tmp, size_t cap,
                             size_t *n, const char *key, int line)
{
  if(lua_type(L, idx) == LUA_TSTRING) {
    const char *s = lua_tolstring(L, idx, n);
    if(*n > VALUE_CAP || strlen(s) != *n) {
      problem(ctx(L), line, "'%s': item too long or holds a NUL byte", key);
      return NULL;
    }
    return s;
  }
  if(lua_type(L, idx) == LUA_TNUMBER) {
    double d = lua_tonumber(L, idx);
    if(!isfinite(d)) {
      problem(ctx(L), line, "'%s': numbers must be finite", key);
      return NULL;
    }
    *n = (size_t)icp_fmt_num(tmp, cap, d);
    return tmp;
  }
  problem(ctx(L), line, "'%s': items must be strings or numbers, not %s",
          key, luaL_typename(L, idx));
  return NULL;
}

/* Converts the Lua value at idx into v (v zeroed on entry). Returns 0, or
 * -1 after recording a problem; v may then hold partial data: the caller
 * frees it. */
static int to_value(lua_State *L, struct load *ld, int idx, const char *key,
                    int line, struct icp_cfg_value *v)
{
  char tmp[40];
  size_t n, len, count = 0, i;
  const char *s, *en;
  int env_all = 1;
  idx = lua_absindex(L, idx);
  switch(lua_type(L, idx)) {
  case LUA_TSTRING:
    s = lua_tolstring(L, idx, &n);
    if(n > VALUE_CAP || strlen(s) != n) {
      problem(ld, line, "'%s': string too long or holds a NUL byte", key);
      return -1;
    }
    v->type = ICP_CFG_STRING;
    v->str = dup_n(L, s, n);
    en = env_name_of(ld, v->str);
    v->from_env = en != NULL;
    if(en)
      v->env = dup_n(L, en, strlen(en));
    return 0;
  case LUA_TNUMBER:
    v->type = ICP_CFG_NUMBER;
    v->num = lua_tonumber(L, idx);
    if(!isfinite(v->num)) {
      problem(ld, line, "'%s': numbers must be finite", key);
      return -1;
    }
    n = (size_t)icp_fmt_num(tmp, sizeof(tmp), v->num);
    v->str = dup_n(L, tmp, n);
    return 0;
  case LUA_TBOOLEAN:
    v->type = ICP_CFG_BOOL;
    v->b = lua_toboolean(L, idx);
    return 0;
  case LUA_TTABLE:
    break;
  default:
    problem(ld, line, "'%s': a %s is not a config value", key,
            luaL_typename(L, idx));
    return -1;
  }
  /* a sequence is a list; string keys make a map */
  len = lua_rawlen(L, idx);
  lua_pushnil(L);
  while(lua_next(L, idx)) {
    count++;
    lua_pop(L, 1);
    if(count > ITEMS_CAP) {
      lua_pop(L, 1);
      problem(ld, line, "'%s': more than %d items", key, ITEMS_CAP);
      return -1;
    }
  }
  if(count == len) {
    v->type = ICP_CFG_LIST;
    v->items = calloc(len ? len : 1, sizeof(char *));
    if(!v->items)
      luaL_error(L, "out of memory");
    for(i = 0; i < len; i++) {
      lua_rawgeti(L, idx, (lua_Integer)i + 1);
      s = item_text(L, -1, tmp, sizeof(tmp), &n, key, line);
      if(!s) {
        lua_pop(L, 1);
        return -1;
      }
      v->items[i] = dup_n(L, s, n);
      v->n = i + 1;
      lua_pop(L, 1);
    }
    return 0;
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
    if(lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      problem(ld, line, "'%s': mixes a list and string keys", key);
      return -1;
    }
    k = lua_tolstring(L, -2, &kn);
    if(kn > 256 || strlen(k) != kn) {
      lua_pop(L, 2);
      problem(ld, line, "'%s': bad key", key);
      return -1;
    }
    s = item_text(L, -1, tmp, sizeof(tmp), &n, key, line);
    if(!s) {
      lua_pop(L, 2);
      return -1;
    }
    v->keys[v->n] = dup_n(L, k, kn); /* may raise, as the next one */
    v->n++;  /* value_free frees the pair from here (the item is NULL) */
    v->items[v->n - 1] = dup_n(L, s, n);
    en = env_name_of(ld, v->items[v->n - 1]);
    if(!en)
      env_all = 0;
    else if(!v->env)
      v->env = dup_n(L, en, strlen(en));
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
  return 0;
}

/* ---- the DSL ------------------------------------------------------------ */

const char *const icp_cfg_host_keys[] = {
  "enricher", "timeout_ms", "connect_timeout_ms", "max_rps", "ttl_days",
  "overwrite", "max_attempts", "max_polls", "max_body_bytes",
  "low_speed_bytes", "low_speed_time_s", "backoff_base_ms",
  "backoff_cap_ms", "retry_after_max_ms", "breaker_failures",
  "breaker_cooldown_ms", "ca_file", "max_requests", "cost_per_request",
  NULL
};

static int is_host_key(const char *k)
{
  size_t i;
  for(i = 0; icp_cfg_host_keys[i]; i++)
    if(!strcmp(icp_cfg_host_keys[i], k))
      return 1;
  return 0;
}

/* The number of a host key in [lo, hi], or -1 after recording a problem
 * (every bound here is >= 0). */
static double host_num(struct load *ld, const struct icp_enr_config *c,
                       const char *key, const struct icp_cfg_value *v,
                       double lo, double hi)
{
  if(v->type != ICP_CFG_NUMBER) {
    problem(ld, c->line, "provider '%s': '%s' must be a number", c->name,
            key);
    return -1;
  }
  if(v->num < lo || v->num > hi) {
    problem(ld, c->line, "provider '%s': '%s' must be between %g and %g",
            c->name, key, lo, hi);
    return -1;
  }
  return v->num;
}

#define NUM(field, cast, lo, hi)                                      \
  do {                                                                \
    double d_ = host_num(ld, c, key, v, lo, hi);                      \
    if(d_ >= 0)                                                       \
      field = (cast)d_;                                               \
  } while(0)

static void host_key(struct load *ld, struct icp_enr_config *c,
                     const char *key, struct icp_cfg_value *v)
{
  const char *pn = c->name;
  struct icp_sched_limits *l = &c->lim;
  if(!strcmp(key, "enricher")) {
    size_t i;
    int ok = v->type == ICP_CFG_STRING && v->str[0] && strlen(v->str) <= 64;
    for(i = 0; ok && v->str[i]; i++)
      if(!((v->str[i] >= 'a' && v->str[i] <= 'z') ||
           (v->str[i] >= '0' && v->str[i] <= '9') || v->str[i] == '_'))
        ok = 0;
    if(!ok) {
      problem(ld, c->line, "provider '%s': 'enricher' must be a name made "
              "of [a-z0-9_]", pn);
      return;
    }
    free(c->enricher);
    c->enricher = v->str;
    v->str = NULL;
  }
  else if(!strcmp(key, "overwrite")) {
    if(v->type != ICP_CFG_BOOL)
      problem(ld, c->line, "provider '%s': 'overwrite' must be true or "
              "false", pn);
    else
      c->overwrite = v->b;
  }
  else if(!strcmp(key, "ca_file")) {
    if(v->type != ICP_CFG_STRING) {
      problem(ld, c->line, "provider '%s': 'ca_file' must be a path", pn);
      return;
    }
    free(c->ca_file);
    c->ca_file = v->str;
    v->str = NULL;
    l->cainfo = c->ca_file;
  }
  else if(!strcmp(key, "ttl_days"))
    NUM(c->ttl_days, double, 0, 36500);
  else if(!strcmp(key, "max_rps"))
    NUM(l->max_rps, double, 0, 100000);
  else if(!strcmp(key, "max_requests"))
    NUM(c->max_requests, long, 1, 1e12);
  else if(!strcmp(key, "cost_per_request"))
    NUM(c->cost_per_request, double, 0, 1e6);
  else if(!strcmp(key, "timeout_ms"))
    NUM(l->timeout_ms, long, 1, 600000);
  else if(!strcmp(key, "connect_timeout_ms"))
    NUM(l->connect_timeout_ms, long, 1, 600000);
  else if(!strcmp(key, "max_attempts"))
    NUM(l->max_attempts, int, 1, 20);
  else if(!strcmp(key, "max_polls"))
    NUM(l->max_polls, int, 1, 100);
  else if(!strcmp(key, "max_body_bytes"))
    NUM(l->max_body, size_t, 1024, 1 << 30);
  else if(!strcmp(key, "low_speed_bytes"))
    NUM(l->low_speed_bytes, long, 1, 1 << 30);
  else if(!strcmp(key, "low_speed_time_s"))
    NUM(l->low_speed_time_s, long, 1, 3600);
  else if(!strcmp(key, "backoff_base_ms"))
    NUM(l->backoff_base_ms, long, 1, 600000);
  else if(!strcmp(key, "backoff_cap_ms"))
    NUM(l->backoff_cap_ms, long, 1, 3600000);
  else if(!strcmp(key, "retry_after_max_ms"))
    NUM(l->retry_after_cap_ms, long, 1, 3600000);
  else if(!strcmp(key, "breaker_failures"))
    NUM(l->breaker_failures, int, 1, 1000);
  else if(!strcmp(key, "breaker_cooldown_ms"))
    NUM(l->breaker_cooldown_ms, long, 1, 3600000);
}

#undef NUM

void icpi_cfg_config_free(struct icp_enr_config *c)
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
  int line = line_of_caller(L);
  struct icp_enr_config *c;
  size_t count = 0;
  int bad;
  if(lua_type(L, 1) != LUA_TTABLE) {
    problem(ld, line, "provider '%s' takes a table: provider \"%s\" { ... }",
            name, name);
    return 0;
  }
  if(icp_providers_find(pv, name)) {
    problem(ld, line, "provider '%s' is declared twice", name);
    return 0;
  }
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    count++;
    lua_pop(L, 1);
  }
  if(count > 100) {
    problem(ld, line, "provider '%s': too many keys", name);
    return 0;
  }
  if(icp_grow(pv->p, pv->pcap, pv->np + 1))
    return luaL_error(L, "out of memory");
  c = &pv->p[pv->np++];
  memset(c, 0, sizeof(*c));
  c->name = dup_n(L, name, strlen(name));
  c->lim.name = c->name;
  c->line = line;
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
    if(lua_type(L, -2) != LUA_TSTRING) {
      problem(ld, line, "provider '%s': keys must be names, not a %s", name,
              luaL_typename(L, -2));
      lua_pop(L, 1);
      continue;
    }
    k = lua_tostring(L, -2);
    /* owned by c from here on, so an error frees it with the rest */
    e = &c->e[c->ne++];
    e->key = dup_n(L, k, strlen(k));
    bad = to_value(L, ld, -1, k, line, &e->v);
    if(bad || is_host_key(k)) {
      if(!bad)
        host_key(ld, c, k, &e->v);
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
  int ok = n && n <= 64;
  for(i = 0; ok && i < n; i++)
    if(!((name[i] >= 'a' && name[i] <= 'z') ||
         (name[i] >= 'A' && name[i] <= 'Z') ||
         (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
         name[i] == '-'))
      ok = 0;
  if(!ok)
    return luaL_error(L, "provider name '%s' must be 1 to 64 characters "
                      "of [A-Za-z0-9_-]", name);
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
  if(pv->chains) {
    problem(ld, line, "enrich { } is given twice");
    return 0;
  }
  pv->chains = calloc(8, sizeof(*pv->chains));
  if(!pv->chains)
    return luaL_error(L, "out of memory");
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    struct icp_chain *ch;
    const char *kind;
    size_t i, len;
    static const char *const kinds[] = { "firmographic", "technographic",
                                         NULL };
    if(lua_type(L, -2) != LUA_TSTRING) {
      problem(ld, line, "enrich: keys must be kinds (firmographic or "
              "technographic)");
      lua_pop(L, 1);
      continue;
    }
    kind = lua_tostring(L, -2);
    if(strcmp(kind, "firmographic") && strcmp(kind, "technographic")) {
      const char *dym = icp_cfg_suggest(kind, kinds);
      problem(ld, line, "enrich: unknown kind '%s'%s%s%s", kind,
              dym ? " (did you mean '" : " (firmographic or technographic)",
              dym ? dym : "", dym ? "'?)" : "");
      lua_pop(L, 1);
      continue;
    }
    if(lua_type(L, -1) != LUA_TTABLE || lua_rawlen(L, -1) > 32) {
      problem(ld, line, "enrich: '%s' must be a list of at most 32 "
              "providers", kind);
      lua_pop(L, 1);
      continue;
    }
    len = lua_rawlen(L, -1);
    ch = &pv->chains[pv->nchains++];
    ch->line = line;
    ch->kind = dup_n(L, kind, strlen(kind));
    ch->names = calloc(len ? len : 1, sizeof(char *));
    if(!ch->names)
      return luaL_error(L, "out of memory");
    for(i = 0; i < len; i++) {
      const char *pn;
      size_t j;
      int dup = 0;
      lua_rawgeti(L, -1, (lua_Integer)i + 1);
      if(lua_type(L, -1) != LUA_TSTRING) {
        problem(ld, line, "enrich: '%s' must list provider names", kind);
        lua_pop(L, 1);
        continue;
      }
      pn = lua_tostring(L, -1);
      for(j = 0; j < ch->n; j++)
        if(!strcmp(ch->names[j], pn))
          dup = 1;
      if(dup)
        problem(ld, line, "enrich: '%s' lists '%s' twice", kind, pn);
      else {
        /* counted only once made: dup_n raises when out of memory, and a
         * counted NULL name would reach the checks after the run */
        char *name = dup_n(L, pn, strlen(pn));
        ch->names[ch->n++] = name;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  return 0;
}

/* cache { url = ... }: a PostgreSQL URL libpq accepts, whose password (if
 * any) comes from the environment and is a secret from then on. */
static void cache_url(struct load *ld, lua_State *L, int line, const char *s,
                      size_t n)
{
  char why[ICP_ERR_MAX];
  struct icp_err lerr;
  int npw;
  if(!n || n > 4000 || strlen(s) != n) {
    problem(ld, line, "cache: bad 'url'");
    return;
  }
  if(icp_cache_pg_is_url(s) && icp_pq_open(&lerr)) {
    problem(ld, line, "cache: %s", lerr.msg);
    return;
  }
  if(icp_cache_pg_check(s, why, sizeof(why))) {
    problem(ld, line, "cache: 'url' is not a PostgreSQL URL "
            "(postgresql://[user@]host[:port]/db[?...]): %s", why);
    return;
  }
  npw = icp_cache_pg_secrets(s, &ld->pv->redact);
  if(npw < 0)
    problem(ld, line, "out of memory");
  else if(npw > 0 && !env_name_of(ld, s))
    problem(ld, line, "cache: the password of 'url' must not be written in "
            "the file: url = env \"NAME\", or PGPASSWORD or ~/.pgpass");
  free(ld->pv->cache_url);
  ld->pv->cache_url = NULL;
  ld->pv->cache_url = dup_n(L, s, n);
}

static int l_cache(lua_State *L)
{
  struct load *ld = ctx(L);
  int line = line_of_caller(L);
  static const char *const keys[] = { "path", "url", "lease_ms", NULL };
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushnil(L);
  while(lua_next(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2)
                                                   : "?";
    size_t n;
    const char *s;
    if(strcmp(k, "path") && strcmp(k, "url") && strcmp(k, "lease_ms")) {
      const char *dym = icp_cfg_suggest(k, keys);
      problem(ld, line, "cache: unknown key '%s'%s%s%s", k,
              dym ? " (did you mean '" : "", dym ? dym : "",
              dym ? "'?)" : "");
    }
    else if(!strcmp(k, "lease_ms")) {
      int isint = 0;
      lua_Integer v = lua_tointegerx(L, -1, &isint);
      ld->lease_line = line;
      if(!isint || v < LEASE_MIN_MS || v > LEASE_MAX_MS)
        problem(ld, line, "cache: 'lease_ms' must be an integer from %d "
                "to %d (claims are renewed every %d ms)", LEASE_MIN_MS,
                LEASE_MAX_MS, ICP_SCHED_TICK_MS);
      else
        ld->pv->cache_lease_ms = (long)v;
    }
    else if(lua_type(L, -1) != LUA_TSTRING)
      problem(ld, line, "cache: '%s' must be a string", k);
    else if(!strcmp(k, "url")) {
      s = lua_tolstring(L, -1, &n);
      cache_url(ld, L, line, s, n);
    }
    else {
      s = lua_tolstring(L, -1, &n);
      if(!n || n > 4000 || strlen(s) != n)
        problem(ld, line, "cache: bad 'path'");
      else {
        free(ld->pv->cache_path);
        ld->pv->cache_path = NULL;
        ld->pv->cache_path = dup_n(L, s, n);
      }
    }
    lua_pop(L, 1);
  }
  if(ld->pv->cache_url && ld->pv->cache_path)
    problem(ld, line, "cache: give 'path' (SQLite) or 'url' (PostgreSQL), "
            "not both");
  return 0;
}

/* env "NAME": the variable's value, a secret. A problem (missing, too
 * short) is recorded and the load goes on with nil. */
static int l_env(lua_State *L)
{
  struct load *ld = ctx(L);
  size_t n, i;
  const char *name = luaL_checklstring(L, 1, &n);
  const char *val;
  int line = line_of_caller(L), ok = n && n <= 128;
  for(i = 0; ok && i < n; i++)
    if(!((name[i] >= 'A' && name[i] <= 'Z') ||
         (name[i] >= 'a' && name[i] <= 'z') ||
         (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
      ok = 0;
  if(!ok) {
    problem(ld, line, "env: bad variable name");
    return 0;
  }
  val = getenv(name);
  if(!val || !*val) {
    problem(ld, line, "environment variable %s is not set", name);
    return 0;
  }
  if(strlen(val) < 4) {
    problem(ld, line, "environment variable %s is too short to be a "
            "secret", name);
    return 0;
  }
  if(strlen(val) > VALUE_CAP) {
    problem(ld, line, "environment variable %s is too long", name);
    return 0;
  }
  if(icp_grow(ld->env, ld->envcap, ld->nenv + 1))
    return luaL_error(L, "out of memory");
  ld->env[ld->nenv].name = NULL;
  ld->env[ld->nenv].val = dup_n(L, val, strlen(val));
  ld->nenv++;
  ld->env[ld->nenv - 1].name = dup_n(L, name, n);
  if(icp_redact_add(&ld->pv->redact, val))
    return luaL_error(L, "out of memory");
  lua_pushstring(L, val);
  return 1;
}

/* Adds the DSL to the sandbox environment (run protected: the Lua API
 * raises when out of memory). */
int icpi_cfg_add_dsl(lua_State *L)
{
  static const luaL_Reg dsl[] = {
    { "provider", l_provider }, { "enrich", l_enrich },
    { "cache", l_cache }, { "env", l_env }, { NULL, NULL }
  };
  icp_sandbox_push_env(icp_sandbox_of(L));
  luaL_setfuncs(L, dsl, 0);
  lua_pop(L, 1);
  return 0;
}

/* ---- checks after the run ----------------------------------------------- */

void icpi_cfg_check(struct load *ld)
{
  struct icp_providers *pv = ld->pv;
  size_t i, j;
  for(i = 0; i < pv->nchains; i++)
    for(j = 0; j < pv->chains[i].n; j++)
      if(!icp_providers_find(pv, pv->chains[i].names[j])) {
        const char **names = calloc(pv->np + 1, sizeof(*names));
        const char *dym = NULL;
        size_t k;
        if(names) {
          for(k = 0; k < pv->np; k++)
            names[k] = pv->p[k].name;
          dym = icp_cfg_suggest(pv->chains[i].names[j], names);
        }
        problem(ld, pv->chains[i].line, "enrich: '%s' names no provider%s%s%s",
                pv->chains[i].names[j], dym ? " (did you mean '" : "",
                dym ? dym : "", dym ? "'?)" : "");
        free(names);
      }
  if(!pv->np && !ld->nmsg)
    problem(ld, 0, "no provider is declared");
  /* leases are claims on a shared cache: a SQLite file has none */
  if(ld->lease_line && !pv->cache_url)
    problem(ld, ld->lease_line, "cache: 'lease_ms' applies to a shared "
            "cache (url = \"postgresql://...\") only; the SQLite cache "
            "has no claims: remove it");
}
