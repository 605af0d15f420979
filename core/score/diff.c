/* diff.c -- tier migration, score shifts and movers between two packs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/pack.h"
#include "score/diff.h"
#include "score/score.h"

#define MAX_TIERS 64

struct mover {
  double shift;
  long seq;
  char *domain, *old_tier, *new_tier, *rules;
  double old_score, new_score;
};

struct icp_diff {
  const struct icp_pack *old_pack, *new_pack;
  const char *tiers[MAX_TIERS];
  int ntiers;
  long matrix[MAX_TIERS * MAX_TIERS]; /* old tier x new tier, by row */
  long n, changed_routes, changed_tiers;
  double *shift;
  size_t nshift, capshift;
  double sum;
  struct mover *m;
  int nm, top;
  long seq;
  struct icp_buf tmp;
  /* grade migration, when either pack has a grade block: labels are the
   * cells of both packs (one per name) and "none" (no grade) last */
  const char **grades;
  int ngrades, *gmap[2];
  long *gmatrix, changed_grades;
};

static int tier_id(struct icp_diff *d, const char *name)
{
  int i;
  for(i = 0; i < d->ntiers; i++)
    if(!strcmp(d->tiers[i], name))
      return i;
  if(d->ntiers == MAX_TIERS)
    return MAX_TIERS - 1;
  d->tiers[d->ntiers] = name;
  return d->ntiers++;
}

static int grade_label(struct icp_diff *d, const char *name)
{
  int i;
  for(i = 0; i < d->ngrades; i++)
    if(!strcmp(d->grades[i], name))
      return i;
  d->grades[d->ngrades] = name;
  return d->ngrades++;
}

/* Labels and the matrix of the grade migration; 0 when out of memory. */
static int grades_init(struct icp_diff *d)
{
  const struct icp_pack *pk[2] = { d->old_pack, d->new_pack };
  int k, i, n = 1;
  for(k = 0; k < 2; k++)
    n += pk[k]->grade.cells ? pk[k]->grade.rows.ncuts *
         pk[k]->grade.cols.ncuts : 0;
  if(n == 1)
    return 1;
  d->grades = calloc((size_t)n, sizeof(char *));
  d->gmatrix = calloc((size_t)n * (size_t)n, sizeof(long));
  for(k = 0; k < 2; k++)
    d->gmap[k] = calloc((size_t)n, sizeof(int));
  if(!d->grades || !d->gmatrix || !d->gmap[0] || !d->gmap[1])
    return 0;
  for(k = 0; k < 2; k++)
    for(i = 0; pk[k]->grade.cells &&
        i < pk[k]->grade.rows.ncuts * pk[k]->grade.cols.ncuts; i++)
      d->gmap[k][i] = grade_label(d, pk[k]->grade.cells[i]);
  grade_label(d, "none");
  return 1;
}

/* The label of r's grade in the matrix (k: 0 old, 1 new). */
static int grade_id(const struct icp_diff *d, int k,
                    const struct icp_result *r)
{
  const struct icp_pack *p = k ? d->new_pack : d->old_pack;
  if(!r->grade)
    return d->ngrades - 1;
  return d->gmap[k][r->grade_row * p->grade.cols.ncuts + r->grade_col];
}

struct icp_diff *icp_diff_new(const struct icp_pack *old_pack,
                              const struct icp_pack *new_pack, int top)
{
  struct icp_diff *d = calloc(1, sizeof(*d));
  int i;
  if(!d)
    return NULL;
  d->old_pack = old_pack;
  d->new_pack = new_pack;
  d->top = top > 0 ? top : 1;
  d->m = calloc((size_t)d->top, sizeof(*d->m));
  if(!d->m) {
    free(d);
    return NULL;
  }
  for(i = 0; i < old_pack->ntiers; i++)
    tier_id(d, old_pack->tiers[i].name);
  for(i = 0; i < new_pack->ntiers; i++)
    tier_id(d, new_pack->tiers[i].name);
  tier_id(d, "insufficient_data");
  tier_id(d, "unranked");
  tier_id(d, "excluded");
  icp_buf_init(&d->tmp, 1 << 20);
  if(!grades_init(d)) {
    icp_diff_free(d);
    return NULL;
  }
  return d;
}

