/* pack.c -- creating, loading and freeing rule packs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/buf.h"
#include "data/value.h"
#include "io/out.h"
#include "rules/dsl.h"
#include "rules/rules.h"
#include "rules/view.h"

/* ---- diagnostics --------------------------------------------------------- */

void icp_diags_add(struct icp_diags *d, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  char *copy;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if(icp_grow(d->msg, d->cap, (size_t)d->n + 1)) {
    d->lost++;
    return;
  }
  copy = icp_strdup(tmp);
  if(!copy) {
    d->lost++;
    return;
  }
  d->msg[d->n++] = copy;
}

int icp_diags_count(const struct icp_diags *d)
{
  return d->n + (d->lost ? 1 : 0);
}

const char *icp_diags_msg(const struct icp_diags *d, int i)
{
  if(i >= 0 && i < d->n)
    return d->msg[i];
  if(i == d->n && d->lost)
    return "out of memory: a diagnostic was lost";
  return NULL;
}

void icp_diags_free(struct icp_diags *d)
{
  int i;
  for(i = 0; i < d->n; i++)
    free(d->msg[i]);
  free(d->msg);
  memset(d, 0, sizeof(*d));
}

struct icp_pack *icp_pack_new(struct icp_schema *schema,
                              const struct icp_pack_opts *opts)
{
  struct icp_pack *pack = calloc(1, sizeof(*pack));
  struct icp_err err;
  if(!pack)
    return NULL;
  pack->schema = schema;
  pack->as_of = icp_today();
  pack->call_steps = ICP_SANDBOX_CALL_STEPS;
  if(opts && opts->call_steps > 0)
    pack->call_steps = opts->call_steps;
  pack->view_ref = LUA_NOREF;
  pack->sb = icp_sandbox_new(opts ? opts->mem_cap : 0);
  if(!pack->sb || icp_dsl_install(pack, &err) ||
     icp_view_init(pack, &err)) {
    icp_pack_free(pack);
    return NULL;
  }
  return pack;
}

void icp_pack_free(struct icp_pack *pack)
{
  int i;
  if(!pack)
    return;
  icp_sandbox_free(pack->sb);
  icp_view_free(pack);
  for(i = 0; i < pack->nrules; i++) {
    struct icp_rule *r = &pack->rules[i];
    free(r->name);
    free(r->dim_name);
    free(r->bands);
    free(r->description);
    free(r->reads);
  }
  for(i = 0; i < pack->nexcl; i++) {
    free(pack->excl[i].name);
    free(pack->excl[i].reason);
    free(pack->excl[i].reads);
  }
  for(i = 0; i < pack->nroutes; i++) {
    free(pack->routes[i].tier);
    free(pack->routes[i].grade);
    free(pack->routes[i].to);
  }
  for(i = 0; i < pack->ndims; i++)
    free(pack->dims[i].name);
  for(i = 0; i < pack->ntiers; i++)
    free(pack->tiers[i].name);
  free(pack->rules);
  free(pack->excl);
  free(pack->routes);
  free(pack->dims);
  free(pack->tiers);
  free(pack->path);
  free(pack->name);
  free(pack->version);
  free(pack->description);
  free(pack->vset.icp_tiers);
  icp_grade_free(&pack->grade);
  icp_plan_free(&pack->plan);
  for(i = 0; pack->jn.rule && i < pack->nrules; i++)
    free((char *)pack->jn.rule[i].p);
  for(i = 0; pack->jn.dim && i < pack->ndims; i++)
    free((char *)pack->jn.dim[i].p);
  for(i = 0; pack->jn.excl && i < pack->nexcl; i++)
    free((char *)pack->jn.excl[i].p);
  free(pack->jn.rule);
  free(pack->jn.rname);
  free(pack->jn.xname);
  free(pack->jn.dim);
  free(pack->jn.excl);
  free((char *)pack->jn.pack.p);
  free((char *)pack->jn.csv_pack.p);
  icp_diags_free(&pack->diags);
  free(pack->names.slot);
  icp_diags_free(&pack->warnings);
  free(pack);
}

