/* loader.c -- finding, loading and checking enricher plugins. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/host.h"
#include "net/loader.h"

static int is_file(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int try_dir(const char *dir, size_t dn, const char *name, char *out,
                   size_t cap)
{
  int n;
  if(!dn)
    return 0;
  n = snprintf(out, cap, "%.*s/%s.so", (int)dn, dir, name);
  return n > 0 && (size_t)n < cap && is_file(out);
}

int icp_plugin_find(const char *enricher, char *out, size_t cap)
{
  const char *path = getenv("ICP_ENRICHER_PATH");
  char exe[PATH_MAX];
  ssize_t n;
  if(path) {
    const char *p = path;
    while(*p) {
      const char *e = strchr(p, ':');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if(try_dir(p, len, enricher, out, cap))
        return 1;
      if(!e)
        break;
      p = e + 1;
    }
  }
  n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if(n > 0) {
    char *slash;
    exe[n] = 0;
    slash = strrchr(exe, '/');
    if(slash) {
      char dir[PATH_MAX + 16];
      *slash = 0;
      snprintf(dir, sizeof(dir), "%s/enrichers", exe);
      if(try_dir(dir, strlen(dir), enricher, out, cap))
        return 1;
    }
  }
  {
    /* the library's own file: enrichers/ beside build/icp.so when the
     * engine is loaded into lua5.4 rather than run as the icp command */
    Dl_info info;
    if(dladdr((void *)try_dir, &info) && info.dli_fname) {
      char dir[PATH_MAX + 16];
      const char *slash = strrchr(info.dli_fname, '/');
      if(slash) {
        snprintf(dir, sizeof(dir), "%.*s/enrichers",
                 (int)(slash - info.dli_fname), info.dli_fname);
        if(try_dir(dir, strlen(dir), enricher, out, cap))
          return 1;
      }
    }
  }
  return try_dir(ICP_PREFIX "/lib/icp/enrichers",
                 strlen(ICP_PREFIX "/lib/icp/enrichers"), enricher, out,
                 cap);
}

/* ---- the descriptor's layout ------------------------------------------- */

/* The descriptor is read by offset, like the host table (host.c): a field
 * never moves. PTR_SIZE is the size of a pointer (data and function alike). */