static void free_mover(struct mover *m)
{
  free(m->domain);
  free(m->old_tier);
  free(m->new_tier);
  free(m->rules);
}

void icp_diff_free(struct icp_diff *d)
{
  int i;
  if(!d)
    return;
  for(i = 0; i < d->nm; i++)
    free_mover(&d->m[i]);
  free(d->m);
  free(d->shift);
  free(d->grades);
  free(d->gmatrix);
  free(d->gmap[0]);
  free(d->gmap[1]);
  icp_buf_free(&d->tmp);
  free(d);
}

long icp_diff_changed(const struct icp_diff *d)
{
  return d->changed_tiers;
}

/* |a| > |b|, ties broken by tier change, then input order */
static int moves_more(const struct mover *a, const struct mover *b)
{
  int at = strcmp(a->old_tier, a->new_tier) != 0;
  int bt = strcmp(b->old_tier, b->new_tier) != 0;
  if(fabs(a->shift) != fabs(b->shift))
    return fabs(a->shift) > fabs(b->shift);
  if(at != bt)
    return at > bt;
  return a->seq < b->seq;
}

static double earned_by(const struct icp_pack *p,
                        const struct icp_result *r, const char *name,
                        int *present)
{
  int i = icp_pack_rule_index(p, name);
  *present = i >= 0;
  return i >= 0 && r->outcome[i] == ICP_TRUE ? r->earned[i] : 0;
}

static int excl_fired(const struct icp_pack *p, const struct icp_result *r,
                      const char *name)
{
  int i = icp_pack_excl_index(p, name);
  return i >= 0 && r->xoutcome[i] == ICP_TRUE;
}

/* "rule old -> new" for every rule whose earned points differ. */
static char *responsible(struct icp_diff *d, const struct icp_result *ro,
                         const struct icp_result *rn)
{
  const struct icp_pack *po = d->old_pack, *pn = d->new_pack;
  int i, pres;
  icp_buf_reset(&d->tmp);
  icp_buf_add(&d->tmp, "", 0);
  for(i = 0; i < pn->nrules; i++) {
    double nw = rn->outcome[i] == ICP_TRUE ? rn->earned[i] : 0;
    double ol = earned_by(po, ro, pn->rules[i].name, &pres);
    if(fabs(nw - ol) > 1e-9)
      icp_buf_printf(&d->tmp, "%s%s %.4g -> %.4g%s", d->tmp.len ? "; " : "",
                     pn->rules[i].name, ol, nw, pres ? "" : " (new rule)");
  }
  for(i = 0; i < po->nrules; i++) {
    earned_by(pn, rn, po->rules[i].name, &pres);
    if(!pres && ro->outcome[i] == ICP_TRUE && ro->earned[i] != 0)
      icp_buf_printf(&d->tmp, "%s%s %.4g -> removed", d->tmp.len ? "; " :
                     "", po->rules[i].name, ro->earned[i]);
  }
  for(i = 0; i < pn->nexcl; i++) {
    int now = rn->xoutcome[i] == ICP_TRUE;
    int was = excl_fired(po, ro, pn->excl[i].name);
    if(now != was)
      icp_buf_printf(&d->tmp, "%sexclude %s %s", d->tmp.len ? "; " : "",
                     pn->excl[i].name, now ? "now fires" : "no longer fires");
  }
  for(i = 0; i < po->nexcl; i++)
    if(ro->xoutcome[i] == ICP_TRUE) {
      int k, found = 0;
      for(k = 0; k < pn->nexcl; k++)
        found |= !strcmp(pn->excl[k].name, po->excl[i].name);
      if(!found)
        icp_buf_printf(&d->tmp, "%sexclude %s removed", d->tmp.len ? "; " :
                       "", po->excl[i].name);
    }
  if(!d->tmp.len) {
    /* no rule earned differently: a dimension's maximum or weight moved */
    for(i = 0; i < pn->ndims; i++) {
      int k;
      for(k = 0; k < po->ndims; k++)
        if(!strcmp(po->dims[k].name, pn->dims[i].name) &&
           (fabs(ro->dim[k] - rn->dim[i]) > 1e-9 ||
            po->dims[k].weight != pn->dims[i].weight))
          icp_buf_printf(&d->tmp, "%s%s %.4g -> %.4g (of max %.4g -> %.4g, "
                         "weight %.4g -> %.4g)", d->tmp.len ? "; " : "",
                         pn->dims[i].name, ro->dim[k], rn->dim[i],
                         po->dims[k].max, pn->dims[i].max,
                         po->dims[k].weight, pn->dims[i].weight);
    }
  }
  if(!d->tmp.len)
    icp_buf_adds(&d->tmp, "tier thresholds or routes");
  /* NULL (out of memory or past the cap): the caller fails the diff */
  return icp_buf_status(&d->tmp) ? NULL : icp_strdup(d->tmp.p);
}

