/*
 * discover_report.c -- the ranked table of a discovery (terminal) and its
 * JSON document (every test).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/value.h"
#include "stats/discover.h"

#define TABLE_TOP 20   /* rows per section of the table */

/* ==================================================================== */
/* Describing a test                                                     */
/* ==================================================================== */

static void fmt_num(char *out, size_t cap, double v)
{
  if(fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-4))
    snprintf(out, cap, "%.4g", v);
  else if(v == floor(v))
    snprintf(out, cap, "%.0f", v);
  else
    snprintf(out, cap, "%.6g", v);
}

void icp_disc_describe(const struct icp_disc *d,
                       const struct icp_disc_test *t, char *out,
                       size_t cap)
{
  const struct icp_disc_col *c = &d->cols[t->col];
  char a[32], b[32];
  size_t len;
  const char *s;
  switch(t->what) {
  case ICP_DW_VALUE:
    s = icp_disc_level_text(c, t->level, &len);
    snprintf(out, cap, "%s = %.*s", c->name, (int)len, s);
    break;
  case ICP_DW_ELEMENT:
    s = icp_disc_level_text(c, t->level, &len);
    snprintf(out, cap, "%s has %.*s", c->name, (int)len, s);
    break;
  case ICP_DW_BIN:
    fmt_num(a, sizeof(a), t->lo);
    fmt_num(b, sizeof(b), t->hi);
    if(c->kind == ICP_DK_DATE)
      snprintf(out, cap, "%s age %s%s%s days", c->name, a,
               t->lo == t->hi ? "" : "..", t->lo == t->hi ? "" : b);
    else if(t->lo == t->hi)
      snprintf(out, cap, "%s = %s", c->name, a);
    else
      snprintf(out, cap, "%s %s..%s", c->name, a, b);
    break;
  case ICP_DW_MISSING:
    snprintf(out, cap, "%s missing", c->name);
    break;
  default:
    snprintf(out, cap, "%s = other (rare values)", c->name);
    break;
  }
}

/* ==================================================================== */
/* The table                                                             */
/* ==================================================================== */

struct rank {
  double log_p, strength;  /* smaller p first, then larger |ln lift| */
  size_t i;
};

static int by_strength(const void *x, const void *y)
{
  const struct rank *a = x, *b = y;
  if(a->log_p != b->log_p)
    return a->log_p < b->log_p ? -1 : 1;
  if(a->strength != b->strength)
    return a->strength > b->strength ? -1 : 1;
  return a->i < b->i ? -1 : 1;
}

/* Indexes of the tests, strongest evidence first (caller frees). */
static size_t *ranked(const struct icp_disc *d)
{
  struct rank *r = malloc((d->ntests ? d->ntests : 1) * sizeof(*r));
  size_t *idx = malloc((d->ntests ? d->ntests : 1) * sizeof(size_t)), i;
  if(!r || !idx) {
    free(r);
    free(idx);
    return NULL;
  }
  for(i = 0; i < d->ntests; i++) {
    const struct icp_disc_test *t = &d->tests[i];
    r[i].log_p = t->log_p;
    r[i].strength = fabs(log(t->lift > 0 ? t->lift : 1e-300));
    r[i].i = i;
  }
  qsort(r, d->ntests, sizeof(*r), by_strength);
  for(i = 0; i < d->ntests; i++)
    idx[i] = r[i].i;
  free(r);
  return idx;
}

static void fmt_p(char *out, size_t cap, double p, double log_p)
{
  if(p == 0 && isfinite(log_p))
    snprintf(out, cap, "1e%d", (int)floor(log_p / log(10.0)));
  else if(p < 0.001)
    snprintf(out, cap, "%.1e", p);
  else
    snprintf(out, cap, "%.3f", p);
}

static void fmt_lift(char *out, size_t cap, const struct icp_disc_test *t)
{
  char hi[16];
  if(t->lift_hi >= 1e6)
    snprintf(hi, sizeof(hi), "inf");
  else
    snprintf(hi, sizeof(hi), "%.2f", t->lift_hi);
  snprintf(out, cap, "%.2f [%.2f, %s]", t->lift, t->lift_lo, hi);
}

