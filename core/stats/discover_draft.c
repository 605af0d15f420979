/*
 * discover_draft.c -- from evidence to a rule pack: an L2 logistic
 * regression on the significant values (lambda by k-fold CV), its
 * coefficients shifted per attribute (lowest level 0) and scaled to
 * integer points, excludes for values (almost) never among the best, tiers
 * at the training score's percentiles, and a companion *_test.lua whose
 * expected tiers come from scoring real rows with the pack itself.
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
#include "stats/stats.h"

#define FIT_ROWS_MAX 50000   /* rows the model is fitted on, at most */
#define CV_FOLDS 5
#define EXCLUDE_LIFT 0.1     /* "almost never among the best" */
#define POINTS_TOP 100.0     /* the largest rule's points */
#define CASES_PER_TIER 2

/* ==================================================================== */
/* Features                                                              */
/* ==================================================================== */

/* Does account a have the value of test t? (the pack's predicate) */
static int matches(const struct icp_disc *d, const struct icp_disc_test *t,
                   uint32_t a)
{
  const struct icp_disc_col *c = &d->cols[t->col];
  uint32_t k;
  switch(t->what) {
  case ICP_DW_VALUE:
    if(c->kind == ICP_DK_BOOL)
      return c->code[a] < c->nlv && c->lvbool[c->code[a]] >= 0 &&
             c->lvbool[c->code[a]] == c->lvbool[t->level];
    return c->code[a] == t->level;
  case ICP_DW_BIN:
    return !isnan(c->num[a]) && c->num[a] >= t->lo && c->num[a] <= t->hi;
  case ICP_DW_ELEMENT:
    for(k = c->loff[a]; k < c->loff[a + 1]; k++)
      if(c->items[k] == t->level)
        return 1;
    return 0;
  case ICP_DW_MISSING:
    switch(c->kind) {
    case ICP_DK_NUM:
    case ICP_DK_DATE:
      return isnan(c->num[a]);
    case ICP_DK_LIST:
      return c->loff[a] == c->loff[a + 1];
    case ICP_DK_BOOL:
      return c->code[a] >= c->nlv || c->lvbool[c->code[a]] < 0;
    default:
      return c->code[a] == ICP_DISC_NONE;
    }
  default:
    return 0;
  }
}

static int by_logp(const void *x, const void *y, void *ud)
{
  const struct icp_disc *d = ud;
  const struct icp_disc_test *a = &d->tests[*(const int *)x];
  const struct icp_disc_test *b = &d->tests[*(const int *)y];
  if(a->log_p != b->log_p)
    return a->log_p < b->log_p ? -1 : 1;
  return *(const int *)x - *(const int *)y;
}