enum icp_status icp_diff_add(void *ud, const struct icp_account *a,
                             struct icp_result *const *res, int n,
                             struct icp_err *err)
{
  struct icp_diff *d = ud;
  const struct icp_result *ro = res[0], *rn = res[1];
  struct mover m;
  double shift = rn->score - ro->score;
  int to = tier_id(d, ro->tier_name), tn = tier_id(d, rn->tier_name);
  (void)n;
  d->n++;
  d->matrix[to * MAX_TIERS + tn]++;
  if(to != tn)
    d->changed_tiers++;
  if(d->gmatrix) {
    int go = grade_id(d, 0, ro), gn = grade_id(d, 1, rn);
    d->gmatrix[go * d->ngrades + gn]++;
    d->changed_grades += go != gn;
  }
  if(strcmp(ro->route ? ro->route : "", rn->route ? rn->route : ""))
    d->changed_routes++;
  if(icp_grow(d->shift, d->capshift, d->nshift + 1))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  d->shift[d->nshift++] = shift;
  d->sum += shift;
  if(shift == 0 && to == tn)
    return ICP_OK;
  memset(&m, 0, sizeof(m));
  m.shift = shift;
  m.seq = d->seq++;
  m.old_tier = (char *)ro->tier_name;
  m.new_tier = (char *)rn->tier_name;
  if(d->nm == d->top && !moves_more(&m, &d->m[d->nm - 1]))
    return ICP_OK;
  m.domain = icp_strdup(icp_account_domain(a));
  m.old_tier = icp_strdup(ro->tier_name);
  m.new_tier = icp_strdup(rn->tier_name);
  m.old_score = ro->score;
  m.new_score = rn->score;
  m.rules = responsible(d, ro, rn);
  if(!m.domain || !m.old_tier || !m.new_tier || !m.rules) {
    free_mover(&m);
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  }
  if(d->nm == d->top)
    free_mover(&d->m[--d->nm]);
  {
    int i = d->nm++;
    while(i > 0 && moves_more(&m, &d->m[i - 1])) {
      d->m[i] = d->m[i - 1];
      i--;
    }
    d->m[i] = m;
  }
  return ICP_OK;
}

static int cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static double pct(const double *s, size_t n, double q)
{
  double pos, frac;
  size_t i;
  if(!n)
    return 0;
  pos = q * (double)(n - 1);
  i = (size_t)pos;
  frac = pos - (double)i;
  if(i + 1 >= n)
    return s[n - 1];
  return s[i] + frac * (s[i + 1] - s[i]);
}

static void sort_shifts(struct icp_diff *d)
{
  qsort(d->shift, d->nshift, sizeof(double), cmp_double);
}

/* A migration matrix (tiers or grades) as the printers read it. */
struct mig {
  const char *const *names;  /* n labels, rows and columns alike */
  int n, stride;             /* cell (old i, new k) at cell[i * stride + k] */
  const long *cell;
  int keep;                  /* labels below it show even when empty */
};

