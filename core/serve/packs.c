/* packs.c -- pack generations and the scorers that threads borrow. */
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "data/columns.h"
#include "data/value.h"
#include "io/reader.h"
#include "rules/columns_file.h"
#include "rules/pack.h"
#include "net/enrich.h"
#include "rules/rules.h"
#include "serve/packs.h"

#define ANSWER_CAP ((size_t)256 << 20)

/* ---- scorers ------------------------------------------------------------ */

/* Enrichment within --deadline-ms; past it the answer names the
 * providers still awaited. */
static enum icp_status enrich_hook(void *ud, struct icp_account **accts,
                                   size_t n, struct icp_err *err)
{
  struct icp_scorer *sc = ud;
  return icp_lanes_run(sc->gen->lanes, accts, n, sc->errors_id,
                       sc->errors_src, sc->gen->cfg->deadline_ms,
                       &sc->enrich_late, &sc->enrich_failed, &sc->pending,
                       err);
}

/* An account's members after "pack", as `icp score --providers` writes
 * them (enrich_errors), then the providers awaited past the deadline. */
static enum icp_status line_extra(void *ud, const struct icp_account *a,
                                  struct icp_buf *x)
{
  struct icp_scorer *sc = ud;
  enum icp_status st = icp_enrich_errors_text(x, sc->errors_id, a, 1);
  if(!st && sc->pending.len && x->len)
    st = icp_buf_addc(x, ',');
  if(!st && sc->pending.len)
    st = icp_buf_add(x, sc->pending.p, sc->pending.len);
  return st;
}

static void count_tier(void *ud, const struct icp_result *r)
{
  struct icp_scorer *sc = ud;
  int t = r->tier + 3;
  sc->tiers[t < 0 || t >= ICP_SCORER_TIERS + 3 ? 0 : t]++;
  sc->accounts++;
}

static void scorer_free(struct icp_scorer *sc)
{
  if(!sc)
    return;
  icp_body_release(&sc->body);
  icp_buf_free(&sc->out);
  icp_buf_free(&sc->pending);
  icp_reader_close(sc->rd);
  icp_result_free(sc->res);
  icp_account_free(sc->a);
  icp_pack_free(sc->pack);
  icp_schema_free(sc->schema);
  free(sc);
}

/* The first diagnostics of a failed load, one per line, into err. */
static enum icp_status load_error(const struct icp_pack *p,
                                  const struct icp_err *first,
                                  struct icp_err *err)
{
  int i, n = icp_pack_ndiags(p);
  size_t len = 0;
  if(!n)
    return icp_err_set(err, ICP_ELOAD, "%s", first->msg);
  err->msg[0] = 0;
  for(i = 0; i < n && len + 1 < sizeof(err->msg); i++) {
    int k = snprintf(err->msg + len, sizeof(err->msg) - len, "%s%s",
                     i ? "\n" : "", icp_pack_diag(p, i));
    if(k < 0)
      break;
    len += (size_t)k;
  }
  return ICP_ELOAD;
}

static enum icp_status scorer_new(struct icp_gen *g, struct icp_scorer **out,
                                  struct icp_err *err)
{
  const struct icp_serve_cfg *cfg = g->cfg;
  struct icp_scorer *sc = calloc(1, sizeof(*sc));
  struct icp_err first;
  enum icp_status st;