/* Insertion sort with a context (qsort_r is not C11). */
static void sort_idx(int *v, size_t n, const struct icp_disc *d)
{
  size_t i;
  for(i = 1; i < n; i++) {
    int x = v[i];
    size_t j = i;
    while(j && by_logp(&v[j - 1], &x, (void *)d) > 0) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
}

/* Picks excludes and features among the significant tests. */
static int select_features(struct icp_disc *d)
{
  struct icp_disc_model *m = &d->model;
  size_t i, n = 0;
  int *cand = malloc((d->ntests ? d->ntests : 1) * sizeof(int));
  if(!cand)
    return -1;
  for(i = 0; i < d->ntests; i++) {
    struct icp_disc_test *t = &d->tests[i];
    t->feature = -1;
    t->exclude = 0;
    if(!t->significant || t->what == ICP_DW_OTHER)
      continue;
    if(t->what != ICP_DW_MISSING && t->lift <= EXCLUDE_LIFT) {
      t->exclude = 1;
      continue;
    }
    cand[n++] = (int)i;
  }
  sort_idx(cand, n, d);
  if(n > (size_t)d->o.max_rules)
    n = (size_t)d->o.max_rules;
  m->nfeat = n;
  m->feat_test = cand;
  for(i = 0; i < n; i++)
    d->tests[cand[i]].feature = (int)i;
  return 0;
}

static uint64_t mix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Fits the model on (a sample of) the training rows. */
static enum icp_status fit(struct icp_disc *d, struct icp_err *err)
{
  static const double lambdas[] = { 0.01, 0.1, 1, 10, 100 };
  struct icp_disc_model *m = &d->model;
  struct icp_stats_logit out;
  size_t i, j, n = 0, avail = 0, p = m->nfeat, best = 0;
  unsigned char *x = NULL, *y = NULL;
  double keep;
  int rc;
  for(i = 0; i < d->nrows; i++)
    avail += d->row_train[i] && d->row_y[i] >= 0;
  keep = avail > FIT_ROWS_MAX ? (double)FIT_ROWS_MAX / (double)avail : 1;
  x = malloc((avail < FIT_ROWS_MAX ? avail : FIT_ROWS_MAX + 1000) * p + 1);
  y = malloc(avail < FIT_ROWS_MAX ? avail + 1 : FIT_ROWS_MAX + 1001);
  m->coef = calloc(p ? p : 1, sizeof(double));
  m->points = calloc(p ? p : 1, sizeof(double));
  if(!x || !y || !m->coef || !m->points) {
    free(x);
    free(y);
    return icp_err_set(err, ICP_ENOMEM, "out of memory for the model");
  }
  for(i = 0; i < d->nrows; i++) {
    if(!d->row_train[i] || d->row_y[i] < 0)
      continue;
    if(keep < 1) {
      double u = (double)(mix64(d->o.seed ^ (i * 0xD1B54A32D192ED03ull))
                          >> 11) * 0x1.0p-53;
      if(u >= keep || n >= FIT_ROWS_MAX + 1000)
        continue;
    }
    for(j = 0; j < p; j++)
      x[n * p + j] = (unsigned char)matches(d, &d->tests[m->feat_test[j]],
                                            d->row_acct[i]);
    y[n++] = (unsigned char)d->row_y[i];
  }
  m->rows_fitted = (long)n;
  m->folds = n >= CV_FOLDS ? CV_FOLDS : 2;
  rc = n >= 2 ? icp_stats_logit_cv(x, y, n, p, lambdas,
                                   sizeof(lambdas) / sizeof(lambdas[0]),
                                   (unsigned)m->folds, d->o.seed, NULL,
                                   NULL, &best, m->coef, &out) :
       ICP_STATS_EINVAL;
  free(x);
  free(y);
  if(rc)
    return icp_err_set(err, ICP_EINVAL, "the model could not be fitted "
                       "(%ld rows, %zu features)", m->rows_fitted, p);
  m->lambda = lambdas[best];
  m->intercept = out.intercept;
  m->fitted = 1;
  return ICP_OK;
}

/* ==================================================================== */
/* Points: shift each attribute so its lowest level is 0, then scale     */
/* ==================================================================== */

/* One attribute of the draft: a column, or one element of a list. */
struct group {
  int col;
  uint32_t element;     /* ELEMENT groups: the element; else NONE */
  int *feat;            /* features in it */
  int nfeat;
  int has_ref;          /* some account matches none of them */
  double shift;         /* min of the coefficients (and 0 with a ref) */
  double ref_points;    /* points of "none of them" (>= 0) */
  double ref_coef;
};

struct draft {
  struct group *g;
  int ng;
};

static int same_group(const struct icp_disc_test *t, const struct group *g)
{
  if(t->col != g->col)
    return 0;
  if(t->what == ICP_DW_ELEMENT)
    return g->element == t->level;
  return g->element == ICP_DISC_NONE;
}

static int build_groups(struct icp_disc *d, struct draft *dr)
{
  struct icp_disc_model *m = &d->model;
  size_t f, a;
  int k;
  double top = 0;
  dr->g = calloc(m->nfeat ? m->nfeat : 1, sizeof(*dr->g));
  if(!dr->g)
    return -1;
  for(f = 0; f < m->nfeat; f++) {
    const struct icp_disc_test *t = &d->tests[m->feat_test[f]];
    struct group *g = NULL;
    for(k = 0; k < dr->ng && !g; k++)
      if(same_group(t, &dr->g[k]))
        g = &dr->g[k];
    if(!g) {
      g = &dr->g[dr->ng++];
      g->col = t->col;
      g->element = t->what == ICP_DW_ELEMENT ? t->level : ICP_DISC_NONE;
      g->feat = malloc(m->nfeat * sizeof(int));
      if(!g->feat)
        return -1;
    }
    g->feat[g->nfeat++] = (int)f;
  }
  for(k = 0; k < dr->ng; k++) {
    struct group *g = &dr->g[k];
    int j;
    for(a = 0; a < d->nacct && !g->has_ref; a++) {
      int any = 0;
      for(j = 0; j < g->nfeat && !any; j++)
        any = matches(d, &d->tests[m->feat_test[g->feat[j]]], (uint32_t)a);
      g->has_ref = !any;
    }
    g->shift = g->has_ref ? 0 : INFINITY;
    for(j = 0; j < g->nfeat; j++)
      if(m->coef[g->feat[j]] < g->shift)
        g->shift = m->coef[g->feat[j]];
    g->ref_coef = g->has_ref ? -g->shift : 0;
    for(j = 0; j < g->nfeat; j++)
      if(m->coef[g->feat[j]] - g->shift > top)
        top = m->coef[g->feat[j]] - g->shift;
    if(g->ref_coef > top)
      top = g->ref_coef;
  }
  if(!(top > 0))
    return 1;   /* nothing separates: every coefficient is 0 */
  for(k = 0; k < dr->ng; k++) {
    struct group *g = &dr->g[k];
    int j;
    for(j = 0; j < g->nfeat; j++) {
      /* a level less common among the best earns nothing, even when the
       * model ranks it above a worse level of the same attribute */
      const struct icp_disc_test *t = &d->tests[m->feat_test[g->feat[j]]];
      m->points[g->feat[j]] = t->lift < 1 ? 0 :
        floor((m->coef[g->feat[j]] - g->shift) / top * POINTS_TOP + 0.5);
    }
    g->ref_points = floor(g->ref_coef / top * POINTS_TOP + 0.5);
  }
  return 0;
}

static void draft_free(struct draft *dr)
{
  int k;
  for(k = 0; k < dr->ng; k++)
    free(dr->g[k].feat);
  free(dr->g);
}

/* ==================================================================== */
/* Writing Lua                                                           */
/* ==================================================================== */

static void lua_str(struct icp_buf *b, const char *s, size_t n)
{
  size_t i;
  icp_buf_addc(b, '"');
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c == '"' || c == '\\')
      icp_buf_printf(b, "\\%c", c);
    else if(c < 32 || c == 127)
      icp_buf_printf(b, "\\%03u", c);
    else
      icp_buf_addc(b, (char)c);
  }
  icp_buf_addc(b, '"');
}

