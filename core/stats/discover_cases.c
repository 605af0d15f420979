/*
 * discover_cases.c -- a draft pack scored by the engine over the accounts
 * of the discovery: each account's score and tier, and a few real rows
 * per tier as the cases of the companion *_test.lua.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "rules/rules.h"
#include "score/run.h"
#include "score/score.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

#define CASES_PER_TIER 2

static void case_value(struct icp_buf *b, const struct icp_value *v)
{
  char t[11];
  uint32_t i;
  switch(v->type) {
  case ICP_T_STRING:
    icp_disc_lua_str(b, v->u.str, v->n);
    break;
  case ICP_T_NUMBER:
    icp_disc_lua_num(b, v->u.num);
    break;
  case ICP_T_BOOL:
    icp_buf_adds(b, v->u.b ? "true" : "false");
    break;
  case ICP_T_DATE:
    icp_format_date(v->u.day, t);
    icp_buf_printf(b, "\"%s\"", t);
    break;
  case ICP_T_LIST:
    icp_buf_adds(b, "{ ");
    for(i = 0; i < v->n; i++) {
      icp_disc_lua_str(b, v->u.list[i].p, v->u.list[i].n);
      icp_buf_adds(b, ", ");
    }
    icp_buf_adds(b, "}");
    break;
  default:
    icp_buf_adds(b, "nil");
  }
}

static void add_case(struct scoring *s, const struct icp_account *a,
                     const struct icp_result *r)
{
  struct icp_buf *b = s->cases;
  const struct icp_value *kv = s->key_id >= 0 ?
                               icp_account_get(a, s->key_id) : NULL;
  char day[11], label[120];
  int i, first = 1;
  if(kv && kv->type == ICP_T_STRING)
    snprintf(label, sizeof(label), "%s: line %ld (%.*s)", r->tier_name,
             a->line, (int)(kv->n > 60 ? 60 : kv->n), kv->u.str);
  else
    snprintf(label, sizeof(label), "%s: line %ld", r->tier_name, a->line);
  icp_format_date(s->d->o.as_of, day);
  icp_buf_printf(b, "-- %s:%ld\ncase ", a->file ? a->file : "?", a->line);
  icp_disc_lua_str(b, label, strlen(label));
  icp_buf_adds(b, " {\n  account = { ");
  for(i = 0; i < s->ncase_ids; i++) {
    const struct icp_value *v = icp_account_get(a, s->case_ids[i]);
    if(v->type == ICP_T_MISSING)
      continue;
    if(!first)
      icp_buf_adds(b, ", ");
    icp_disc_lua_key(b, icp_schema_name(a->schema, s->case_ids[i]));
    icp_buf_adds(b, " = ");
    case_value(b, v);
    first = 0;
  }
  icp_buf_printf(b, " },\n  as_of = \"%s\",\n  expect = { tier = ", day);
  icp_disc_lua_str(b, r->tier_name, strlen(r->tier_name));
  if(r->tier == ICP_TIER_EXCLUDED) {
    int k;
    icp_buf_adds(b, ", excluded_by = { ");
    for(k = 0; k < r->pack->nexcl; k++)
      if(r->xoutcome[k] == ICP_TRUE) {
        icp_disc_lua_str(b, r->pack->excl[k].name, strlen(r->pack->excl[k].name));
        icp_buf_adds(b, ", ");
      }
    icp_buf_adds(b, "}");
  }
  else {
    icp_buf_adds(b, ", score = { min = ");
    icp_disc_lua_num(b, floor(r->score * 100 - 1) / 100);
    icp_buf_adds(b, ", max = ");
    icp_disc_lua_num(b, ceil(r->score * 100 + 1) / 100);
    icp_buf_adds(b, " }");
  }
  icp_buf_adds(b, " },\n}\n\n");
  s->ncases++;
}

static enum icp_status on_scored(void *ud, const struct icp_account *a,
                                 struct icp_result *const *res, int n,
                                 struct icp_err *err)
{
  struct scoring *s = ud;
  const struct icp_result *r = res[0];
  struct icp_disc *d = s->d;
  (void)n;
  if(s->k >= d->nacct || d->acct_line[s->k] != (uint32_t)a->line) {
    s->mismatch = 1;
    return icp_err_set(err, ICP_EINVAL, "scoring pass out of step at %s:%ld",
                       a->file ? a->file : "?", a->line);
  }
  s->score[s->k] = r->tier == ICP_TIER_EXCLUDED ? -1 : r->score;
  s->tier[s->k] = r->tier;
  if(s->cases && s->ncases < 12) {
    int slot = r->tier + 3;
    if(slot >= 0 && slot < 64 && s->per_tier[slot] < CASES_PER_TIER) {
      s->per_tier[slot]++;
      add_case(s, a, r);
    }
  }
  s->k++;
  return ICP_OK;
}

enum icp_status icp_disc_score_draft(struct icp_disc *d, const char *path,
                                    const char *text, size_t len,
                                    const char *const *inputs, int ninputs,
                                    struct scoring *s, struct icp_err *err)
{
  struct icp_schema *sc = icp_schema_new();
  struct icp_pack *pack = sc ? icp_pack_new(sc, NULL) : NULL;
  struct icp_run_opts ro;
  struct icp_run_stats st;
  FILE *devnull = fopen("/dev/null", "w");
  enum icp_status rc;
  if(!pack || !devnull) {
    rc = icp_err_set(err, ICP_ENOMEM, "cannot set up the scoring pass");
    goto out;
  }
  icp_schema_set_columns(sc, d->o.columns);
  rc = text ? icp_pack_load_text(pack, path, text, len, err) :
              icp_pack_load_file(pack, path, err);
  if(rc) {
    if(icp_pack_ndiags(pack))
      icp_err_set(err, ICP_ELOAD, "the draft does not load (a bug): %s",
                  icp_pack_diag(pack, 0));
    goto out;
  }
  icp_pack_set_as_of(pack, d->o.as_of);
  if(s->cases) {
    int i, k;
    const char *key = d->o.key ? d->o.key : "domain";
    s->key_id = icp_schema_find(sc, key, strlen(key));
    s->case_ids = malloc(((size_t)d->ncols + 1) * sizeof(int));
    if(!s->case_ids) {
      rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto out;
    }
    s->ncase_ids = 0;
    if(s->key_id >= 0)
      s->case_ids[s->ncase_ids++] = s->key_id;
    for(i = 0; i < pack->nrules; i++)
      for(k = 0; k < pack->rules[i].nreads; k++) {
        int id = pack->rules[i].reads[k], j, dup = 0;
        for(j = 0; j < s->ncase_ids; j++)
          dup |= s->case_ids[j] == id;
        if(!dup && s->ncase_ids < d->ncols + 1)
          s->case_ids[s->ncase_ids++] = id;
      }
    for(i = 0; i < pack->nexcl; i++)
      for(k = 0; k < pack->excl[i].nreads; k++) {
        int id = pack->excl[i].reads[k], j, dup = 0;
        for(j = 0; j < s->ncase_ids; j++)
          dup |= s->case_ids[j] == id;
        if(!dup && s->ncase_ids < d->ncols + 1)
          s->case_ids[s->ncase_ids++] = id;
      }
  }
  memset(&ro, 0, sizeof(ro));
  ro.format = d->o.format;
  ro.diag = devnull;
  s->k = 0;
  rc = icp_run(inputs, ninputs, &pack, 1, sc, &ro, on_scored, s, &st, err);
  if(!rc && s->k != d->nacct)
    rc = icp_err_set(err, ICP_EINVAL, "the scoring pass saw %zu accounts, "
                     "discovery %zu", s->k, d->nacct);
out:
  if(devnull)
    fclose(devnull);
  icp_pack_free(pack);
  icp_schema_free(sc);
  return rc;
}