  *out = NULL;
  if(!sc || !(sc->schema = icp_schema_new()) ||
     !(sc->pack = icp_pack_new(sc->schema, NULL))) {
    scorer_free(sc);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  st = icp_pack_load_text(sc->pack, cfg->rules, g->text, g->len, &first);
  if(st) {
    load_error(sc->pack, &first, err);
    scorer_free(sc);
    return st;
  }
  if(cfg->columns) { /* keys mapped as `icp score --columns` maps them */
    if(!g->cols) { /* the first scorer: targets checked against its pack */
      if(!(g->cols = icp_columns_new())) {
        scorer_free(sc);
        return icp_err_set(err, ICP_ENOMEM, "out of memory");
      }
      st = icp_columns_load(g->cols, sc->schema, cfg->columns, err);
      if(st) {
        scorer_free(sc);
        return st;
      }
    }
    icp_schema_set_columns(sc->schema, g->cols);
  }
  /* as `icp score`: only the fields the pack reads are typed and kept,
   * so an answer is made from exactly what the file run would use */
  icp_schema_restrict(sc->schema, 1);
  sc->day = cfg->has_as_of ? cfg->as_of : icp_today();
  icp_pack_set_as_of(sc->pack, sc->day);
  sc->res = icp_result_new(sc->pack);
  sc->a = icp_account_new(sc->schema);
  if(!sc->res || !sc->a ||
     icp_reader_open_text(&sc->rd, "request", sc->schema, err)) {
    scorer_free(sc);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  sc->errors_id = sc->errors_src = -1;
  if(cfg->providers) { /* put as icp score puts it, whatever the pack reads */
    sc->errors_id = icp_schema_intern(sc->schema, ICP_ENRICH_ERRORS_FIELD,
                                      strlen(ICP_ENRICH_ERRORS_FIELD));
    sc->errors_src = icp_schema_source(sc->schema, "icp");
    if(sc->errors_id < 0 || sc->errors_src < 0) {
      scorer_free(sc);
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    }
  }
  icp_buf_init(&sc->out, ANSWER_CAP);
  icp_buf_init(&sc->pending, 1 << 16);
  sc->body.pack = sc->pack;
  sc->body.rd = sc->rd;
  sc->body.a = sc->a;
  sc->body.res = sc->res;
  sc->body.max_items = cfg->max_batch;
  sc->body.scored = count_tier;
  sc->body.scored_ud = sc;
  if(g->lanes) {
    sc->body.enrich = enrich_hook;
    sc->body.enrich_ud = sc;
    sc->body.extra = line_extra;
    sc->body.extra_ud = sc;
  }
  sc->fields0 = icp_schema_count(sc->schema);
  sc->gen = g;
  *out = sc;
  return ICP_OK;
}

/* ---- generations -------------------------------------------------------- */

static enum icp_status info_json(struct icp_gen *g, const struct icp_pack *p)
{
  struct icp_buf *b = &g->info;
  enum icp_status st = ICP_OK;
  int i;
#define S(s) (st ? st : (st = icp_buf_adds(b, (s))))
#define J(s) (st ? st : (st = icp_buf_json_str(b, (s) ? (s) : "", \
                                             (s) ? strlen(s) : 0)))
#define N(v) (st ? st : (st = icp_buf_json_num(b, (v))))
  S("{\"name\":"); J(p->name); S(",\"version\":"); J(p->version);
  S(",\"path\":"); J(g->cfg->rules);
  S(",\"dimensions\":[");
  for(i = 0; i < p->ndims; i++) {
    S(i ? ",{\"name\":" : "{\"name\":"); J(p->dims[i].name);
    S(",\"weight\":"); N(p->dims[i].weight);
    S(",\"max\":"); N(p->dims[i].max);
    S(",\"rules\":"); N(p->dims[i].nrules); S("}");
  }
  S("],\"tiers\":[");
  for(i = 0; i < p->ntiers; i++) {
    S(i ? ",{\"name\":" : "{\"name\":"); J(p->tiers[i].name);
    S(",\"threshold\":"); N(p->tiers[i].threshold); S("}");
  }
  S("],\"rules\":[");
  for(i = 0; i < p->nrules; i++) {
    const struct icp_rule *r = &p->rules[i];
    S(i ? ",{\"name\":" : "{\"name\":"); J(r->name);
    S(",\"dimension\":"); J(p->dims[r->dim].name);
    S(",\"points\":"); N(r->points);
    S(",\"kind\":"); S(r->kind == ICP_RULE_BANDS ? "\"bands\"" : "\"when\"");
    S(",\"line\":"); N(r->line); S("}");
  }
  S("],\"excludes\":[");
  for(i = 0; i < p->nexcl; i++) {
    S(i ? ",{\"name\":" : "{\"name\":"); J(p->excl[i].name);
    if(p->excl[i].reason) {
      S(",\"reason\":"); J(p->excl[i].reason);
    }
    S(",\"line\":"); N(p->excl[i].line); S("}");
  }
  S("],\"routes\":[");
  for(i = 0; i < p->nroutes; i++) {
    const struct icp_route *rt = &p->routes[i];
    S(i ? ",{" : "{");
    if(rt->is_default)
      S("\"default\":true,");
    else if(rt->tier) {
      S("\"tier\":"); J(rt->tier); S(",");
    }
    S("\"to\":"); J(rt->to);
    if(rt->has_sla) {
      S(",\"sla_hours\":"); N(rt->sla_hours);
    }
    S("}");
  }
  S("]}\n");
