/* report_scored.c -- what the meeting-room sections need from scored
 * accounts: tier order, grades, the best accounts with their reasons,
 * routes and SLAs, exclusions, unknown rules and, when the pack is known,
 * the fields that would move accounts if they were filled. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/pack.h"
#include "report/report_impl.h"

struct report_rule {
  char *name;
  int dim;
  double points;
  int *fields, nfields;       /* indices into report_pack.fields */
};

struct report_pack {
  char name[128];
  double wsum, *weight, *max;
  int ndims;
  char **tiers;               /* best first */
  double *threshold;
  int ntiers;
  double min_cov;
  int has_min_cov;
  struct report_rule *rules;
  int nrules;
  char **fields;
  int nfields;
  long *f_unknown, *f_moves;  /* per field */
  double *f_weight;           /* per field: score points at stake */
  double *gain, *cgain;       /* per field, scratch for one account */
};

static void pack_free(struct report_pack *p)
{
  int i;
  if(!p)
    return;
  for(i = 0; i < p->nrules; i++) {
    free(p->rules[i].name);
    free(p->rules[i].fields);
  }
  for(i = 0; i < p->ntiers; i++)
    free(p->tiers[i]);
  for(i = 0; i < p->nfields; i++)
    free(p->fields[i]);
  free(p->rules);
  free(p->tiers);
  free(p->threshold);
  free(p->fields);
  free(p->weight);
  free(p->max);
  free(p->f_unknown);
  free(p->f_moves);
  free(p->f_weight);
  free(p->gain);
  free(p->cgain);
  free(p);
}

void icpi_scored_free(struct icp_report *r)
{
  int i;
  for(i = 0; i < r->ninputs; i++)
    free(r->inputs[i]);
  pack_free(r->rp);
  r->rp = NULL;
}

/* The index of field name in p->fields, added when new; -1 on no memory. */
static int field_index(struct report_pack *p, const char *name)
{
  int i;
  for(i = 0; i < p->nfields; i++)
    if(!strcmp(p->fields[i], name))
      return i;
  p->fields[p->nfields] = strdup(name);
  return p->fields[p->nfields] ? p->nfields++ : -1;
}

enum icp_status icp_report_set_pack(struct icp_report *r,
                                    const struct icp_pack *pk)
{
  struct report_pack *p = calloc(1, sizeof(*p));
  int i, k, nreads = 1;
  if(!p)
    return ICP_ENOMEM;
  pack_free(r->rp);
  r->rp = p;
  snprintf(p->name, sizeof(p->name), "%s %s", pk->name ? pk->name : "",
           pk->version ? pk->version : "");
  for(i = 0; i < pk->nrules; i++)
    nreads += pk->rules[i].nreads + 1;
  p->weight = calloc((size_t)pk->ndims + 1, sizeof(double));
  p->max = calloc((size_t)pk->ndims + 1, sizeof(double));
  p->tiers = calloc((size_t)pk->ntiers + 1, sizeof(char *));
  p->threshold = calloc((size_t)pk->ntiers + 1, sizeof(double));
  p->rules = calloc((size_t)pk->nrules + 1, sizeof(*p->rules));
  p->fields = calloc((size_t)nreads, sizeof(char *));
  if(!p->weight || !p->max || !p->tiers || !p->threshold || !p->rules ||
     !p->fields)
    return ICP_ENOMEM;
  p->ndims = pk->ndims;
  for(i = 0; i < pk->ndims; i++) {
    p->weight[i] = pk->dims[i].weight;
    p->max[i] = pk->dims[i].max;
    p->wsum += pk->dims[i].weight;
  }
  for(i = 0; i < pk->ntiers; i++) {
    if(!(p->tiers[i] = strdup(pk->tiers[i].name)))
      return ICP_ENOMEM;
    p->threshold[i] = pk->tiers[i].threshold;
    p->ntiers++;
  }
  p->min_cov = pk->min_coverage;
  p->has_min_cov = pk->has_min_coverage;
  for(i = 0; i < pk->nrules; i++) {
    const struct icp_rule *src = &pk->rules[i];
    struct report_rule *d = &p->rules[i];
    p->nrules++;
    d->dim = src->dim;
    d->points = src->points;
    if(!(d->name = strdup(src->name)))
      return ICP_ENOMEM;
    d->fields = calloc((size_t)src->nreads + 1, sizeof(int));
    if(!d->fields)
      return ICP_ENOMEM;
    for(k = 0; k < src->nreads; k++) {
      int f = field_index(p, icp_schema_name(pk->schema, src->reads[k]));
      if(f < 0)
        return ICP_ENOMEM;
      d->fields[d->nfields++] = f;
    }
    if(!src->nreads) {
      /* a function(a) rule: what it reads is known only when it runs */
      char label[96];
      snprintf(label, sizeof(label), "(what rule %s reads)", src->name);
      if((d->fields[0] = field_index(p, label)) < 0)
        return ICP_ENOMEM;
      d->nfields = 1;
    }
  }
  p->f_unknown = calloc((size_t)p->nfields + 1, sizeof(long));
  p->f_moves = calloc((size_t)p->nfields + 1, sizeof(long));
  p->f_weight = calloc((size_t)p->nfields + 1, sizeof(double));
  p->gain = calloc((size_t)p->nfields + 1, sizeof(double));
  p->cgain = calloc((size_t)p->nfields + 1, sizeof(double));
  if(!p->f_unknown || !p->f_moves || !p->f_weight || !p->gain || !p->cgain)
    return ICP_ENOMEM;
  return ICP_OK;
}

