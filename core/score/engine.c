/*
 * engine.c -- the embedding API of core/icp.h (icp_engine_*): one loaded
 * pack with its schema, one account and one result, over the same calls
 * the command uses (pack loader, input typing, scoring, JSONL emitter), so
 * an embedder gets exactly what `icp score` writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "data/schema.h"
#include "data/typing.h"
#include "data/value.h"
#include "rules/rules.h"
#include "score/emit.h"
#include "score/score.h"

#define ENGINE_JSON_CAP ((size_t)64 << 20)

struct icp_engine {
  struct icp_schema *schema;
  struct icp_pack *pack;     /* borrows schema */
  struct icp_account *acct;  /* borrows schema */
  struct icp_result *res;    /* made for pack */
  struct icp_buf json;       /* the last score's JSON object */
  int scored;                /* a score since the last reset */
};

/* Every diagnostic of a failed load, one per line, into err. */
static void load_error(const struct icp_pack *pack, struct icp_err *err,
                       enum icp_status st)
{
  char msg[ICP_ERR_MAX];
  size_t len = 0;
  int i, n = icp_pack_ndiags(pack);
  if(!n || !err)
    return;
  msg[0] = 0;
  for(i = 0; i < n && len + 1 < sizeof(msg); i++) {
    int w = snprintf(msg + len, sizeof(msg) - len, "%s%s", i ? "\n" : "",
                     icp_pack_diag(pack, i));
    if(w < 0)
      break;
    len += (size_t)w;
  }
  icp_err_set(err, st, "%s", msg);
}

struct icp_engine *icp_engine_open(const char *pack_path, const char *as_of,
                                   struct icp_err *err)
{
  struct icp_engine *e;
  enum icp_status st;
  int32_t day = 0;

  if(!pack_path) {
    icp_err_set(err, ICP_EINVAL, "icp_engine_open: no pack path");
    return NULL;
  }
  if(as_of && !icp_parse_date(as_of, strlen(as_of), &day)) {
    icp_err_set(err, ICP_EINVAL, "icp_engine_open: as_of '%.40s' is not "
                "a YYYY-MM-DD date", as_of);
    return NULL;
  }
  e = calloc(1, sizeof(*e));
  if(!e || !(e->schema = icp_schema_new()) ||
     !(e->pack = icp_pack_new(e->schema, NULL))) {
    icp_engine_close(e);
    icp_err_set(err, ICP_ENOMEM, "icp_engine_open: out of memory");
    return NULL;
  }
  st = icp_pack_load_file(e->pack, pack_path, err);
  if(st) {
    load_error(e->pack, err, st);
    icp_engine_close(e);
    return NULL;
  }
  if(as_of)
    icp_pack_set_as_of(e->pack, day);
  icp_buf_init(&e->json, ENGINE_JSON_CAP);
  e->acct = icp_account_new(e->schema);
  e->res = icp_result_new(e->pack);
  if(!e->acct || !e->res) {
    icp_engine_close(e);
    icp_err_set(err, ICP_ENOMEM, "icp_engine_open: out of memory");
    return NULL;
  }
  e->acct->file = "embed";
  e->acct->line = 0;
  return e;
}

void icp_engine_close(struct icp_engine *e)
{
  if(!e)
    return;
  icp_result_free(e->res);
  icp_account_free(e->acct);
  icp_pack_free(e->pack);         /* before the schema it borrows */
  icp_schema_free(e->schema);
  icp_buf_free(&e->json);
  free(e);
}

const char *icp_engine_pack_name(const struct icp_engine *e)
{
  return e->pack->name;
}

const char *icp_engine_pack_version(const struct icp_engine *e)
{
  return e->pack->version;
}

void icp_engine_reset(struct icp_engine *e)
{
  icp_account_clear(e->acct);
  e->acct->file = "embed";
  e->acct->line = 0;
  icp_buf_reset(&e->json);
  e->scored = 0;
}

enum icp_status icp_engine_set(struct icp_engine *e, const char *field,
                               const char *value, struct icp_err *err)
{
  int id;
  if(!field || !*field || !value)
    return icp_err_set(err, ICP_EINVAL, "icp_engine_set: no field or value");
  id = icp_schema_intern(e->schema, field, strlen(field));
  if(id < 0)
    return icp_err_set(err, ICP_ENOMEM, "icp_engine_set: out of memory");
  return icp_account_set_text(e->acct, id, value, strlen(value), 0, err);
}

enum icp_status icp_engine_score(struct icp_engine *e, int explain,
                                 struct icp_err *err)
{
  enum icp_status st;
  icp_buf_reset(&e->json);
  e->scored = 0;
  st = icp_score(e->pack, e->acct, e->res, explain);
  if(!st)
    st = icp_emit_jsonl(&e->json, e->pack, e->acct, e->res, explain, NULL);
  if(st) {
    icp_buf_reset(&e->json);
    return icp_err_set(err, st, "icp_engine_score: out of memory");
  }
  if(e->json.len && e->json.p[e->json.len - 1] == '\n')
    e->json.p[--e->json.len] = 0;    /* the object, not the line */
  e->scored = 1;
  return ICP_OK;
}

double icp_engine_composite(const struct icp_engine *e)
{
  return e->scored ? e->res->score : 0;
}

double icp_engine_coverage(const struct icp_engine *e)
{
  return e->scored ? e->res->coverage : 0;
}

const char *icp_engine_tier(const struct icp_engine *e)
{
  return e->scored ? e->res->tier_name : NULL;
}

const char *icp_engine_route(const struct icp_engine *e)
{
  return e->scored ? e->res->route : NULL;
}

int icp_engine_ndims(const struct icp_engine *e)
{
  return e->pack->ndims;
}

const char *icp_engine_dim_name(const struct icp_engine *e, int i)
{
  return i >= 0 && i < e->pack->ndims ? e->pack->dims[i].name : NULL;
}

double icp_engine_dim_score(const struct icp_engine *e, int i)
{
  return e->scored && i >= 0 && i < e->pack->ndims ? e->res->dim[i] : 0;
}

const char *icp_engine_json(const struct icp_engine *e, size_t *len)
{
  if(len)
    *len = e->scored ? e->json.len : 0;
  return e->scored ? e->json.p : "";
}