/* "name": as JSON, owned by the caller */
static int jkey(struct icp_str *out, const char *name)
{
  struct icp_buf b;
  icp_buf_init(&b, 1 << 16);
  if(icp_buf_json_str(&b, name, strlen(name)) || icp_buf_addc(&b, ':')) {
    icp_buf_free(&b);
    return -1;
  }
  out->p = b.p;
  out->n = (uint32_t)b.len;
  return 0;
}

/* 1 when s (NULL: none) is a CSV cell as it is */
static int csv_plain(const char *s)
{
  return !s || !icp_csv_needs_quotes(s, strlen(s), 1);
}

/* out: name with its length; whether it is a CSV cell as it is */
static int raw_name(struct icp_str *out, const char *name)
{
  out->p = name;
  out->n = (uint32_t)strlen(name);
  return csv_plain(name);
}

static int make_jnames(struct icp_pack *p)
{
  struct icp_buf b;
  int i;
  p->jn.rule = calloc((size_t)p->nrules + 1, sizeof(struct icp_str));
  p->jn.dim = calloc((size_t)p->ndims + 1, sizeof(struct icp_str));
  p->jn.excl = calloc((size_t)p->nexcl + 1, sizeof(struct icp_str));
  p->jn.rname = calloc((size_t)p->nrules + 1, sizeof(struct icp_str));
  p->jn.xname = calloc((size_t)p->nexcl + 1, sizeof(struct icp_str));
  if(!p->jn.rule || !p->jn.dim || !p->jn.excl || !p->jn.rname ||
     !p->jn.xname)
    return -1;
  for(i = 0; i < p->nrules; i++)
    if(jkey(&p->jn.rule[i], p->rules[i].name))
      return -1;
  for(i = 0; i < p->ndims; i++)
    if(jkey(&p->jn.dim[i], p->dims[i].name))
      return -1;
  for(i = 0; i < p->nexcl; i++)
    if(jkey(&p->jn.excl[i], p->excl[i].name))
      return -1;
  icp_buf_init(&b, 1 << 16);
  if(icp_buf_adds(&b, "\"pack\":{\"name\":") ||
     icp_buf_json_str(&b, p->name, strlen(p->name)) ||
     icp_buf_adds(&b, ",\"version\":") ||
     (p->version ? icp_buf_json_str(&b, p->version, strlen(p->version)) :
      icp_buf_adds(&b, "null")) ||
     icp_buf_addc(&b, '}')) {
    icp_buf_free(&b);
    return -1;
  }
  p->jn.pack.p = b.p;
  p->jn.pack.n = (uint32_t)b.len;
  icp_buf_init(&b, 1 << 16);
  if(icp_buf_adds(&b, p->name ? p->name : "") || icp_buf_addc(&b, ' ') ||
     icp_buf_adds(&b, p->version ? p->version : "") ||
     icp_csv_cell_since(&b, 0, 1)) {
    icp_buf_free(&b);
    return -1;
  }
  p->jn.csv_pack.p = b.p;
  p->jn.csv_pack.n = (uint32_t)b.len;
  p->jn.csv_plain = 1;
  for(i = 0; i < p->nrules; i++)
    p->jn.csv_plain &= raw_name(&p->jn.rname[i], p->rules[i].name);
  for(i = 0; i < p->nexcl; i++)
    p->jn.csv_plain &= raw_name(&p->jn.xname[i], p->excl[i].name) &&
                       csv_plain(p->excl[i].reason);
  for(i = 0; i < p->ntiers; i++)
    p->jn.csv_plain &= csv_plain(p->tiers[i].name);
  for(i = 0; i < p->nroutes; i++)
    p->jn.csv_plain &= csv_plain(p->routes[i].to);
  p->jn.names = b.len;
  for(i = 0; i < p->nrules; i++)
    p->jn.names += p->jn.rule[i].n;
  for(i = 0; i < p->ndims; i++)
    p->jn.names += p->jn.dim[i].n;
  for(i = 0; i < p->nexcl; i++)
    p->jn.names += p->jn.excl[i].n;
  return 0;
}

