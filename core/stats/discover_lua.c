/*
 * discover_lua.c -- the text of a draft pack: a profile, an exclude or a
 * point rule per selected value with its evidence in a comment, the
 * declared types of the columns it reads, and the tiers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/value.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

void icp_disc_lua_str(struct icp_buf *b, const char *s, size_t n)
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

void icp_disc_lua_key(struct icp_buf *b, const char *s)
{
  if(is_ident(s))
    icp_buf_adds(b, s);
  else {
    icp_buf_addc(b, '[');
    icp_disc_lua_str(b, s, strlen(s));
    icp_buf_addc(b, ']');
  }
}

void icp_disc_lua_num(struct icp_buf *b, double v)
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
  icp_disc_lua_str(b, c->name, strlen(c->name));
  icp_buf_adds(b, " :gte(");
  icp_disc_lua_num(b, lo);
  icp_buf_adds(b, "), field ");
  icp_disc_lua_str(b, c->name, strlen(c->name));
  icp_buf_adds(b, " :lt(");
  icp_disc_lua_num(b, hi);
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
  icp_disc_lua_str(b, c->name, strlen(c->name));
  switch(t->what) {
  case ICP_DW_VALUE:
    if(c->kind == ICP_DK_BOOL) {
      icp_buf_adds(b, c->lvbool[t->level] ? " :is_true()" : " :is_false()");
      break;
    }
    s = icp_disc_level_text(c, t->level, &len);
    icp_buf_adds(b, " :one_of { ");
    icp_disc_lua_str(b, s, len);
    icp_buf_adds(b, " }");
    break;
  case ICP_DW_ELEMENT:
    s = icp_disc_level_text(c, t->level, &len);
    icp_buf_adds(b, " :has ");
    icp_disc_lua_str(b, s, len);
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
      icp_disc_lua_num(b, t->lo);
      icp_buf_adds(b, ", ");
      icp_disc_lua_num(b, t->hi);
      icp_buf_adds(b, ")");
    }
    else if(!isfinite(prev)) {
      icp_buf_adds(b, " :lt(");
      icp_disc_lua_num(b, next);
      icp_buf_adds(b, ")");
    }
    else if(!isfinite(next)) {
      icp_buf_adds(b, " :gte(");
      icp_disc_lua_num(b, t->lo);
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
enum icp_status icp_disc_pack_text(struct icp_disc *d, struct draft *dr,
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
      icp_disc_lua_key(b, d->cols[k].name);
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
      icp_disc_lua_str(b, c->name, strlen(c->name));
      icp_buf_adds(b, " :exists() }\n\n");
      nrules++;
      continue;
    }
    icp_buf_adds(b, "any { ");
    if(!miss_level) {
      icp_buf_adds(b, "field ");
      icp_disc_lua_str(b, c->name, strlen(c->name));
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
      icp_disc_lua_str(b, why, strlen(why));
    }
    icp_buf_adds(b, " }\n\n");
  }
  free(used);
  if(icp_buf_status(b))
    return icp_buf_status(b);
  return nrules ? ICP_OK : ICP_EINVAL;
}

void icp_disc_tiers_text(const struct icp_disc *d, struct icp_buf *b)
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
    icp_disc_lua_num(b, t);
    icp_buf_adds(b, "}, ");
    last = t;
  }
  icp_buf_adds(b, "}");
}