static struct mig tier_mig(const struct icp_diff *d)
{
  struct mig m;
  m.names = d->tiers;
  m.n = d->ntiers;
  m.stride = MAX_TIERS;
  m.cell = d->matrix;
  m.keep = d->old_pack->ntiers > d->new_pack->ntiers ? d->old_pack->ntiers
                                                     : d->new_pack->ntiers;
  return m;
}

static struct mig grade_mig(const struct icp_diff *d)
{
  struct mig m;
  m.names = d->grades;
  m.n = d->ngrades;
  m.stride = d->ngrades;
  m.cell = d->gmatrix;
  m.keep = 0;
  return m;
}

/* Whether label t shows: an account moved from or to it (or it is kept). */
static int mig_used(const struct mig *m, int t)
{
  int k;
  for(k = 0; k < m->n; k++)
    if(m->cell[t * m->stride + k] || m->cell[k * m->stride + t])
      return 1;
  return t < m->keep;
}

/* The rows and columns of m that show, cells w characters wide. */
static void mig_print(const struct mig *m, FILE *fp, int w)
{
  int i, k;
  fprintf(fp, "%-18s", "old \\ new");
  for(k = 0; k < m->n; k++)
    if(mig_used(m, k))
      fprintf(fp, " %*.*s", w, w, m->names[k]);
  fprintf(fp, "\n");
  for(i = 0; i < m->n; i++) {
    if(!mig_used(m, i))
      continue;
    fprintf(fp, "%-18.18s", m->names[i]);
    for(k = 0; k < m->n; k++)
      if(mig_used(m, k))
        fprintf(fp, " %*ld", w, m->cell[i * m->stride + k]);
    fprintf(fp, "\n");
  }
}

/* {"old":{"new":count,...},...} over the labels of m that show. */
static void mig_json(const struct mig *m, struct icp_buf *b)
{
  int i, k, first;
  icp_buf_addc(b, '{');
  for(i = 0, first = 1; i < m->n; i++) {
    int inner = 1;
    if(!mig_used(m, i))
      continue;
    if(!first)
      icp_buf_addc(b, ',');
    first = 0;
    icp_buf_json_str(b, m->names[i], strlen(m->names[i]));
    icp_buf_adds(b, ":{");
    for(k = 0; k < m->n; k++) {
      if(!mig_used(m, k))
        continue;
      if(!inner)
        icp_buf_addc(b, ',');
      inner = 0;
      icp_buf_json_str(b, m->names[k], strlen(m->names[k]));
      icp_buf_printf(b, ":%ld", m->cell[i * m->stride + k]);
    }
    icp_buf_addc(b, '}');
  }
  icp_buf_addc(b, '}');
}

/* The grade migration matrix, rows and columns that hold accounts. */
static void print_grades(const struct icp_diff *d, FILE *fp)
{
  struct mig m = grade_mig(d);
  fprintf(fp, "\ngrade migration (rows: old grade, columns: new grade; "
          "none: excluded, insufficient data or no grade block)\n");
  mig_print(&m, fp, 6);
  fprintf(fp, "changed grades: %ld (%.1f%%)\n", d->changed_grades,
          d->n ? 100.0 * d->changed_grades / d->n : 0);
}

void icp_diff_print(struct icp_diff *d, FILE *fp)
{
  struct mig tiers = tier_mig(d);
  int i;
  sort_shifts(d);
  fprintf(fp, "old: %s %s   new: %s %s   accounts: %ld\n\n",
          d->old_pack->name, d->old_pack->version ? d->old_pack->version : "",
          d->new_pack->name, d->new_pack->version ? d->new_pack->version : "",
          d->n);
  fprintf(fp, "tier migration (rows: old tier, columns: new tier)\n");
  mig_print(&tiers, fp, 9);
  if(d->gmatrix)
    print_grades(d, fp);
  fprintf(fp, "\nchanged tiers: %ld (%.1f%%)   changed routes: %ld\n",
          d->changed_tiers, d->n ? 100.0 * d->changed_tiers / d->n : 0,
          d->changed_routes);
  fprintf(fp, "score shift: mean %+.3f  p10 %+.3f  p50 %+.3f  p90 %+.3f  "
          "min %+.3f  max %+.3f\n", d->n ? d->sum / d->n : 0,
          pct(d->shift, d->nshift, 0.1), pct(d->shift, d->nshift, 0.5),
          pct(d->shift, d->nshift, 0.9),
          d->nshift ? d->shift[0] : 0,
          d->nshift ? d->shift[d->nshift - 1] : 0);
  if(d->nm)
    fprintf(fp, "\ntop movers:\n");
  for(i = 0; i < d->nm; i++) {
    const struct mover *m = &d->m[i];
    fprintf(fp, "  %-28s %-9s -> %-9s %7.2f -> %7.2f  (%+.2f)  because %s\n",
            m->domain[0] ? m->domain : "(no domain)", m->old_tier,
            m->new_tier, m->old_score, m->new_score, m->shift, m->rules);
  }
}

