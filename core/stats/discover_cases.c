/*
 * discover_cases.c -- a draft pack scored by the engine over the accounts
 * the discovery read (no second reading of the inputs): each account's
 * score and tier, and a few real rows per tier as the cases of the
 * companion *_test.lua.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/value.h"
#include "rules/rules.h"
#include "io/reader.h"
#include "data/typing.h"
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
        icp_disc_lua_str(b, r->pack->excl[k].name,
                         strlen(r->pack->excl[k].name));
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

/* Takes account a's result: its score and tier, and a case when its tier
 * still wants one. */
static void on_scored(struct scoring *s, const struct icp_account *a,
                      const struct icp_result *r)
{
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
}

/* Adds the fields of reads[0..n) that a case does not show yet. */
static void case_fields(struct scoring *s, const int *reads, int n, int cap)
{
  int k, j;
  for(k = 0; k < n; k++) {
    int dup = 0;
    for(j = 0; j < s->ncase_ids; j++)
      dup |= s->case_ids[j] == reads[k];
    if(!dup && s->ncase_ids < cap)
      s->case_ids[s->ncase_ids++] = reads[k];
  }
}

/* ==================================================================== */
/* The accounts as discovery read them                                   */
/* ==================================================================== */

/* Account i's cell of column c as the discovery read it, into tmp or
 * borrowed: the level's text (levels keep the first spelling seen, which
 * the engine compares without case as well), a list's elements joined by
 * ';', or a number or date that was not interned written back. 0 when
 * the cell is missing. A value pooled as rare (the column was full) is
 * written as a text no rule names, which is what it was to the model. */
static size_t cell_text(const struct icp_disc *d,
                        const struct icp_disc_col *c, size_t i,
                        struct icp_buf *tmp, const char **out)
{
  size_t len;
  icp_buf_reset(tmp);
  if(c->code && c->code[i] != ICP_DISC_NONE) {
    if(c->code[i] == ICP_DISC_RARE) {
      *out = "\001rare";
      return 5;
    }
    *out = icp_disc_level_text(c, c->code[i], &len);
    return len;
  }
  if(c->loff && c->loff[i] < c->loff[i + 1]) {
    uint32_t k;
    for(k = c->loff[i]; k < c->loff[i + 1]; k++) {
      const char *t = icp_disc_level_text(c, c->items[k], &len);
      if(k > c->loff[i])
        icp_buf_addc(tmp, ';');
      icp_buf_add(tmp, t, len);
    }
  }
  else if(c->num && !isnan(c->num[i])) {
    char b[48];
    if(c->kind == ICP_DK_DATE) {
      /* the column holds ages at as_of */
      icp_format_date((int32_t)((double)d->o.as_of - c->num[i]), b);
      icp_buf_adds(tmp, b);
    }
    else {
      int n = icp_fmt_num(b, sizeof(b), c->num[i]);
      icp_buf_add(tmp, b, (size_t)n);
    }
  }
  *out = tmp->p ? tmp->p : "";
  return icp_buf_status(tmp) ? 0 : tmp->len;
}

/* Fills a with account i of the discovery: the key and every column the
 * pack's schema has, typed by the pack as a reader would type them. A
 * cell that does not fit the pack's type stays missing, as it would in
 * `icp score` (the discovery reported those cells). */
static enum icp_status fill(const struct icp_disc *d, const int *ids,
                            int key_id, size_t i, struct icp_account *a,
                            struct icp_buf *tmp, struct icp_err *err)
{
  enum icp_status st;
  int k;
  icp_account_clear(a);
  a->line = d->acct_line[i];
  if(key_id >= 0 && d->keyoff[i] != SIZE_MAX) {
    const char *key = d->keytext + d->keyoff[i];
    st = icp_account_set_text(a, key_id, key, strlen(key), 0, err);
    if(st && st != ICP_EINVAL)
      return st;
  }
  for(k = 0; k < d->ncols; k++) {
    const char *t;
    size_t n;
    if(ids[k] < 0)
      continue;
    n = cell_text(d, &d->cols[k], i, tmp, &t);
    if(!n)
      continue;
    st = icp_account_set_text(a, ids[k], t, n, 0, err);
    if(st && st != ICP_EINVAL)
      return st;
  }
  return ICP_OK;
}

enum icp_status icp_disc_score_draft(struct icp_disc *d, const char *path,
                                     const char *text, size_t len,
                                     const char *const *inputs,
                                     struct scoring *s, struct icp_err *err)
{
  struct icp_schema *sc = icp_schema_new();
  struct icp_pack *pack = sc ? icp_pack_new(sc, NULL) : NULL;
  struct icp_account *a = NULL;
  struct icp_result *r = NULL;
  struct icp_buf tmp;
  int *ids = malloc(((size_t)d->ncols + 1) * sizeof(int));
  const char *key = d->o.key ? d->o.key : "domain";
  enum icp_status rc;
  int k, key_id;
  size_t i;

  icp_buf_init(&tmp, ICP_READER_RECORD_MAX);
  if(!pack || !ids) {
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
  a = icp_account_new(sc);
  r = icp_result_new(pack);
  if(!a || !r) {
    rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  key_id = icp_schema_find(sc, key, strlen(key));
  for(k = 0; k < d->ncols; k++)
    ids[k] = icp_schema_find(sc, d->cols[k].name, strlen(d->cols[k].name));
  if(s->cases) {
    s->key_id = key_id;
    s->case_ids = malloc(((size_t)d->ncols + 1) * sizeof(int));
    if(!s->case_ids) {
      rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto out;
    }
    s->ncase_ids = 0;
    if(s->key_id >= 0)
      s->case_ids[s->ncase_ids++] = s->key_id;
    for(k = 0; k < pack->nrules; k++)
      case_fields(s, pack->rules[k].reads, pack->rules[k].nreads,
                  d->ncols + 1);
    for(k = 0; k < pack->nexcl; k++)
      case_fields(s, pack->excl[k].reads, pack->excl[k].nreads,
                  d->ncols + 1);
  }
  s->k = 0;
  for(i = 0; i < d->nacct; i++) {
    const char *in = inputs[d->acct_file[i]];
    rc = fill(d, ids, key_id, i, a, &tmp, err);
    if(rc)
      goto out;
    a->file = strcmp(in, "-") ? in : "<stdin>";
    if(icp_score(pack, a, r, 0)) {
      rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto out;
    }
    on_scored(s, a, r);
  }
out:
  icp_buf_free(&tmp);
  icp_result_free(r);
  icp_account_free(a);
  icp_pack_free(pack);
  icp_schema_free(sc);
  free(ids);
  return rc;
}