static int is_ident(const char *s)
{
  static const char *const kw[] = { "and", "break", "do", "else", "elseif",
    "end", "false", "for", "function", "goto", "if", "in", "local", "nil",
    "not", "or", "repeat", "return", "then", "true", "until", "while" };
  size_t i;
  if(!*s || (*s >= '0' && *s <= '9'))
    return 0;
  for(i = 0; s[i]; i++)
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return 0;
  for(i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
    if(!strcmp(s, kw[i]))
      return 0;
  return 1;
}

static void lua_key(struct icp_buf *b, const char *s)
{
  if(is_ident(s))
    icp_buf_adds(b, s);
  else {
    icp_buf_addc(b, '[');
    lua_str(b, s, strlen(s));
    icp_buf_addc(b, ']');
  }
}

static void lua_num(struct icp_buf *b, double v)
{
  char t[40];
  icp_fmt_num(t, sizeof(t), v);
  icp_buf_adds(b, t);
}

/* A rule name from the description: [a-z0-9_], unique in the pack. */
static void rule_name(char *out, size_t cap, const char *prefix,
                      const char *desc, char (*used)[64], int nused)
{
  char base[64];
  size_t i, n = 0;
  int k, suffix = 1, clash;
  n = (size_t)snprintf(base, sizeof(base), "%s", prefix);
  for(i = 0; desc[i] && n < 48; i++) {
    char c = desc[i];
    if(c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      base[n++] = c;
    else if(n && base[n - 1] != '_')
      base[n++] = '_';
  }
  while(n && base[n - 1] == '_')
    n--;
  base[n] = 0;
  if(!n || (base[0] >= '0' && base[0] <= '9'))
    snprintf(base, sizeof(base), "r_%.40s", n ? base : "rule");
  snprintf(out, cap, "%s", base);
  do {
    clash = 0;
    for(k = 0; k < nused && !clash; k++)
      clash = !strcmp(used[k], out);
    if(clash)
      snprintf(out, cap, "%.52s_%d", base, ++suffix);
  } while(clash);
}

/* The lower ends of the bins of t's column before and after t (-inf and
 * inf when t is the first or last); 1 when every bin of the column is one
 * value (levels, not ranges: they keep their exact value). */
static int bin_neighbours(const struct icp_disc *d,
                          const struct icp_disc_test *t, double *prev,
                          double *next)
{
  size_t i;
  int discrete = 1;
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *u = &d->tests[i];
    if(u->col != t->col || u->what != ICP_DW_BIN)
      continue;
    if(u->lo != u->hi)
      discrete = 0;
    if(u->lo > t->hi && u->lo < *next)
      *next = u->lo;
    if(u->hi < t->lo && u->lo > *prev)
      *prev = u->lo;
  }
  return discrete;
}

/* all { field "x" :gte(lo), field "x" :lt(hi) } */
static void range_pred(const struct icp_disc_col *c, double lo, double hi,
                       struct icp_buf *b)
{
  icp_buf_adds(b, "all { field ");
  lua_str(b, c->name, strlen(c->name));
  icp_buf_adds(b, " :gte(");
  lua_num(b, lo);
  icp_buf_adds(b, "), field ");
  lua_str(b, c->name, strlen(c->name));
  icp_buf_adds(b, " :lt(");
  lua_num(b, hi);
  icp_buf_adds(b, ") }");
}

/* The predicate of a test in the DSL. */
static void predicate(const struct icp_disc *d,
                      const struct icp_disc_test *t, struct icp_buf *b)
{
  const struct icp_disc_col *c = &d->cols[t->col];
  size_t len;
  const char *s;
  char day1[11], day2[11];
  double next = INFINITY, prev = -INFINITY;
  int discrete = t->what == ICP_DW_BIN ?
                 bin_neighbours(d, t, &prev, &next) : 1;
  if(t->what == ICP_DW_BIN && c->kind != ICP_DK_DATE && !discrete &&
     isfinite(prev) && isfinite(next)) {
    range_pred(c, t->lo, next, b);
    return;
  }
  icp_buf_adds(b, "field ");
  lua_str(b, c->name, strlen(c->name));
  switch(t->what) {
  case ICP_DW_VALUE:
    if(c->kind == ICP_DK_BOOL) {
      icp_buf_adds(b, c->lvbool[t->level] ? " :is_true()" : " :is_false()");
      break;
    }
    s = icp_disc_level_text(c, t->level, &len);
    icp_buf_adds(b, " :one_of { ");
    lua_str(b, s, len);
    icp_buf_adds(b, " }");
    break;
  case ICP_DW_ELEMENT:
    s = icp_disc_level_text(c, t->level, &len);
    icp_buf_adds(b, " :has ");
    lua_str(b, s, len);
    break;
  case ICP_DW_BIN: {
    /* bins meet: a bin runs up to where the next one starts, so no value
     * between two bins' observed ends falls to "other"; the lowest and
     * highest bins are open-ended (the middle ones are range_pred above) */
    if(c->kind == ICP_DK_DATE) {
      /* ages lo..hi days at as_of = dates as_of-hi .. as_of-lo; whole
       * days, so ages up to next-1 reach the next bin */
      double hi = !discrete && isfinite(next) ? next - 1 : t->hi;
      icp_format_date((int32_t)(d->o.as_of - hi), day1);
      icp_format_date((int32_t)(d->o.as_of - t->lo), day2);
      icp_buf_printf(b, " :between(\"%s\", \"%s\")", day1, day2);
      break;
    }
    if(discrete || (!isfinite(prev) && !isfinite(next))) {
      icp_buf_adds(b, " :between(");
      lua_num(b, t->lo);
      icp_buf_adds(b, ", ");
      lua_num(b, t->hi);
      icp_buf_adds(b, ")");
    }
    else if(!isfinite(prev)) {
      icp_buf_adds(b, " :lt(");
      lua_num(b, next);
      icp_buf_adds(b, ")");
    }
    else if(!isfinite(next)) {
      icp_buf_adds(b, " :gte(");
      lua_num(b, t->lo);
      icp_buf_adds(b, ")");
    }
    break;
  }
  case ICP_DW_MISSING:
    icp_buf_adds(b, " :missing()");
    break;
  default:
    break;
  }
}

static void evidence(const struct icp_disc *d, const struct icp_disc_test *t,
                     struct icp_buf *b)
{
  char desc[200];
  icp_disc_describe(d, t, desc, sizeof(desc));
  icp_buf_printf(b, "-- %s: lift %.2f [%.2f, %.2f]; best %ld/%ld (%.1f%%),"
                 " worst %ld/%ld (%.1f%%); p %.2g, q %.2g\n", desc, t->lift,
                 t->lift_lo, t->lift_hi > 1e6 ? INFINITY : t->lift_hi,
                 t->n_best, d->n_best,
                 100.0 * (double)t->n_best / (double)d->n_best, t->n_worst,
                 d->n_worst, 100.0 * (double)t->n_worst / (double)d->n_worst,
                 t->p, t->q);
}

static const char *decl_type(int kind)
{
  switch(kind) {
  case ICP_DK_NUM: return "number";
  case ICP_DK_DATE: return "date";
  case ICP_DK_BOOL: return "bool";
  case ICP_DK_LIST: return "list";
  default: return "string";
  }
}

/* The pack's text; tiers are placeholders until the scores are known. */
static enum icp_status pack_text(struct icp_disc *d, struct draft *dr,
                                 const char *const *inputs,
                                 struct icp_buf *b, char (*names)[64],
                                 int *nnames)
{
  struct icp_disc_model *m = &d->model;
  char day[11], desc[200], name[64];
  size_t i;
  int k, first = 1, nrules = 0;
  uint8_t *used = calloc((size_t)d->ncols + 1, 1);
  if(!used)
    return ICP_ENOMEM;
  icp_format_date(d->o.as_of, day);
  icp_buf_printf(b, "-- Drafted by `icp discover` from %s%s on %s.\n",
                 inputs[0], d->o.deals ? " and its deals" : "", day);
  if(d->o.outcome == ICP_DISC_LTV)
    icp_buf_printf(b, "-- Best: the top 20%% by %s (>= %g); worst: the "
                   "bottom 20%% (<= %g).\n", d->o.value, d->cut_hi,
                   d->cut_lo);
  else
    icp_buf_printf(b, "-- Best: %s by %s; worst: %s.\n",
                   d->o.outcome == ICP_DISC_CHURN ? "retained" : "won",
                   d->o.label, d->o.outcome == ICP_DISC_CHURN ? "churned" :
                   "lost");
  icp_buf_printf(b, "-- %ld best and %ld worst training rows; %ld of %zu "
                 "tests significant at q <= %g (BH).\n", d->n_best,
                 d->n_worst, d->n_significant, d->ntests + d->nmwu, d->o.q);
  icp_buf_printf(b, "-- Points: L2 logistic regression on %zu values "
                 "(lambda %g by %d-fold CV on %ld rows),\n-- each attribute "
                 "shifted so its lowest level is 0, scaled to integers "
                 "(largest %g).\n-- Tiers: the training score's 80th, 50th "
                 "and 20th percentiles. Review before use.\n\n", m->nfeat,
                 m->lambda, m->folds, m->rows_fitted, POINTS_TOP);
  icp_buf_printf(b, "profile {\n  name = \"discovered-%s\", version = "
                 "\"%.4s.%.2s.%.2s\",\n  dimensions = { fit = 100 },\n"
                 "  tiers = TIERS,\n}\n\nroute { default = true, to = \"review\" }\n\n",
                 d->o.outcome == ICP_DISC_LTV ? "ltv" :
                 d->o.outcome == ICP_DISC_CHURN ? "retention" : "win",
                 day, day + 5, day + 8);
  for(i = 0; i < d->ntests; i++)
    if(d->tests[i].exclude || (d->tests[i].feature >= 0 &&
                               m->points[d->tests[i].feature] > 0))
      used[d->tests[i].col] = 1;
  for(k = 0; k < dr->ng; k++)
    if(dr->g[k].ref_points > 0)
      used[dr->g[k].col] = 1;
  for(k = 0; k < d->ncols; k++)
    if(used[k] && !d->cols[k].canonical) {
      icp_buf_adds(b, first ? "fields { " : ", ");
      lua_key(b, d->cols[k].name);
      icp_buf_printf(b, " = \"%s\"", decl_type(d->cols[k].kind));
      first = 0;
    }
  if(!first)
    icp_buf_adds(b, " }\n\n");
  /* point rules, strongest evidence first */
  for(i = 0; i < m->nfeat; i++) {
    const struct icp_disc_test *t = &d->tests[m->feat_test[i]];
    icp_disc_describe(d, t, desc, sizeof(desc));
    evidence(d, t, b);
    if(m->points[i] <= 0) {
      if(t->lift < 1)
        icp_buf_printf(b, "--   (0 points: less common among the best; "
                       "no rule)\n\n");
      else
        icp_buf_printf(b, "--   (0 points: the lowest level of %s; no "
                       "rule)\n\n", d->cols[t->col].name);
      continue;
    }
    rule_name(name, sizeof(name), "", desc, names, *nnames);
    snprintf(names[(*nnames)++], 64, "%s", name);
    icp_buf_printf(b, "rule \"%s\" { dimension = \"fit\", points = %.0f,\n"
                   "  when = ", name, m->points[i]);
    predicate(d, t, b);
    icp_buf_adds(b, " }\n\n");
    nrules++;
  }
  /* "none of the drafted levels" where that is not the lowest */
  for(k = 0; k < dr->ng; k++) {
    struct group *g = &dr->g[k];
    const struct icp_disc_col *c = &d->cols[g->col];
    int j, miss_level = 0;
    if(g->ref_points <= 0)
      continue;
    icp_buf_printf(b, "-- %s: none of the values above (the model ranks "
                   "them lower)\n", c->name);
    snprintf(desc, sizeof(desc), "%s other", c->name);
    if(g->element != ICP_DISC_NONE) {
      size_t len;
      const char *s = icp_disc_level_text(c, g->element, &len);
      snprintf(desc, sizeof(desc), "%s without %.*s", c->name, (int)len, s);
    }
    rule_name(name, sizeof(name), "", desc, names, *nnames);
    snprintf(names[(*nnames)++], 64, "%s", name);
    icp_buf_printf(b, "rule \"%s\" { dimension = \"fit\", points = %.0f,\n"
                   "  when = ", name, g->ref_points);
    for(j = 0; j < g->nfeat; j++)
      miss_level |= d->tests[m->feat_test[g->feat[j]]].what ==
                    ICP_DW_MISSING;
    if(miss_level && g->nfeat == 1) {
      /* the only drafted level is "missing": the rest is "present" */
      icp_buf_adds(b, "field ");
      lua_str(b, c->name, strlen(c->name));
      icp_buf_adds(b, " :exists() }\n\n");
      nrules++;
      continue;
    }
    icp_buf_adds(b, "any { ");
    if(!miss_level) {
      icp_buf_adds(b, "field ");
      lua_str(b, c->name, strlen(c->name));
      icp_buf_adds(b, " :missing(), ");
    }
    icp_buf_adds(b, "none { ");
    for(j = 0; j < g->nfeat; j++) {
      const struct icp_disc_test *t = &d->tests[m->feat_test[g->feat[j]]];
      if(t->what == ICP_DW_MISSING)
        continue;
      predicate(d, t, b);
      icp_buf_adds(b, ", ");
    }
    icp_buf_adds(b, "} } }\n\n");
    nrules++;
  }
  /* the negative profile */
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *t = &d->tests[i];
    if(!t->exclude)
      continue;
    icp_disc_describe(d, t, desc, sizeof(desc));
    evidence(d, t, b);
    rule_name(name, sizeof(name), "never_best_", desc, names, *nnames);
    snprintf(names[(*nnames)++], 64, "%s", name);
    icp_buf_printf(b, "exclude \"%s\" { when = ", name);
    predicate(d, t, b);
    icp_buf_adds(b, ",\n  reason = ");
    {
      char why[300];
      snprintf(why, sizeof(why), "%s: %ld of %ld such rows among the best "
               "(lift %.2f, q %.2g)", desc, t->n_best, t->n_best +
               t->n_worst, t->lift, t->q);
      lua_str(b, why, strlen(why));
    }
    icp_buf_adds(b, " }\n\n");
  }
  free(used);
  if(icp_buf_status(b))
    return icp_buf_status(b);
  return nrules ? ICP_OK : ICP_EINVAL;
}