/* {"pack":name,"version":version} of p. */
static void pack_json(struct icp_buf *b, const struct icp_pack *p)
{
  const char *v = p->version ? p->version : "";
  icp_buf_adds(b, "{\"pack\":");
  icp_buf_json_str(b, p->name, strlen(p->name));
  icp_buf_adds(b, ",\"version\":");
  icp_buf_json_str(b, v, strlen(v));
  icp_buf_addc(b, '}');
}

enum icp_status icp_diff_json(struct icp_diff *d, struct icp_buf *b)
{
  struct mig mg;
  int i;
  sort_shifts(d);
  icp_buf_adds(b, "{\"old\":");
  pack_json(b, d->old_pack);
  icp_buf_adds(b, ",\"new\":");
  pack_json(b, d->new_pack);
  icp_buf_printf(b, ",\"accounts\":%ld,\"changed_tiers\":%ld,"
                 "\"changed_routes\":%ld,\"matrix\":", d->n,
                 d->changed_tiers, d->changed_routes);
  mg = tier_mig(d);
  mig_json(&mg, b);
  if(d->gmatrix) {
    icp_buf_printf(b, ",\"changed_grades\":%ld,\"grade_matrix\":",
                   d->changed_grades);
    mg = grade_mig(d);
    mig_json(&mg, b);
  }
  icp_buf_adds(b, ",\"score_shift\":{\"mean\":");
  icp_buf_json_fixed(b, d->n ? d->sum / d->n : 0);
  icp_buf_adds(b, ",\"p10\":");
  icp_buf_json_fixed(b, pct(d->shift, d->nshift, 0.1));
  icp_buf_adds(b, ",\"p50\":");
  icp_buf_json_fixed(b, pct(d->shift, d->nshift, 0.5));
  icp_buf_adds(b, ",\"p90\":");
  icp_buf_json_fixed(b, pct(d->shift, d->nshift, 0.9));
  icp_buf_adds(b, ",\"min\":");
  icp_buf_json_fixed(b, d->nshift ? d->shift[0] : 0);
  icp_buf_adds(b, ",\"max\":");
  icp_buf_json_fixed(b, d->nshift ? d->shift[d->nshift - 1] : 0);
  icp_buf_adds(b, "},\"movers\":[");
  for(i = 0; i < d->nm; i++) {
    const struct mover *m = &d->m[i];
    if(i)
      icp_buf_addc(b, ',');
    icp_buf_adds(b, "{\"domain\":");
    icp_buf_json_str(b, m->domain, strlen(m->domain));
    icp_buf_adds(b, ",\"old_tier\":");
    icp_buf_json_str(b, m->old_tier, strlen(m->old_tier));
    icp_buf_adds(b, ",\"new_tier\":");
    icp_buf_json_str(b, m->new_tier, strlen(m->new_tier));
    icp_buf_adds(b, ",\"old_score\":");
    icp_buf_json_fixed(b, m->old_score);
    icp_buf_adds(b, ",\"new_score\":");
    icp_buf_json_fixed(b, m->new_score);
    icp_buf_adds(b, ",\"rules\":");
    icp_buf_json_str(b, m->rules, strlen(m->rules));
    icp_buf_addc(b, '}');
  }
  icp_buf_adds(b, "]}\n");
  return icp_buf_status(b);
}