static int compile_thunk(lua_State *L)
{
  icp_dsl_compile(lua_touserdata(L, 1));
  return 0;
}

/* Compiling calls the Lua API (references, strings), which raises on
 * out-of-memory: run it protected, so that a pack that filled its memory
 * cap while loading gets a diagnostic instead of a panic. */
static void compile_protected(struct icp_pack *pack)
{
  lua_State *L = icp_sandbox_state(pack->sb);
  char msg[ICP_ERR_MAX];
  lua_pushcfunction(L, compile_thunk);
  lua_pushlightuserdata(L, pack);
  if(icp_sandbox_call_buf(pack->sb, 1, 0, ICP_SANDBOX_LOAD_STEPS, msg,
                          sizeof(msg)))
    icp_diags_add(&pack->diags, "%s: checking the pack failed: %s",
                  pack->path, msg);
}

enum icp_status icp_pack_load_text(struct icp_pack *pack, const char *path,
                                   const char *text, size_t len,
                                   struct icp_err *err)
{
  struct icp_err lerr;
  size_t n = strlen(path);
  if(pack->path)
    return icp_err_set(err, ICP_EINVAL, "%s: pack already loaded", path);
  pack->path = malloc(n + 1);
  if(!pack->path)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  memcpy(pack->path, path, n + 1);
  /* Lua names file and line for most errors in the chunk; a binary chunk,
   * a parser's C stack overflow (deep nesting) and limits (memory) carry
   * no position, so name the file at least */
  if(icp_sandbox_load(pack->sb, path, text, len, &lerr) ||
     icp_sandbox_call(pack->sb, 0, 0, ICP_SANDBOX_LOAD_STEPS, &lerr)) {
    if(strncmp(lerr.msg, path, n))
      icp_diags_add(&pack->diags, "%s: %s", path, lerr.msg);
    else
      icp_diags_add(&pack->diags, "%s", lerr.msg);
  }
  else
    compile_protected(pack);
  icp_sandbox_freeze(pack->sb);
  if(icp_diags_count(&pack->diags))
    return icp_err_set(err, ICP_ELOAD, "%s",
                       icp_diags_msg(&pack->diags, 0));
  if(make_jnames(pack))
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  return ICP_OK;
}

enum icp_status icp_pack_load_file(struct icp_pack *pack, const char *path,
                                   struct icp_err *err)
{
  char *text;
  size_t len;
  enum icp_status st = icp_read_file(path, ICP_PACK_TEXT_MAX, &text, &len,
                                     err);
  if(st)
    return st;
  st = icp_pack_load_text(pack, path, text, len, err);
  free(text);
  return st;
}

int icp_pack_ndiags(const struct icp_pack *pack)
{
  return icp_diags_count(&pack->diags);
}

const char *icp_pack_diag(const struct icp_pack *pack, int i)
{
  return icp_diags_msg(&pack->diags, i);
}

int icp_pack_nwarnings(const struct icp_pack *pack)
{
  return icp_diags_count(&pack->warnings);
}

const char *icp_pack_warning(const struct icp_pack *pack, int i)
{
  return icp_diags_msg(&pack->warnings, i);
}

void icp_pack_set_as_of(struct icp_pack *pack, int32_t day)
{
  pack->as_of = day;
}

/* ---- names ------------------------------------------------------------- */

int icp_pack_rule_index(const struct icp_pack *p, const char *name)
{
  int i;
  for(i = 0; i < p->nrules; i++)
    if(!strcmp(p->rules[i].name, name))
      return i;
  return -1;
}

int icp_pack_excl_index(const struct icp_pack *p, const char *name)
{
  int i;
  for(i = 0; i < p->nexcl; i++)
    if(!strcmp(p->excl[i].name, name))
      return i;
  return -1;
}

int icp_pack_dim_index(const struct icp_pack *p, const char *name)
{
  int i;
  for(i = 0; i < p->ndims; i++)
    if(!strcmp(p->dims[i].name, name))
      return i;
  return -1;
}