/* ==================================================================== */
/* Scoring the inputs with the draft                                     */
/* ==================================================================== */

struct scoring {
  struct icp_disc *d;
  double *score;          /* per account; -1 when excluded */
  int *tier;              /* per account: result tier */
  size_t k;               /* accounts seen */
  int mismatch;
  /* cases */
  struct icp_buf *cases;
  int per_tier[64];
  int ncases;
  int key_id;
  int *case_ids;          /* fields a case shows */
  int ncase_ids;
  const char *input0;
};

static void case_value(struct icp_buf *b, const struct icp_value *v)
{
  char t[11];
  uint32_t i;
  switch(v->type) {
  case ICP_T_STRING:
    lua_str(b, v->u.str, v->n);
    break;
  case ICP_T_NUMBER:
    lua_num(b, v->u.num);
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
      lua_str(b, v->u.list[i].p, v->u.list[i].n);
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
  lua_str(b, label, strlen(label));
  icp_buf_adds(b, " {\n  account = { ");
  for(i = 0; i < s->ncase_ids; i++) {
    const struct icp_value *v = icp_account_get(a, s->case_ids[i]);
    if(v->type == ICP_T_MISSING)
      continue;
    if(!first)
      icp_buf_adds(b, ", ");
    lua_key(b, icp_schema_name(a->schema, s->case_ids[i]));
    icp_buf_adds(b, " = ");
    case_value(b, v);
    first = 0;
  }
  icp_buf_printf(b, " },\n  as_of = \"%s\",\n  expect = { tier = ", day);
  lua_str(b, r->tier_name, strlen(r->tier_name));
  if(r->tier == ICP_TIER_EXCLUDED) {
    int k;
    icp_buf_adds(b, ", excluded_by = { ");
    for(k = 0; k < r->pack->nexcl; k++)
      if(r->xoutcome[k] == ICP_TRUE) {
        lua_str(b, r->pack->excl[k].name, strlen(r->pack->excl[k].name));
        icp_buf_adds(b, ", ");
      }
    icp_buf_adds(b, "}");
  }
  else {
    icp_buf_adds(b, ", score = { min = ");
    lua_num(b, floor(r->score * 100 - 1) / 100);
    icp_buf_adds(b, ", max = ");
    lua_num(b, ceil(r->score * 100 + 1) / 100);
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

static enum icp_status score_inputs(struct icp_disc *d, const char *path,
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

/* ==================================================================== */
/* AUCs and tiers                                                        */
/* ==================================================================== */

static double model_eta(const struct icp_disc *d, uint32_t a)
{
  const struct icp_disc_model *m = &d->model;
  double eta = m->intercept;
  size_t j;
  for(j = 0; j < m->nfeat; j++)
    if(matches(d, &d->tests[m->feat_test[j]], a))
      eta += m->coef[j];
  return eta;
}

/* AUC over rows of one split (train 1 / holdout 0); NaN without both
 * groups. pack_score NULL: the model. */
static double auc_of(struct icp_disc *d, int train, const double *score,
                     long *nb, long *nw)
{
  size_t i, n = 0;
  double *x = malloc((d->nrows ? d->nrows : 1) * sizeof(double)), auc;
  unsigned char *y = malloc(d->nrows ? d->nrows : 1);
  long b = 0, w = 0;
  if(!x || !y) {
    free(x);
    free(y);
    return NAN;
  }
  for(i = 0; i < d->nrows; i++) {
    uint32_t a = d->row_acct[i];
    if(d->row_train[i] != train || d->row_y[i] < 0)
      continue;
    x[n] = score ? score[a] : model_eta(d, a);
    y[n++] = (unsigned char)d->row_y[i];
    b += d->row_y[i] == 1;
    w += d->row_y[i] == 0;
  }
  if(nb)
    *nb = b;
  if(nw)
    *nw = w;
  if(!b || !w || icp_stats_auc(x, y, n, &auc))
    auc = NAN;
  free(x);
  free(y);
  return auc;
}

static void tiers_from(struct icp_disc *d, const double *score)
{
  struct icp_disc_model *m = &d->model;
  static const double pct[3] = { 0.8, 0.5, 0.2 };
  size_t i, n = 0;
  double *x = malloc((d->nrows ? d->nrows : 1) * sizeof(double));
  int k;
  m->ntiers = 0;
  if(!x)
    return;
  for(i = 0; i < d->nrows; i++)
    if(d->row_train[i] && score[d->row_acct[i]] >= 0)
      x[n++] = score[d->row_acct[i]];
  for(k = 0; k < 3; k++) {
    double t = 0;
    if(n)
      icp_stats_quantile(x, n, pct[k], &t);
    t = floor(t * 100) / 100;
    m->tiers[k] = t;
  }
  m->tiers[3] = 0;
  m->ntiers = 4;
  free(x);
}

static void tiers_text(const struct icp_disc *d, struct icp_buf *b)
{
  static const char *const names[4] = { "A", "B", "C", "D" };
  double last = INFINITY;
  int k;
  icp_buf_adds(b, "{ ");
  for(k = 0; k < d->model.ntiers; k++) {
    double t = d->model.tiers[k];
    if(!(t < last))
      continue;     /* tied percentiles: the tier would be empty */
    icp_buf_printf(b, "{\"%s\", ", names[k]);
    lua_num(b, t);
    icp_buf_adds(b, "}, ");
    last = t;
  }
  icp_buf_adds(b, "}");
}

/* ==================================================================== */
/* Entry point                                                           */
/* ==================================================================== */

static enum icp_status write_file(const char *path, const char *p, size_t n,
                                  struct icp_err *err)
{
  FILE *fp = fopen(path, "w");
  if(!fp)
    return icp_err_set(err, ICP_EIO, "%s: cannot write", path);
  if(fwrite(p, 1, n, fp) != n || fclose(fp))
    return icp_err_set(err, ICP_EIO, "%s: write failed", path);
  return ICP_OK;
}

static char *test_path(const char *pack)
{
  size_t n = strlen(pack);
  char *t = malloc(n + 16);
  if(!t)
    return NULL;
  if(n > 4 && !strcmp(pack + n - 4, ".lua"))
    snprintf(t, n + 16, "%.*s_test.lua", (int)(n - 4), pack);
  else
    snprintf(t, n + 16, "%s_test.lua", pack);
  return t;
}

enum icp_status icp_disc_draft(struct icp_disc *d, const char *const *inputs,
                               int ninputs, const char *pack_path,
                               struct icp_err *err)
{
  struct icp_disc_model *m = &d->model;
  struct draft dr = { NULL, 0 };
  struct icp_buf text, cases, final;
  struct scoring s;
  char (*names)[64] = NULL;
  char *tpath = NULL, *ph;
  int nnames = 0;
  enum icp_status rc;

  memset(&s, 0, sizeof(s));
  icp_buf_init(&text, (size_t)4 << 20);
  icp_buf_init(&cases, (size_t)4 << 20);
  icp_buf_init(&final, (size_t)4 << 20);
  m->auc_train_model = m->auc_train_pack = NAN;
  m->auc_holdout_model = m->auc_holdout_pack = NAN;
  if(select_features(d)) {
    rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  rc = ICP_OK;
  if(!m->nfeat)
    goto out;   /* only excludes or pooled values: no model */
  rc = fit(d, err);
  if(rc)
    goto out;
  m->auc_train_model = auc_of(d, 1, NULL, NULL, NULL);
  if(d->o.holdout > 0)
    m->auc_holdout_model = auc_of(d, 0, NULL, &m->holdout_best,
                                  &m->holdout_worst);
  {
    int g = build_groups(d, &dr);
    if(g < 0) {
      rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
      goto out;
    }
    if(g > 0) {
      m->fitted = 0;   /* every coefficient is 0: nothing to build on */
      rc = ICP_OK;
      goto out;
    }
  }
  if(!pack_path) {
    rc = ICP_OK;
    goto out;
  }
  names = calloc(d->ntests + (size_t)dr.ng + 1, sizeof(*names));
  s.d = d;
  s.score = malloc((d->nacct ? d->nacct : 1) * sizeof(double));
  s.tier = malloc((d->nacct ? d->nacct : 1) * sizeof(int));
  if(!names || !s.score || !s.tier) {
    rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  rc = pack_text(d, &dr, inputs, &text, names, &nnames);
  if(rc == ICP_EINVAL) {
    m->fitted = 0;
    rc = ICP_OK;
    goto out;
  }
  if(rc) {
    rc = icp_err_set(err, rc, "out of memory writing the draft");
    goto out;
  }
  /* pass 1: placeholder tiers, for the scores */
  ph = strstr(text.p, "TIERS");
  icp_buf_add(&final, text.p, (size_t)(ph - text.p));
  icp_buf_adds(&final, "{ {\"A\", 0} }");
  icp_buf_adds(&final, ph + 5);
  if(icp_buf_status(&final)) {
    rc = icp_err_set(err, icp_buf_status(&final), "out of memory writing "
                     "the draft");
    goto out;
  }
  rc = score_inputs(d, pack_path, final.p, final.len, inputs, ninputs, &s,
                    err);
  if(rc)
    goto out;
  tiers_from(d, s.score);
  /* the pack with its tiers, written and scored again as a user would */
  icp_buf_reset(&final);
  icp_buf_add(&final, text.p, (size_t)(ph - text.p));
  tiers_text(d, &final);
  icp_buf_adds(&final, ph + 5);
  if(icp_buf_status(&final)) {
    rc = icp_err_set(err, icp_buf_status(&final), "out of memory writing "
                     "the draft");
    goto out;
  }
  rc = write_file(pack_path, final.p, final.len, err);
  if(rc)
    goto out;
  tpath = test_path(pack_path);
  if(!tpath) {
    rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  {
    const char *base = strrchr(pack_path, '/');
    char day[11];
    icp_format_date(d->o.as_of, day);
    icp_buf_printf(&cases, "-- %s: cases for %s, drafted by `icp discover`"
                   ".\n-- Real rows of the input with the tier the pack "
                   "gives them (scored\n-- through the engine at as_of %s)."
                   " Run with: icp test %s\n\n", tpath + (strrchr(tpath,
                   '/') ? strrchr(tpath, '/') - tpath + 1 : 0),
                   base ? base + 1 : pack_path, day, tpath);
  }
  s.cases = &cases;
  rc = score_inputs(d, pack_path, NULL, 0, inputs, ninputs, &s, err);
  if(rc)
    goto out;
  if(icp_buf_status(&cases)) {
    rc = icp_err_set(err, icp_buf_status(&cases), "%s: out of memory "
                     "writing the cases", tpath);
    goto out;
  }
  rc = write_file(tpath, cases.p, cases.len, err);
  if(rc)
    goto out;
  m->auc_train_pack = auc_of(d, 1, s.score, NULL, NULL);
  if(d->o.holdout > 0)
    m->auc_holdout_pack = auc_of(d, 0, s.score, NULL, NULL);
out:
  draft_free(&dr);
  free(names);
  free(tpath);
  free(s.score);
  free(s.tier);
  free(s.case_ids);
  icp_buf_free(&text);
  icp_buf_free(&cases);
  icp_buf_free(&final);
  return rc;
}