void icp_report_set_as_of(struct icp_report *r, const char *day)
{
  snprintf(r->as_of, sizeof(r->as_of), "%s", day ? day : "");
}

/* ---- one scored account -------------------------------------------------- */

static struct count *count_in(struct count *c, int *n, int cap,
                              const char *name)
{
  int i;
  for(i = 0; i < *n; i++)
    if(!strcmp(c[i].name, name))
      return &c[i];
  if(*n == cap)
    return NULL;
  snprintf(c[*n].name, sizeof(c[*n].name), "%s", name);
  c[*n].n = 0;
  return &c[(*n)++];
}

static void bump(struct count *c, int *n, int cap, const char *name)
{
  struct count *x = count_in(c, n, cap, name);
  if(x)
    x->n++;
}

struct reason {
  const char *name;
  double pts;
};

static int by_points(const void *a, const void *b)
{
  const struct reason *x = a, *y = b;
  return (x->pts < y->pts) - (x->pts > y->pts);
}

/* "size +20; industry +15" from the fired object, strongest first */
static void reasons_of(const cJSON *fired, char *out, size_t cap)
{
  struct reason rs[64];
  const cJSON *f;
  int n = 0, i;
  size_t len = 0;
  *out = 0;
  cJSON_ArrayForEach(f, fired)
    if(n < 64 && cJSON_IsNumber(f) && f->valuedouble != 0) {
      rs[n].name = f->string;
      rs[n].pts = f->valuedouble;
      n++;
    }
  qsort(rs, (size_t)n, sizeof(*rs), by_points);
  for(i = 0; i < n && i < 3 && len < cap; i++) {
    int w = snprintf(out + len, cap - len, "%s%s %+.4g", i ? "; " : "",
                     rs[i].name, rs[i].pts);
    if(w < 0)
      break;
    len += (size_t)w;
  }
}

static void keep_top(struct icp_report *r, const cJSON *o, double score,
                     const char *tier)
{
  struct top_account t;
  const char *s;
  int i;
  if(r->ntop == REPORT_TOP && !(score > r->top[REPORT_TOP - 1].score))
    return;
  memset(&t, 0, sizeof(t));
  t.score = score;
  t.seq = r->seq;
  snprintf(t.domain, sizeof(t.domain), "%s", (s = icpi_jstr(o, "domain")) ? s :
           icpi_jstr(o, "source") ? icpi_jstr(o, "source") : "");
  snprintf(t.tier, sizeof(t.tier), "%s", tier);
  snprintf(t.grade, sizeof(t.grade), "%s",
           (s = icpi_jstr(o, "grade")) ? s : "");
  snprintf(t.route, sizeof(t.route), "%s",
           (s = icpi_jstr(o, "route")) ? s : "");
  reasons_of(cJSON_GetObjectItemCaseSensitive(o, "fired"), t.reasons,
             sizeof(t.reasons));
  if(r->ntop < REPORT_TOP)
    r->ntop++;
  for(i = r->ntop - 1; i > 0 && r->top[i - 1].score < score; i--)
    r->top[i] = r->top[i - 1];
  r->top[i] = t;
}