#undef S
#undef J
#undef N
  return st;
}

/* Names kept by the generation: version, JSON members, tiers. */
static enum icp_status describe(struct icp_gen *g, const struct icp_pack *p)
{
  struct icp_buf b;
  int i;
  size_t n = strlen(p->name ? p->name : "") +
             strlen(p->version ? p->version : "") + 2;
  g->version = malloc(n);
  if(!g->version)
    return ICP_ENOMEM;
  snprintf(g->version, n, "%s %s", p->name ? p->name : "",
           p->version ? p->version : "");
  g->pname = icp_strdup(p->name ? p->name : "");
  g->pver = icp_strdup(p->version ? p->version : "");
  if(!g->pname || !g->pver)
    return ICP_ENOMEM;
  icp_buf_init(&b, 1 << 16);
  if(icp_buf_adds(&b, "\"name\":") ||
     icp_buf_json_str(&b, p->name ? p->name : "",
                      p->name ? strlen(p->name) : 0) ||
     icp_buf_adds(&b, ",\"version\":") ||
     icp_buf_json_str(&b, p->version ? p->version : "",
                      p->version ? strlen(p->version) : 0)) {
    icp_buf_free(&b);
    return ICP_ENOMEM;
  }
  g->name_ver_json = b.p; /* taken over */
  g->tier_names = calloc((size_t)p->ntiers + 1, sizeof(char *));
  if(!g->tier_names)
    return ICP_ENOMEM;
  for(i = 0; i < p->ntiers && i < ICP_SCORER_TIERS; i++) {
    g->tier_names[i] = icp_strdup(p->tiers[i].name);
    if(!g->tier_names[i])
      return ICP_ENOMEM;
    g->ntiers = i + 1;
  }
  icp_buf_init(&g->info, 1 << 22);
  return info_json(g, p);
}

void icp_gen_free(struct icp_gen *g)
{
  int i;
  if(!g)
    return;
  while(g->free) {
    struct icp_scorer *sc = g->free;
    g->free = sc->next;
    scorer_free(sc);
  }
  icp_lanes_free(g->lanes); /* waits for batches finishing */
  icp_columns_free(g->cols); /* after the scorers: their schemas borrow it */
  for(i = 0; i < g->ntiers; i++)
    free(g->tier_names[i]);
  free(g->tier_names);
  icp_buf_free(&g->info);
  free(g->name_ver_json);
  free(g->version);
  free(g->pname);
  free(g->pver);
  free(g->text);
  free(g);
}

enum icp_status icp_gen_load(struct icp_gen **out,
                             const struct icp_serve_cfg *cfg, int n,
                             struct icp_metrics *m, struct icp_err *err)
{
  struct icp_gen *g = calloc(1, sizeof(*g));
  enum icp_status st;
  int i;