#define PTR_SIZE sizeof(void *)
#define DESC_AT(field, off)                                                  \
  _Static_assert(offsetof(struct icp_enricher, field) == (off),              \
                 "struct icp_enricher: '" #field "' moved")
DESC_AT(abi, 0);
DESC_AT(size, 4);
DESC_AT(name, 8);
DESC_AT(version, 8 + PTR_SIZE);
DESC_AT(kind, 8 + 2 * PTR_SIZE);
DESC_AT(fields, 8 + 3 * PTR_SIZE);
DESC_AT(config, 8 + 4 * PTR_SIZE);
DESC_AT(init, 8 + 5 * PTR_SIZE);
DESC_AT(request, 8 + 6 * PTR_SIZE);
DESC_AT(parse, 8 + 7 * PTR_SIZE);
DESC_AT(fini, 8 + 8 * PTR_SIZE);
DESC_AT(provides, 8 + 9 * PTR_SIZE);
DESC_AT(config_key_size, 8 + 10 * PTR_SIZE);
_Static_assert(offsetof(struct icp_enr_config_key, name) == 0 &&
                 offsetof(struct icp_enr_config_key, type) == PTR_SIZE &&
                 offsetof(struct icp_enr_config_key, required) ==
                   PTR_SIZE + sizeof(int) &&
                 offsetof(struct icp_enr_config_key, secret) ==
                   PTR_SIZE + 2 * sizeof(int),
               "struct icp_enr_config_key: ABI 1's fields moved");

/* The size of ABI 1's config key: name, type, required, secret, padded to
 * the pointer's alignment (what sizeof gave when ABI 1 was made). */
#define PTR_ALIGN _Alignof(const char *)
#define KEY_SIZE_1                                                           \
  ((offsetof(struct icp_enr_config_key, secret) + sizeof(int) +              \
    PTR_ALIGN - 1) / PTR_ALIGN * PTR_ALIGN)
_Static_assert(sizeof(struct icp_enr_config_key) >= KEY_SIZE_1,
               "struct icp_enr_config_key only grows");
#define KEY_SIZE_MAX 4096 /* a sanity bound on a plugin's key size */
#define KEYS_MAX 256      /* keys read from one descriptor */

/* The key size of descriptor d, or 0 when it is not one we can read. */
static size_t key_size(const struct icp_enricher *d)
{
  size_t ks;
  if(!ICP_ENR_SIZE_COVERS(d, struct icp_enricher, config_key_size) ||
     !d->config_key_size)
    return KEY_SIZE_1;
  ks = d->config_key_size;
  if(ks < KEY_SIZE_1 || ks > KEY_SIZE_MAX || ks % PTR_ALIGN)
    return 0;
  return ks;
}

int icp_plugin_key(const struct icp_plugin *pl, size_t i,
                   struct icp_enr_config_key *k)
{
  const char *at;
  size_t n;
  memset(k, 0, sizeof(*k));
  if(!pl->d || !pl->d->config || !pl->key_size || i >= KEYS_MAX)
    return 0;
  at = (const char *)pl->d->config + i * pl->key_size;
  /* the fields both sides know; those the plugin's size leaves out stay
   * zero */
  n = pl->key_size < sizeof(*k) ? pl->key_size : sizeof(*k);
  memcpy(k, at, n);
  return k->name != NULL;
}

/* ---- the config check -------------------------------------------------- */

static const char *type_name(int t)
{
  switch(t) {
  case ICP_ENR_CFG_STRING: return "a string";
  case ICP_ENR_CFG_NUMBER: return "a number";
  case ICP_ENR_CFG_BOOL: return "true or false";
  case ICP_ENR_CFG_LIST: return "a list";
  case ICP_ENR_CFG_MAP: return "a table of names to strings";
  default: return "?";
  }
}

static int type_fits(int want, const struct icp_cfg_value *v)
{
  if(want == ICP_ENR_CFG_MAP)
    return v->type == ICP_CFG_MAP || (v->type == ICP_CFG_LIST && !v->n);
  /* the enum values of both sides are the same numbers */
  return want == v->type;
}

/* One problem of a provider's keys: to cfg->diag when set (every one),
 * the first also into err. */
static void key_problem(struct icp_enr_config *cfg, struct icp_err *err,
                        int *n, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void key_problem(struct icp_enr_config *cfg, struct icp_err *err,
                        int *n, const char *fmt, ...)
{
  char text[ICP_ERR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  /* one problem travels in err alone; from the second on, all of them
   * go to diag (each once) and err sums them up */
  if(!*n)
    icp_err_set(err, ICP_ELOAD, "%s", text);
  else if(cfg->diag) {
    if(*n == 1)
      cfg->diag(cfg->diag_ud, err->msg);
    cfg->diag(cfg->diag_ud, text);
  }
  (*n)++;
}

/* Checks cfg against the plugin's keys; reports every problem. */
static enum icp_status check_keys(const struct icp_plugin *pl,
                                  struct icp_enr_config *cfg,
                                  struct icp_err *err)
{
  struct icp_enr_config_key key, *k = &key;
  const char *cands[128];
  size_t i, j, nc = 0;
  int n = 0;
  for(i = 0; icp_cfg_host_keys[i] && nc < 64; i++)
    cands[nc++] = icp_cfg_host_keys[i];
  for(j = 0; nc < 127 && icp_plugin_key(pl, j, k); j++)
    cands[nc++] = k->name;
  cands[nc] = NULL;
  for(i = 0; i < cfg->ne; i++) {
    const struct icp_cfg_entry *e = &cfg->e[i];
    int found = 0;
    for(j = 0; !found && icp_plugin_key(pl, j, k); j++)
      found = !strcmp(k->name, e->key);
    if(!found) {
      const char *dym = icp_cfg_suggest(e->key, cands);
      key_problem(cfg, err, &n, "%s:%d: provider '%s': unknown key '%s' "
                  "for enricher '%s'%s%s%s", cfg->file, cfg->line,
                  cfg->name, e->key, cfg->enricher,
                  dym ? " (did you mean '" : "", dym ? dym : "",
                  dym ? "'?)" : "");
      continue;
    }
    if(!type_fits(k->type, &e->v))
      key_problem(cfg, err, &n, "%s:%d: provider '%s': '%s' must be %s",
                  cfg->file, cfg->line, cfg->name, e->key,
                  type_name(k->type));
    else if(k->secret && !e->v.from_env &&
            !(e->v.type == ICP_CFG_LIST && !e->v.n))
      /* API keys only from the environment */
      key_problem(cfg, err, &n, "%s:%d: provider '%s': '%s' is a secret: "
                  "give it as env \"NAME\", not as text", cfg->file,
                  cfg->line, cfg->name, e->key);
  }
  for(j = 0; icp_plugin_key(pl, j, k); j++)
    if(k->required && !icp_cfg_find(cfg, k->name))
      key_problem(cfg, err, &n, "%s:%d: provider '%s': missing required "
                  "key '%s'", cfg->file, cfg->line, cfg->name, k->name);
  if(n > 1 && cfg->diag)
    icp_err_set(err, ICP_ELOAD, "provider '%s': %d problems in its keys",
                cfg->name, n);
  return n ? ICP_ELOAD : ICP_OK;
}

static enum icp_status collect_fields(struct icp_plugin *pl,
                                      struct icp_schema *schema,
                                      struct icp_err *err)
{
  const struct icp_enricher *d = pl->d;
  size_t cap = 0, i;
  for(i = 0; i < 256; i++) {
    const char *name = NULL;
    int id;
    if(ICP_ENRICHER_HAS(d, provides))
      name = d->provides(pl->state, i);
    else if(d->fields)
      name = d->fields[i];
    if(!name)
      break;
    id = icp_schema_intern(schema, name, strlen(name));
    if(id < 0)
      continue;
    if(icp_grow(pl->fields, cap, pl->nfields + 1))
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    pl->fields[pl->nfields++] = id;
  }
  return ICP_OK;
}

enum icp_status icp_plugin_load(struct icp_plugin *pl,
                                struct icp_enr_config *cfg,
                                struct icp_schema *schema,
                                struct icp_err *err)
{
  const struct icp_host *host = icp_host_table();
  const struct icp_enricher *d;
  icp_enricher_open_fn open_fn;
  char path[PATH_MAX + 64], errbuf[ICP_ENR_ERRBUF_MIN];
  enum icp_status st;
  void *sym;

  memset(pl, 0, sizeof(*pl));
  pl->cfg = cfg;
  if(!icp_plugin_find(cfg->enricher, path, sizeof(path)))
    return icp_err_set(err, ICP_ELOAD, "provider '%s': enricher '%s' not "
                       "found (%s.so in ICP_ENRICHER_PATH, enrichers/ "
                       "beside icp, %s/lib/icp/enrichers)", cfg->name,
                       cfg->enricher, cfg->enricher, ICP_PREFIX);
  pl->dl = dlopen(path, RTLD_LOCAL | RTLD_NOW);
  if(!pl->dl)
    return icp_err_set(err, ICP_ELOAD, "provider '%s': cannot load %s: %s",
                       cfg->name, path, dlerror());
  sym = dlsym(pl->dl, ICP_ENRICHER_OPEN_SYMBOL);
  if(!sym) {
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': %s has no symbol "
                       ICP_ENRICHER_OPEN_SYMBOL, cfg->name, path);
  }
  memcpy(&open_fn, &sym, sizeof(open_fn));
  d = open_fn(host, ICP_ENRICHER_ABI);
  if(!d) {
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': enricher '%s' "
                       "refused to load (host ABI %u)", cfg->name,
                       cfg->enricher, ICP_ENRICHER_ABI);
  }
  /* read what the message needs before dlclose unmaps it */
  if(d->abi != ICP_ENRICHER_ABI) {
    unsigned abi = d->abi;
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': enricher '%s' has "
                       "ABI %u, this icp speaks ABI %u", cfg->name,
                       cfg->enricher, abi, ICP_ENRICHER_ABI);
  }
  if(d->size < offsetof(struct icp_enricher, fini) + sizeof(d->fini) ||
     !d->init || !d->request || !d->parse || !d->fini) {
    unsigned size = d->size;
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': enricher '%s' has "
                       "an incomplete descriptor (size %u)", cfg->name,
                       cfg->enricher, size);
  }
  pl->key_size = key_size(d);
  if(!pl->key_size) {
    unsigned ks = d->config_key_size;
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': enricher '%s' "
                       "declares config keys of %u bytes (this icp reads "
                       "%u to %u, a multiple of %u)", cfg->name,
                       cfg->enricher, ks, (unsigned)KEY_SIZE_1,
                       (unsigned)KEY_SIZE_MAX, (unsigned)PTR_ALIGN);
  }
  pl->d = d;
  pl->kind = d->kind;
  st = check_keys(pl, cfg, err);
  if(st) {
    pl->d = NULL;
    icp_plugin_unload(pl);
    return st;
  }
  errbuf[0] = 0;
  if(d->init(host, cfg, &pl->state, errbuf, sizeof(errbuf))) {
    char red[ICP_ENR_ERRBUF_MIN];
    errbuf[sizeof(errbuf) - 1] = 0;
    icp_redact(cfg->redact, errbuf, red, sizeof(red));
    pl->d = NULL;
    pl->state = NULL;
    icp_plugin_unload(pl);
    return icp_err_set(err, ICP_ELOAD, "provider '%s': init failed: %s",
                       cfg->name, red[0] ? red : "no reason given");
  }
  st = collect_fields(pl, schema, err);
  if(st) {
    icp_plugin_unload(pl);
    return st;
  }
  return ICP_OK;
}

void icp_plugin_unload(struct icp_plugin *pl)
{
  if(!pl)
    return;
  if(pl->d && pl->d->fini)
    pl->d->fini(pl->state);
  pl->state = NULL;
  pl->d = NULL;
  free(pl->fields);
  pl->fields = NULL;
  pl->nfields = 0;
  pl->key_size = 0;
  if(pl->dl)
    dlclose(pl->dl);
  pl->dl = NULL;
}
