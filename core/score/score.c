/* score.c -- the exact scoring semantics of DESIGN §4. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/value.h"
#include "rules/sandbox.h"
#include "rules/view.h"
#include "score/score.h"

struct icp_result *icp_result_new(const struct icp_pack *pack)
{
  struct icp_result *r = calloc(1, sizeof(*r));
  size_t nr = (size_t)pack->nrules + 1, nx = (size_t)pack->nexcl + 1;
  size_t nd = (size_t)pack->ndims + 1, nk = nr + nx;
  if(!r)
    return NULL;
  r->pack = pack;
  r->dim = calloc(nd, sizeof(double));
  r->dim_known = calloc(nd, sizeof(double));
  r->outcome = calloc(nr, 1);
  r->earned = calloc(nr, sizeof(double));
  r->decay = calloc(nr, sizeof(double));
  r->band = calloc(nr, sizeof(int));
  r->xoutcome = calloc(nx, 1);
  r->err_off = calloc(nk, sizeof(int));
  r->ev_off = calloc(nk, sizeof(int));
  r->read_off = calloc(nk, sizeof(int));
  r->read_n = calloc(nk, sizeof(int));
  icp_buf_init(&r->text, (size_t)1 << 24);
  if(!r->dim || !r->dim_known || !r->outcome || !r->earned || !r->decay ||
     !r->band || !r->xoutcome || !r->err_off || !r->ev_off ||
     !r->read_off || !r->read_n) {
    icp_result_free(r);
    return NULL;
  }
  return r;
}

void icp_result_free(struct icp_result *r)
{
  if(!r)
    return;
  free(r->dim);
  free(r->dim_known);
  free(r->outcome);
  free(r->earned);
  free(r->decay);
  free(r->band);
  free(r->xoutcome);
  free(r->err_off);
  free(r->ev_off);
  free(r->read_off);
  free(r->read_n);
  free(r->reads);
  icp_buf_free(&r->text);
  free(r);
}

static int keep_text(struct icp_result *r, const char *s)
{
  int off;
  if(!s || !*s)
    return -1;
  off = (int)r->text.len;
  if(icp_buf_adds(&r->text, s) || icp_buf_addc(&r->text, 0))
    return -1;
  return off;
}

const char *icp_result_error(const struct icp_result *r, int k)
{
  return r->err_off[k] < 0 ? NULL : r->text.p + r->err_off[k];
}

const char *icp_result_evidence(const struct icp_result *r, int k)
{
  return r->ev_off[k] < 0 ? NULL : r->text.p + r->ev_off[k];
}

/* Keeps the fields rule k read, for the explanation: 0, or -1 when out
 * of memory (the explanation would be missing them). */
static int keep_reads(struct icp_result *r, struct icp_view *v, int k)
{
  int i;
  r->read_off[k] = r->nreads;
  r->read_n[k] = 0;
  if(v->lost) {
    v->lost = 0;
    v->nreads = 0;
    return -1;
  }
  for(i = 0; i < v->nreads; i++) {
    if(icp_grow(r->reads, r->capreads, (size_t)r->nreads + 1))
      return -1;
    r->reads[r->nreads++] = v->reads[i];
    r->read_n[k]++;
  }
  v->nreads = 0;
  return 0;
}

/* Outcome of a banded rule; sets *band and *points. */
static enum icp_tri eval_bands(const struct icp_rule *rule,
                               const struct icp_account *a, int *band,
                               double *points)
{
  const struct icp_value *v = icp_account_get(a, rule->field);
  int i;
  *band = -1;
  *points = 0;
  if(v->type != ICP_T_NUMBER)
    return ICP_UNKNOWN; /* missing, or not a number */
  for(i = 0; i < rule->nbands; i++) {
    const struct icp_band *b = &rule->bands[i];
    if((!b->has_lo || v->u.num >= b->lo) &&
       (!b->has_hi || v->u.num <= b->hi)) {
      *band = i;
      *points = b->points;
      return b->points > 0 ? ICP_TRUE : ICP_FALSE;
    }
  }
  return ICP_FALSE;
}

/* The last factor computed in a record: rules that decay on the same
 * date with the same half-life (the usual case) share one pow(). */
struct decay_memo {
  double age, half_life, factor;
};

static double decay_factor(const struct icp_pack *pack,
                           const struct icp_rule *rule,
                           const struct icp_account *a,
                           struct decay_memo *m)
{
  const struct icp_value *v;
  int32_t day;
  double age;
  if(rule->decay_field < 0)
    return 1;
  v = icp_account_get(a, rule->decay_field);
  if(v->type == ICP_T_DATE)
    day = v->u.day;
  else if(v->type != ICP_T_STRING || !icp_parse_date(v->u.str, v->n, &day))
    return 1; /* missing date: no decay */
  age = (double)pack->as_of - day;
  if(age <= 0)
    return 1; /* future date: no decay */
  if(age != m->age || rule->half_life != m->half_life) {
    m->age = age;
    m->half_life = rule->half_life;
    m->factor = pow(0.5, age / rule->half_life);
  }
  return m->factor;
}

static const char *route_for(const struct icp_pack *pack,
                             struct icp_result *r)
{
  int i;
  /* file order: a tier route and a grade route for the same account, the
   * first written wins */
  for(i = 0; i < pack->nroutes; i++)
    if((pack->routes[i].tier && !strcmp(pack->routes[i].tier,
                                        r->tier_name)) ||
       (pack->routes[i].grade &&
        icp_grade_route_matches(&pack->routes[i], r))) {
      r->route_def = &pack->routes[i];
      return pack->routes[i].to;
    }
  if(r->tier == ICP_TIER_EXCLUDED)
    return "disqualified";
  for(i = 0; i < pack->nroutes; i++)
    if(pack->routes[i].is_default) {
      r->route_def = &pack->routes[i];
      return pack->routes[i].to;
    }
  return NULL;
}