  *out = NULL;
  if(!g)
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  g->cfg = cfg;
  st = icp_read_file(cfg->rules, ICP_PACK_TEXT_MAX, &g->text, &g->len, err);
  if(!st && cfg->providers)
    st = icp_lanes_open(&g->lanes, cfg, m, err);
  for(i = 0; !st && i < n; i++) {
    struct icp_scorer *sc;
    st = scorer_new(g, &sc, err);
    if(st)
      break;
    if(!i && describe(g, sc->pack)) {
      scorer_free(sc);
      st = icp_err_set(err, ICP_ENOMEM, "out of memory");
      break;
    }
    sc->next = g->free;
    g->free = sc;
  }
  if(st) {
    icp_gen_free(g);
    return st;
  }
  g->refs = 1; /* current */
  *out = g;
  return ICP_OK;
}

/* ---- borrowing ------------------------------------------------------------ */

void icp_packs_publish(struct icp_packs *pk, struct icp_gen *g)
{
  struct icp_gen *old;
  int drop = 0;
  pthread_spin_lock(&pk->mu);
  old = pk->cur;
  pk->cur = g;
  if(old)
    drop = --old->refs == 0;
  pthread_spin_unlock(&pk->mu);
  if(drop)
    icp_gen_free(old);
}

struct icp_gen *icp_packs_pin(struct icp_packs *pk)
{
  struct icp_gen *g;
  pthread_spin_lock(&pk->mu);
  g = pk->cur;
  g->refs++;
  pthread_spin_unlock(&pk->mu);
  return g;
}

void icp_packs_unpin(struct icp_packs *pk, struct icp_gen *g)
{
  int drop;
  pthread_spin_lock(&pk->mu);
  drop = --g->refs == 0;
  pthread_spin_unlock(&pk->mu);
  if(drop)
    icp_gen_free(g);
}

enum icp_status icp_packs_borrow(struct icp_packs *pk,
                                 struct icp_scorer **out,
                                 struct icp_err *err)
{
  struct icp_gen *g;
  struct icp_scorer *sc;
  pthread_spin_lock(&pk->mu);
  g = pk->cur;
  g->refs++;
  sc = g->free;
  if(sc)
    g->free = sc->next;
  pthread_spin_unlock(&pk->mu);
  if(!sc) { /* every scorer is out: one more for this generation */
    enum icp_status st = scorer_new(g, &sc, err);
    if(st) {
      icp_packs_unpin(pk, g);
      return st;
    }
  }
  if(!g->cfg->has_as_of) { /* a server running past midnight */
    int32_t today = icp_today();
    if(today != sc->day) {
      sc->day = today;
      icp_pack_set_as_of(sc->pack, today);
    }
  }
  memset(sc->tiers, 0, sizeof(sc->tiers));
  sc->accounts = 0;
  sc->enrich_late = sc->enrich_failed = 0;
  icp_buf_reset(&sc->pending);
  icp_buf_reset(&sc->out);
  *out = sc;
  return ICP_OK;
}

void icp_packs_return(struct icp_packs *pk, struct icp_scorer *sc)
{
  struct icp_gen *g = sc->gen;
  int drop;
  if(icp_schema_count(sc->schema) > sc->fields0 + ICP_SCORER_FIELDS_MAX) {
    struct icp_err err;
    struct icp_scorer *fresh = NULL;
    scorer_new(g, &fresh, &err); /* NULL on failure: made again on need */
    scorer_free(sc);
    sc = fresh;
  }
  if(sc && sc->out.alloc > ((size_t)1 << 22)) { /* one huge answer */
    icp_buf_free(&sc->out);
    icp_buf_init(&sc->out, ANSWER_CAP);
  }
  pthread_spin_lock(&pk->mu);
  if(sc) {
    sc->next = g->free;
    g->free = sc;
  }
  drop = --g->refs == 0;
  pthread_spin_unlock(&pk->mu);
  if(drop)
    icp_gen_free(g);
}

void icp_packs_free(struct icp_packs *pk)
{
  icp_gen_free(pk->cur);
  pk->cur = NULL;
}