static void section(const struct icp_disc *d, FILE *fp, const size_t *idx,
                    size_t n, int positive, int width)
{
  size_t i, shown = 0, more = 0;
  int name_w = width - 62;
  if(name_w < 24)
    name_w = 24;
  if(name_w > 48)
    name_w = 48;
  for(i = 0; i < n; i++) {
    const struct icp_disc_test *t = &d->tests[idx[i]];
    char desc[160], lift[48], q[24];
    if(!t->significant || (positive ? t->lift <= 1 : t->lift >= 1))
      continue;
    if(shown >= TABLE_TOP) {
      more++;
      continue;
    }
    if(!shown)
      fprintf(fp, "  %-*s %14s %14s %21s %8s\n", name_w, "attribute",
              "best", "worst", "lift [95% CI]", "q");
    icp_disc_describe(d, t, desc, sizeof(desc));
    if((int)strlen(desc) > name_w)
      memcpy(desc + name_w - 3, "...", 4);   /* name_w < sizeof(desc) */
    fmt_lift(lift, sizeof(lift), t);
    fmt_p(q, sizeof(q), t->q, t->log_p);
    fprintf(fp, "  %-*s %7ld %5.1f%% %7ld %5.1f%% %21s %8s%s\n", name_w,
            desc, t->n_best, 100.0 * (double)t->n_best / (double)d->n_best,
            t->n_worst, 100.0 * (double)t->n_worst / (double)d->n_worst,
            lift, q,
            t->exclude ? "  x" : t->feature >= 0 ? "  *" : "");
    shown++;
  }
  if(!shown)
    fprintf(fp, "  (nothing significant)\n");
  if(more)
    fprintf(fp, "  ... and %zu more (all in --json)\n", more);
}

static void header(const struct icp_disc *d, FILE *fp)
{
  const char *what = d->o.outcome == ICP_DISC_LTV ? d->o.value :
                     d->o.label;
  long rows = (long)d->nrows, train = 0;
  size_t i;
  for(i = 0; i < d->nrows; i++)
    train += d->row_train[i];
  fprintf(fp, "icp discover: %ld accounts", (long)d->nacct);
  if(d->o.deals)
    fprintf(fp, ", %ld deals (%s)", d->deals_read,
            d->o.per_deal ? "a row per closed deal" :
                            "a row per account with closed deals");
  fprintf(fp, ", %ld rows", rows);
  if(d->o.holdout > 0)
    fprintf(fp, " (%ld training, %ld holdout)", train, rows - train);
  fprintf(fp, "\n");
  if(d->o.outcome == ICP_DISC_LTV) {
    char lo[32], hi[32];
    fmt_num(lo, sizeof(lo), d->cut_lo);
    fmt_num(hi, sizeof(hi), d->cut_hi);
    fprintf(fp, "best: top 20%% by %s%s (>= %s): %ld rows; worst: bottom "
            "20%% (<= %s): %ld rows\n", d->o.deals ? "won " : "", what, hi,
            d->n_best, lo, d->n_worst);
  }
  else
    fprintf(fp, "best: %s rows by %s: %ld; worst: %s: %ld\n",
            d->o.outcome == ICP_DISC_CHURN ? "retained" : "won", what,
            d->n_best, d->o.outcome == ICP_DISC_CHURN ? "churned" : "lost",
            d->n_worst);
}

