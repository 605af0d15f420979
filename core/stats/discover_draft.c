/*
 * discover_draft.c -- from evidence to a rule pack: the model
 * (discover_model.c), the pack's text (discover_lua.c), tiers at the
 * training score's percentiles, and a companion *_test.lua whose expected
 * tiers come from scoring real rows with the pack itself
 * (discover_cases.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/value.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

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

  (void)ninputs; /* the draft scores the accounts read, not the files */
  if(pack_path && d->o.no_draft)
    return icp_err_set(err, ICP_EINVAL, "the discovery was read with "
                       "no_draft: no pack can be drafted from it");
  memset(&s, 0, sizeof(s));
  icp_buf_init(&text, (size_t)4 << 20);
  icp_buf_init(&cases, (size_t)4 << 20);
  icp_buf_init(&final, (size_t)4 << 20);
  m->auc_train_model = m->auc_train_pack = NAN;
  m->auc_holdout_model = m->auc_holdout_pack = NAN;
  if(icp_disc_select_features(d)) {
    rc = icp_err_set(err, ICP_ENOMEM, "out of memory");
    goto out;
  }
  rc = ICP_OK;
  if(!m->nfeat)
    goto out;   /* only excludes or pooled values: no model */
  rc = icp_disc_fit(d, err);
  if(rc)
    goto out;
  m->auc_train_model = icp_disc_auc(d, 1, NULL, NULL, NULL);
  if(d->o.holdout > 0)
    m->auc_holdout_model = icp_disc_auc(d, 0, NULL, &m->holdout_best,
                                  &m->holdout_worst);
  {
    int g = icp_disc_build_groups(d, &dr);
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
  rc = icp_disc_pack_text(d, &dr, inputs, &text, names, &nnames);
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
  rc = icp_disc_score_draft(d, pack_path, final.p, final.len, inputs, &s,
                            err);
  if(rc)
    goto out;
  icp_disc_tiers_from(d, s.score);
  /* the pack with its tiers, written and scored again as a user would */
  icp_buf_reset(&final);
  icp_buf_add(&final, text.p, (size_t)(ph - text.p));
  icp_disc_tiers_text(d, &final);
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
  rc = icp_disc_score_draft(d, pack_path, NULL, 0, inputs, &s, err);
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
  m->auc_train_pack = icp_disc_auc(d, 1, s.score, NULL, NULL);
  if(d->o.holdout > 0)
    m->auc_holdout_pack = icp_disc_auc(d, 0, s.score, NULL, NULL);
out:
  icp_disc_draft_free(&dr);
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