static void add_route(struct icp_report *r, const char *route, double sla)
{
  struct route_load *x = NULL;
  int i;
  for(i = 0; i < r->nroutes; i++)
    if(!strcmp(r->routes[i].name, route))
      x = &r->routes[i];
  if(!x) {
    if(r->nroutes == REPORT_TIERS_MAX)
      return;
    x = &r->routes[r->nroutes++];
    snprintf(x->name, sizeof(x->name), "%s", route);
    x->sla_lo = x->sla_hi = NAN;
  }
  x->n++;
  if(isfinite(sla)) {
    if(!(x->sla_lo <= sla))
      x->sla_lo = sla;
    if(!(x->sla_hi >= sla))
      x->sla_hi = sla;
  }
}

static int rule_of(const struct report_pack *p, const char *name)
{
  int i;
  for(i = 0; i < p->nrules; i++)
    if(!strcmp(p->rules[i].name, name))
      return i;
  return -1;
}

/* Whether a score rises past a better tier's threshold. */
static int rises(const struct report_pack *p, double from, double to)
{
  int i;
  for(i = 0; i < p->ntiers; i++)
    if(p->threshold[i] > from && p->threshold[i] <= to)
      return 1;
  return 0;
}

/* Unknown rules of one account, per field they read: the composite and
 * coverage points they would add if they fired. */
static void field_gains(struct report_pack *p, const cJSON *unknown,
                        double score, double coverage, const char *tier)
{
  const cJSON *u;
  int i, k, any = 0;
  for(i = 0; i < p->nfields; i++)
    p->gain[i] = p->cgain[i] = -1;
  cJSON_ArrayForEach(u, unknown) {
    const struct report_rule *rule;
    double g, c;
    if(!cJSON_IsString(u) || (i = rule_of(p, u->valuestring)) < 0)
      continue;
    rule = &p->rules[i];
    if(rule->dim < 0 || rule->dim >= p->ndims || !(p->max[rule->dim] > 0) ||
       !(p->wsum > 0))
      continue;
    g = rule->points > 0 ? 100 * p->weight[rule->dim] / p->wsum *
        rule->points / p->max[rule->dim] : 0;
    c = rule->points > 0 ? g / 100 : 0;
    for(k = 0; k < rule->nfields; k++) {
      int f = rule->fields[k];
      if(p->gain[f] < 0)
        p->gain[f] = p->cgain[f] = 0;
      p->gain[f] += g;
      p->cgain[f] += c;
      any = 1;
    }
  }
  if(!any)
    return;
  for(i = 0; i < p->nfields; i++) {
    int moves;
    if(p->gain[i] < 0)
      continue;
    p->f_unknown[i]++;
    p->f_weight[i] += p->gain[i];
    if(!strcmp(tier, "excluded"))
      moves = 0;
    else if(!strcmp(tier, "insufficient_data"))
      moves = p->has_min_cov && coverage + p->cgain[i] >= p->min_cov;
    else
      moves = rises(p, score, score + p->gain[i]);
    p->f_moves[i] += moves;
  }
}