void icp_disc_print(const struct icp_disc *d, FILE *fp, int width)
{
  size_t *idx = ranked(d), *midx = NULL;
  size_t i;
  const char *note;
  if(!idx)
    return;
  header(d, fp);
  fprintf(fp, "%zu tests (%zu values, bins and list elements; %zu numbers),"
          " %ld significant at q <= %g (Benjamini-Hochberg)\n\n",
          d->ntests + d->nmwu, d->ntests, d->nmwu, d->n_significant,
          d->o.q);
  fprintf(fp, "More common among the best (lift > 1), strongest first:\n");
  section(d, fp, idx, d->ntests, 1, width);
  fprintf(fp, "\nLess common among the best (lift < 1), strongest "
          "first:\n");
  section(d, fp, idx, d->ntests, 0, width);
  if(d->nmwu) {
    midx = malloc(d->nmwu * sizeof(size_t));
    if(!midx) {
      free(idx);
      return;
    }
    fprintf(fp, "\nNumbers (Mann-Whitney U, best vs worst):\n");
    fprintf(fp, "  %-28s %14s %14s %10s %10s\n", "field", "median best",
            "median worst", "p", "q");
    for(i = 0; i < d->nmwu; i++)
      midx[i] = i;
    for(i = 1; i < d->nmwu; i++) {   /* insertion sort by p: few */
      size_t j = i, v = midx[i];
      while(j && d->mwu[midx[j - 1]].p > d->mwu[v].p) {
        midx[j] = midx[j - 1];
        j--;
      }
      midx[j] = v;
    }
    for(i = 0; i < d->nmwu; i++) {
      const struct icp_disc_mwu *u = &d->mwu[midx[i]];
      const struct icp_disc_col *c = &d->cols[u->col];
      char mb[32], mw[32], p[24], q[24], name[40];
      fmt_num(mb, sizeof(mb), u->median_best);
      fmt_num(mw, sizeof(mw), u->median_worst);
      fmt_p(p, sizeof(p), u->p, NAN);
      fmt_p(q, sizeof(q), u->q, NAN);
      snprintf(name, sizeof(name), "%s%s", c->name,
               c->kind == ICP_DK_DATE ? " (age, days)" : "");
      fprintf(fp, "  %-28s %14s %14s %10s %10s%s\n", name, mb, mw, p, q,
              u->significant ? "" : "  (n.s.)");
    }
    free(midx);
  }
  if(d->model.fitted) {
    const struct icp_disc_model *m = &d->model;
    fprintf(fp, "\nModel: L2 logistic regression on %zu features "
            "(lambda %g by %d-fold CV on %ld rows)\n", m->nfeat, m->lambda,
            m->folds, m->rows_fitted);
    if(!isnan(m->auc_train_model))
      fprintf(fp, "  AUC on training rows: model %.3f%s", m->auc_train_model,
              isnan(m->auc_train_pack) ? "\n" : "");
    if(!isnan(m->auc_train_pack))
      fprintf(fp, ", draft pack %.3f\n", m->auc_train_pack);
    if(!isnan(m->auc_holdout_model)) {
      fprintf(fp, "  AUC on %ld holdout rows (%ld best, %ld worst): model "
              "%.3f", m->holdout_best + m->holdout_worst, m->holdout_best,
              m->holdout_worst, m->auc_holdout_model);
      if(!isnan(m->auc_holdout_pack))
        fprintf(fp, ", draft pack %.3f", m->auc_holdout_pack);
      fprintf(fp, "\n");
    }
  }
  for(i = 0; i < (size_t)d->ncols; i++)
    if(d->cols[i].kind == ICP_DK_SKIP && d->cols[i].why_skipped) {
      fprintf(fp, "\nnot attributes:");
      break;
    }
  for(; i < (size_t)d->ncols; i++)
    if(d->cols[i].kind == ICP_DK_SKIP && d->cols[i].why_skipped)
      fprintf(fp, " %s (%s);", d->cols[i].name, d->cols[i].why_skipped);
  fprintf(fp, "\n");
  for(note = d->notes; note && note < d->notes + d->nnotes;
      note += strlen(note) + 1)
    fprintf(fp, "note: %s\n", note);
  free(idx);
}

/* ==================================================================== */
/* JSON                                                                  */
/* ==================================================================== */

static void jnum(struct icp_buf *b, double v)
{
  if(isfinite(v))
    icp_buf_json_num(b, v);
  else
    icp_buf_adds(b, "null");
}

static void jkey(struct icp_buf *b, const char *k)
{
  icp_buf_json_str(b, k, strlen(k));
  icp_buf_addc(b, ':');
}

