/* providers.c -- the providers config, loaded in the one sandbox: runs
 * the file (its language: providers_dsl.c), reports its problems, and
 * owns the result. */
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/file.h"
#include "net/providers_impl.h"
#include "rules/sandbox.h"

#define MEM_CAP (16u << 20)
#define INSN_BUDGET 10000000L

/* ---- did you mean ------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j, row[65];
  if(la > 64 || lb > 64)
    return (size_t)-1;
  for(j = 0; j <= lb; j++)
    row[j] = j;
  for(i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for(j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if(up + 1 < best)
        best = up + 1;
      if(row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

const char *icp_cfg_suggest(const char *name, const char *const *cands)
{
  const char *best = NULL;
  size_t bd = (size_t)-1, i, len = strlen(name);
  for(i = 0; cands && cands[i]; i++) {
    size_t d = edit_distance(name, cands[i]);
    if(d < bd) {
      bd = d;
      best = cands[i];
    }
  }
  /* a typo: at most a third of the name wrong (and at least one edit) */
  return best && bd <= (len < 6 ? 2 : len / 3 + 1) ? best : NULL;
}

static void load_free(struct load *ld)
{
  size_t i;
  for(i = 0; i < ld->nenv; i++) {
    free(ld->env[i].name);
    free(ld->env[i].val);
  }
  free(ld->env);
  for(i = 0; i < ld->nmsg; i++)
    free(ld->msg[i]);
  free(ld->msg);
}

/* Runs the file's text in a providers-profile sandbox. Problems go to
 * ld; returns ICP_ENOMEM only when the sandbox cannot be made. */
static enum icp_status run_file(struct load *ld, const char *text,
                                size_t len)
{
  struct icp_sandbox *sb = icp_sandbox_new_profile(MEM_CAP,
                                                   ICP_SANDBOX_PROVIDERS);
  lua_State *L;
  struct icp_err lerr = { "" };
  if(!sb)
    return ICP_ENOMEM;
  icp_sandbox_set_ud(sb, ld);
  L = icp_sandbox_state(sb);
  lua_pushcfunction(L, icpi_cfg_add_dsl);
  if(icp_sandbox_call(sb, 0, 0, INSN_BUDGET, &lerr))
    icpi_cfg_problem_text(ld, 0, lerr.msg);
  else if(icp_sandbox_load(sb, ld->pv->path, text, len, &lerr))
    icpi_cfg_problem_text(ld, 0, lerr.msg);
  else if(icp_sandbox_call(sb, 0, 0, INSN_BUDGET, &lerr))
    icpi_cfg_problem_text(ld, 0, lerr.msg);
  icp_sandbox_free(sb);
  return ICP_OK;
}

enum icp_status icp_providers_load_diag(struct icp_providers **out,
                                        const char *path,
                                        void (*diag)(void *, const char *),
                                        void *ud, struct icp_err *err)
{
  char *text = NULL;
  size_t len = 0;
  enum icp_status st;
  *out = NULL;
  if(icp_read_file(path, ICP_PROVIDERS_TEXT_MAX, &text, &len, err))
    return ICP_ELOAD;
  st = icp_providers_parse_diag(out, path, text, len, diag, ud, err);
  free(text);
  return st;
}

enum icp_status icp_providers_parse_diag(struct icp_providers **out,
                                         const char *path, const char *text,
                                         size_t len,
                                         void (*diag)(void *, const char *),
                                         void *ud, struct icp_err *err)
{
  struct icp_providers *pv = calloc(1, sizeof(*pv));
  struct load ld;
  enum icp_status st;
  size_t i;

  *out = NULL;
  memset(&ld, 0, sizeof(ld));
  if(!pv || !(pv->path = strdup(path))) {
    free(pv);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", path);
  }
  icp_redact_init(&pv->redact);
  ld.pv = pv;
  st = run_file(&ld, text, len);
  if(st) {
    load_free(&ld);
    icp_providers_free(pv);
    return icp_err_set(err, st, "%s: out of memory", path);
  }
  icpi_cfg_check(&ld);
  if(!ld.nmsg && !pv->cache_path && !pv->cache_url &&
     !(pv->cache_path = strdup(".icp/cache.sqlite")))
    icpi_cfg_problem_text(&ld, 0, "out of memory");
  if(ld.nmsg) {
    size_t total = ld.nmsg + ld.more;
    if(diag && total > 1) {
      for(i = 0; i < ld.nmsg; i++)
        diag(ud, ld.msg[i]);
      if(ld.more)
        icp_err_set(err, ICP_ELOAD, "%s: %zu problems (%zu not shown)",
                    path, total, ld.more);
      else
        icp_err_set(err, ICP_ELOAD, "%s: %zu problems", path, total);
    }
    else if(total > 1)
      icp_err_set(err, ICP_ELOAD, "%s (and %zu more)", ld.msg[0],
                  total - 1);
    else
      icp_err_set(err, ICP_ELOAD, "%s", ld.msg[0]);
    load_free(&ld);
    icp_providers_free(pv);
    return ICP_ELOAD;
  }
  load_free(&ld);
  *out = pv;
  return ICP_OK;
}

enum icp_status icp_providers_load(struct icp_providers **out,
                                   const char *path, struct icp_err *err)
{
  return icp_providers_load_diag(out, path, NULL, NULL, err);
}

void icp_providers_free(struct icp_providers *pv)
{
  size_t i, j;
  if(!pv)
    return;
  for(i = 0; i < pv->np; i++)
    icpi_cfg_config_free(&pv->p[i]);
  free(pv->p);
  for(i = 0; i < pv->nchains; i++) {
    for(j = 0; j < pv->chains[i].n; j++)
      free(pv->chains[i].names[j]);
    free(pv->chains[i].names);
    free(pv->chains[i].kind);
  }
  free(pv->chains);
  free(pv->cache_path);
  free(pv->cache_url);
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