enum icp_status icp_score(struct icp_pack *pack,
                          const struct icp_account *a,
                          struct icp_result *r, int explain)
{
  char errbuf[ICP_SANDBOX_ERROR_MAX + 64], evbuf[ICP_SANDBOX_ERROR_MAX + 1];
  struct icp_eval_ctx ctx;
  struct decay_memo memo = { -1, 0, 1 }; /* an age is never negative */
  double wsum = 0, ssum = 0, csum = 0;
  int i, lost = 0;

  if(r->pack != pack)
    return ICP_EINVAL;
  icp_buf_reset(&r->text);
  r->nreads = 0;
  r->nerrors = 0;
  r->explain = explain;
  r->route_def = NULL;
  pack->view->record = explain;
  pack->view->nreads = 0;
  for(i = 0; i < pack->ndims; i++)
    r->dim[i] = r->dim_known[i] = 0; /* earned points, for now */

  memset(&ctx, 0, sizeof(ctx));
  ctx.a = a;
  ctx.pack = pack;
  ctx.as_of = pack->as_of;
  for(i = 0; i < pack->nrules; i++) {
    const struct icp_rule *rule = &pack->rules[i];
    enum icp_tri t;
    double pts = rule->points;
    ctx.share = 1;
    ctx.nerrors = 0;
    errbuf[0] = evbuf[0] = 0;
    ctx.error = errbuf;
    ctx.error_cap = sizeof(errbuf);
    ctx.evidence = evbuf;
    ctx.evidence_cap = sizeof(evbuf);
    r->band[i] = -1;
    if(rule->kind == ICP_RULE_BANDS)
      t = eval_bands(rule, a, &r->band[i], &pts);
    else
      t = icp_plan_eval(&pack->plan, rule->root, &ctx);
    r->outcome[i] = (uint8_t)t;
    r->decay[i] = 1;
    r->earned[i] = 0;
    if(t == ICP_TRUE) {
      r->decay[i] = decay_factor(pack, rule, a, &memo);
      r->earned[i] = pts * ctx.share * r->decay[i];
      r->dim[rule->dim] += r->earned[i];
    }
    if(t != ICP_UNKNOWN && rule->points > 0)
      r->dim_known[rule->dim] += rule->points;
    r->err_off[i] = ctx.nerrors ? keep_text(r, errbuf) : -1;
    r->ev_off[i] = t == ICP_TRUE && evbuf[0] ? keep_text(r, evbuf) : -1;
    if(ctx.nerrors)
      r->nerrors++;
    if(explain && keep_reads(r, pack->view, i))
      lost = 1;
  }

  for(i = 0; i < pack->ndims; i++) {
    const struct icp_dim *d = &pack->dims[i];
    double s = 100.0 * r->dim[i] / d->max;
    if(!(s > 0))
      s = 0;
    if(s > 100)
      s = 100;
    r->dim[i] = s;
    wsum += d->weight;
    ssum += d->weight * s;
    csum += d->weight * (r->dim_known[i] / d->max);
  }
  /* The composite, coverage and dimension scores are kept as written
   * (6 decimals), and every threshold below is compared with them: in
   * doubles a composite of exactly 40 can come out as 39.99999999999999,
   * which is written "40" and must not fall under a threshold of 40. */
  r->score = icp_round6(wsum > 0 ? ssum / wsum : 0);
  r->coverage = wsum > 0 ? csum / wsum : 0;
  if(r->coverage > 1)
    r->coverage = 1;
  r->coverage = icp_round6(r->coverage);
  for(i = 0; i < pack->ndims; i++)
    r->dim[i] = icp_round6(r->dim[i]);

  r->nexcluded = 0;
  for(i = 0; i < pack->nexcl; i++) {
    int k = pack->nrules + i;
    enum icp_tri t;
    ctx.share = 1;
    ctx.nerrors = 0;
    errbuf[0] = 0;
    ctx.evidence = NULL;
    t = icp_plan_eval(&pack->plan, pack->excl[i].root, &ctx);
    r->xoutcome[i] = (uint8_t)t;
    if(t == ICP_TRUE)
      r->nexcluded++;
    r->err_off[k] = ctx.nerrors ? keep_text(r, errbuf) : -1;
    r->ev_off[k] = -1;
    if(ctx.nerrors)
      r->nerrors++;
    if(explain && keep_reads(r, pack->view, k))
      lost = 1;
  }

  if(r->nexcluded) {
    r->tier = ICP_TIER_EXCLUDED;
    r->tier_name = "excluded";
  }
  else if(pack->has_min_coverage && r->coverage < pack->min_coverage) {
    r->tier = ICP_TIER_INSUFFICIENT;
    r->tier_name = "insufficient_data";
  }
  else {
    r->tier = ICP_TIER_UNRANKED;
    r->tier_name = "unranked";
    for(i = 0; i < pack->ntiers; i++)
      if(pack->tiers[i].threshold <= r->score) {
        r->tier = i;
        r->tier_name = pack->tiers[i].name;
        break;
      }
  }
  icp_grade_score(pack, r);
  r->route = route_for(pack, r);
  pack->view->record = 0;
  /* a rule's error, evidence or reads that could not be kept would make
   * an explanation that looks whole and is not */
  if(lost || icp_buf_status(&r->text))
    return ICP_ENOMEM;
  return ICP_OK;
}