static void json_test(const struct icp_disc *d, struct icp_buf *b,
                      const struct icp_disc_test *t)
{
  static const char *const what[] = { "", "value", "bin", "element",
                                      "missing", "other" };
  const struct icp_disc_col *c = &d->cols[t->col];
  size_t len;
  const char *s;
  icp_buf_addc(b, '{');
  jkey(b, "field");
  icp_buf_json_str(b, c->name, strlen(c->name));
  icp_buf_addc(b, ',');
  jkey(b, "kind");
  icp_buf_json_str(b, what[t->what], strlen(what[t->what]));
  icp_buf_addc(b, ',');
  if(t->what == ICP_DW_BIN) {
    jkey(b, "lo");
    jnum(b, t->lo);
    icp_buf_addc(b, ',');
    jkey(b, "hi");
    jnum(b, t->hi);
    if(c->kind == ICP_DK_DATE)
      icp_buf_adds(b, ",\"unit\":\"days of age\"");
    icp_buf_addc(b, ',');
  }
  else {
    jkey(b, "value");
    if(t->what == ICP_DW_MISSING)
      icp_buf_adds(b, "null");
    else if(t->what == ICP_DW_OTHER)
      icp_buf_adds(b, "\"other\"");
    else {
      s = icp_disc_level_text(c, t->level, &len);
      icp_buf_json_str(b, s, len);
    }
    icp_buf_addc(b, ',');
  }
  icp_buf_printf(b, "\"n_best\":%ld,\"n_worst\":%ld,", t->n_best,
                 t->n_worst);
  jkey(b, "lift");
  jnum(b, t->lift);
  icp_buf_adds(b, ",\"lift_ci\":[");
  jnum(b, t->lift_lo);
  icp_buf_addc(b, ',');
  if(t->lift_hi >= 1e300)
    icp_buf_adds(b, "null");
  else
    jnum(b, t->lift_hi);
  icp_buf_adds(b, "],\"p\":");
  jnum(b, t->p);
  icp_buf_adds(b, ",\"q\":");
  jnum(b, t->q);
  icp_buf_printf(b, ",\"significant\":%s", t->significant ? "true" :
                 "false");
  if(t->exclude)
    icp_buf_adds(b, ",\"draft\":\"exclude\"");
  else if(t->feature >= 0) {
    icp_buf_adds(b, ",\"draft\":\"rule\",\"coef\":");
    jnum(b, d->model.coef[t->feature]);
    icp_buf_adds(b, ",\"points\":");
    jnum(b, d->model.points[t->feature]);
  }
  icp_buf_addc(b, '}');
}