void icpi_scored_add(struct icp_report *r, const cJSON *o)
{
  const char *tier = icpi_jstr(o, "tier"), *grade = icpi_jstr(o, "grade");
  const char *route = icpi_jstr(o, "route");
  const cJSON *pack = cJSON_GetObjectItemCaseSensitive(o, "pack");
  const cJSON *x;
  double score = icpi_jnum(o, "score"), cov = icpi_jnum(o, "coverage");
  char pk[128];
  int i;
  r->seq++;
  for(i = 0; i < r->ntiers; i++)
    if(!strcmp(r->tiers[i].name, tier) && !(r->tier_top[i] >= score))
      r->tier_top[i] = score;
  if(grade) {
    bump(r->grades, &r->ngrades, REPORT_GRADES_MAX, grade);
    r->graded++;
  }
  if(!strcmp(tier, "excluded"))
    r->excluded++;
  else {
    if(!strcmp(tier, "insufficient_data"))
      r->insufficient++;
    keep_top(r, o, score, tier);
  }
  if(route)
    add_route(r, route, icpi_jnum(o, "sla_hours"));
  cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "excluded_by"))
    if(cJSON_IsString(x))
      bump(r->excl, &r->nexcl, REPORT_REASONS_MAX, x->valuestring);
  cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "unknown"))
    if(cJSON_IsString(x))
      bump(r->unknown, &r->nunknown, REPORT_REASONS_MAX, x->valuestring);
  if(isfinite(cov))
    r->coverage_sum += cov;
  snprintf(pk, sizeof(pk), "%s %s",
           icpi_jstr(pack, "name") ? icpi_jstr(pack, "name") : "?",
           icpi_jstr(pack, "version") ? icpi_jstr(pack, "version") : "");
  for(i = 0; i < r->npacks && strcmp(r->packs[i], pk); i++)
    ;
  if(i == r->npacks && i < REPORT_PACKS_MAX) {
    memcpy(r->packs[i], pk, sizeof(pk));
    r->npacks++;
  }
  if(i < REPORT_PACKS_MAX)
    r->pack_n[i]++;
  if(r->rp && !strcmp(r->rp->name, pk))
    field_gains(r->rp, cJSON_GetObjectItemCaseSensitive(o, "unknown"),
                score, cov, tier);
}

/* ---- questions of the sections ------------------------------------------- */

static int special_rank(const char *t)
{
  return !strcmp(t, "unranked") ? 1 : !strcmp(t, "excluded") ? 2 :
         !strcmp(t, "insufficient_data") ? 3 : 0;
}

static int pack_rank(const struct icp_report *r, const char *t)
{
  int i;
  for(i = 0; r->rp && i < r->rp->ntiers; i++)
    if(!strcmp(r->rp->tiers[i], t))
      return i;
  return -1;
}

int icpi_scored_tier_order(const struct icp_report *r, int *idx)
{
  int i, j, n = r->ntiers;
  for(i = 0; i < n; i++)
    idx[i] = i;
  /* insertion sort: ranked tiers (pack order, else best score first),
   * then unranked, excluded, insufficient_data */
  for(i = 1; i < n; i++) {
    int k = idx[i];
    for(j = i; j > 0; j--) {
      int a = idx[j - 1];
      int sa = special_rank(r->tiers[a].name), sk = special_rank(
        r->tiers[k].name);
      int pa = pack_rank(r, r->tiers[a].name), pk = pack_rank(
        r, r->tiers[k].name);
      int after;
      if(sa != sk)
        after = sa > sk;
      else if(pa >= 0 && pk >= 0)
        after = pa > pk;
      else
        after = r->tier_top[a] < r->tier_top[k] ||
                (r->tier_top[a] == r->tier_top[k] &&
                 strcmp(r->tiers[a].name, r->tiers[k].name) > 0);
      if(!after)
        break;
      idx[j] = a;
    }
    idx[j] = k;
  }
  return n;
}

int icpi_scored_icp_tiers(const struct icp_report *r, const char **names)
{
  int idx[REPORT_TIERS_MAX], n = icpi_scored_tier_order(r, idx), i, k = 0;
  for(i = 0; i < n && k < 2; i++)
    if(!special_rank(r->tiers[idx[i]].name))
      names[k++] = r->tiers[idx[i]].name;
  return k;
}

int icpi_scored_fields(const struct icp_report *r, const char *const **names,
                       const long **unknown, const long **moves,
                       const double **weight)
{
  if(!r->rp)
    return 0;
  *names = (const char *const *)r->rp->fields;
  *unknown = r->rp->f_unknown;
  *moves = r->rp->f_moves;
  *weight = r->rp->f_weight;
  return r->rp->nfields;
}