enum icp_status icp_disc_write_json(const struct icp_disc *d,
                                    const char *path, struct icp_err *err)
{
  struct icp_buf b;
  const struct icp_disc_model *m = &d->model;
  FILE *fp;
  size_t i;
  int first;
  icp_buf_init(&b, (size_t)1 << 31);
  icp_buf_printf(&b, "{\"n\":%zu,\"best\":%ld,\"worst\":%ld,", d->nrows,
                 d->n_best, d->n_worst);
  icp_buf_printf(&b, "\"outcome\":\"%s\",", d->o.outcome == ICP_DISC_LTV ?
                 "ltv" : d->o.outcome == ICP_DISC_CHURN ? "churn" : "won");
  if(d->o.outcome == ICP_DISC_LTV) {
    icp_buf_adds(&b, "\"best_min\":");
    jnum(&b, d->cut_hi);
    icp_buf_adds(&b, ",\"worst_max\":");
    jnum(&b, d->cut_lo);
    icp_buf_addc(&b, ',');
  }
  {
    /* the column the outcome was read from, for the report */
    const char *col = d->o.outcome == ICP_DISC_LTV ? d->o.value :
                      d->o.label;
    if(col) {
      icp_buf_adds(&b, "\"column\":");
      icp_buf_json_str(&b, col, strlen(col));
      icp_buf_addc(&b, ',');
    }
  }
  icp_buf_printf(&b, "\"accounts\":%zu,\"q_level\":", d->nacct);
  jnum(&b, d->o.q);
  icp_buf_printf(&b, ",\"min_support\":%ld,\"bins\":%d,\"holdout\":",
                 d->o.min_support, d->o.bins);
  jnum(&b, d->o.holdout);
  if(d->o.deals)
    icp_buf_printf(&b, ",\"deals\":{\"read\":%ld,\"open\":%ld,"
                   "\"unmatched\":%ld,\"no_key\":%ld,\"bad\":%ld,"
                   "\"accounts_without_deals\":%ld}", d->deals_read,
                   d->deals_open, d->deals_unmatched, d->deals_nokey,
                   d->deals_bad, d->accounts_without_deals);
  icp_buf_adds(&b, ",\"attributes\":[");
  for(i = 0; i < d->ntests; i++) {
    if(i)
      icp_buf_addc(&b, ',');
    icp_buf_adds(&b, "\n ");
    json_test(d, &b, &d->tests[i]);
  }
  icp_buf_adds(&b, "],\n\"numeric\":[");
  for(i = 0; i < d->nmwu; i++) {
    const struct icp_disc_mwu *u = &d->mwu[i];
    const char *name = d->cols[u->col].name;
    if(i)
      icp_buf_addc(&b, ',');
    icp_buf_adds(&b, "\n {\"field\":");
    icp_buf_json_str(&b, name, strlen(name));
    if(d->cols[u->col].kind == ICP_DK_DATE)
      icp_buf_adds(&b, ",\"unit\":\"days of age\"");
    icp_buf_printf(&b, ",\"n_best\":%ld,\"n_worst\":%ld,\"median_best\":",
                   u->n_best, u->n_worst);
    jnum(&b, u->median_best);
    icp_buf_adds(&b, ",\"median_worst\":");
    jnum(&b, u->median_worst);
    icp_buf_adds(&b, ",\"u\":");
    jnum(&b, u->u);
    icp_buf_adds(&b, ",\"p\":");
    jnum(&b, u->p);
    icp_buf_adds(&b, ",\"q\":");
    jnum(&b, u->q);
    icp_buf_printf(&b, ",\"significant\":%s}", u->significant ? "true" :
                   "false");
  }
  icp_buf_adds(&b, "],\n\"skipped\":[");
  first = 1;
  for(i = 0; i < (size_t)d->ncols; i++)
    if(d->cols[i].kind == ICP_DK_SKIP && d->cols[i].why_skipped) {
      const char *w = d->cols[i].why_skipped;
      icp_buf_adds(&b, first ? "{\"field\":" : ",{\"field\":");
      icp_buf_json_str(&b, d->cols[i].name, strlen(d->cols[i].name));
      icp_buf_adds(&b, ",\"why\":");
      icp_buf_json_str(&b, w, strlen(w));
      icp_buf_addc(&b, '}');
      first = 0;
    }
  icp_buf_adds(&b, "],\n\"model\":");
  if(!m->fitted)
    icp_buf_adds(&b, "null");
  else {
    icp_buf_printf(&b, "{\"features\":%zu,\"rows_fitted\":%ld,"
                   "\"folds\":%d,\"lambda\":", m->nfeat, m->rows_fitted,
                   m->folds);
    jnum(&b, m->lambda);
    icp_buf_adds(&b, ",\"intercept\":");
    jnum(&b, m->intercept);
    icp_buf_adds(&b, ",\"auc_train_model\":");
    jnum(&b, m->auc_train_model);
    icp_buf_adds(&b, ",\"auc_train_pack\":");
    jnum(&b, m->auc_train_pack);
    icp_buf_adds(&b, ",\"auc_holdout_model\":");
    jnum(&b, m->auc_holdout_model);
    icp_buf_adds(&b, ",\"auc_holdout_pack\":");
    jnum(&b, m->auc_holdout_pack);
    icp_buf_printf(&b, ",\"holdout_best\":%ld,\"holdout_worst\":%ld,"
                   "\"tiers\":[", m->holdout_best, m->holdout_worst);
    for(i = 0; i < (size_t)m->ntiers; i++) {
      if(i)
        icp_buf_addc(&b, ',');
      jnum(&b, m->tiers[i]);
    }
    icp_buf_adds(&b, "]}");
  }
  icp_buf_adds(&b, ",\n\"notes\":[");
  {
    const char *note;
    first = 1;
    for(note = d->notes; note && note < d->notes + d->nnotes;
        note += strlen(note) + 1) {
      if(!first)
        icp_buf_addc(&b, ',');
      icp_buf_json_str(&b, note, strlen(note));
      first = 0;
    }
  }
  if(icp_buf_adds(&b, "]}\n")) {
    icp_buf_free(&b);
    return icp_err_set(err, ICP_ENOMEM, "%s: document too large", path);
  }
  fp = strcmp(path, "-") ? fopen(path, "w") : stdout;
  if(!fp) {
    icp_buf_free(&b);
    return icp_err_set(err, ICP_EIO, "%s: cannot write", path);
  }
  if(fwrite(b.p, 1, b.len, fp) != b.len ||
     (fp != stdout ? fclose(fp) : fflush(fp))) {
    icp_buf_free(&b);
    return icp_err_set(err, ICP_EIO, "%s: write failed", path);
  }
  icp_buf_free(&b);
  return ICP_OK;
}
