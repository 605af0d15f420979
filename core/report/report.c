/* report.c -- the report object: recognising inputs, adding up scored
 * accounts, and the order of the sections (review flags first). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "rules/rules.h"
#include "report/report_impl.h"

struct icp_report *icp_report_new(void)
{
  return calloc(1, sizeof(struct icp_report));
}

void icp_report_free(struct icp_report *r)
{
  if(!r)
    return;
  cJSON_Delete(r->validate);
  cJSON_Delete(r->diff);
  cJSON_Delete(r->discover);
  free(r->validate_name);
  free(r->diff_name);
  free(r->discover_name);
  icpi_scored_free(r);
  free(r);
}

int icp_report_empty(const struct icp_report *r)
{
  return !r->validate && !r->diff && !r->discover && !r->scored;
}

static void count_add(struct count *c, int *n, int cap, const char *name)
{
  int i;
  for(i = 0; i < *n; i++)
    if(!strcmp(c[i].name, name)) {
      c[i].n++;
      return;
    }
  if(*n == cap)
    return;
  snprintf(c[*n].name, sizeof(c[*n].name), "%s", name);
  c[*n].n = 1;
  (*n)++;
}

/* One scored account (a JSONL line of `icp score`). */
static int add_scored(struct icp_report *r, const cJSON *o)
{
  const char *tier = icpi_jstr(o, "tier"), *arm = icpi_jstr(o, "arm");
  double score = icpi_jnum(o, "score");
  const cJSON *fired = cJSON_GetObjectItemCaseSensitive(o, "fired");
  const cJSON *pack = cJSON_GetObjectItemCaseSensitive(o, "pack");
  const cJSON *f;
  int bin;
  if(!tier || !isfinite(score))
    return 0;
  r->scored++;
  count_add(r->tiers, &r->ntiers, REPORT_TIERS_MAX, tier);
  bin = (int)floor(score / 5);
  r->hist[bin < 0 ? 0 : bin >= REPORT_HIST_BINS ? REPORT_HIST_BINS - 1 :
          bin]++;
  if(cJSON_IsObject(fired))
    cJSON_ArrayForEach(f, fired)
      count_add(r->reasons, &r->nreasons, REPORT_REASONS_MAX, f->string);
  if(arm && (!strcmp(arm, "A") || !strcmp(arm, "B")))
    r->arms[arm[0] == 'B']++;
  icpi_scored_add(r, o);
  if(!*r->pack && icpi_jstr(pack, "name"))
    snprintf(r->pack, sizeof(r->pack), "%s %s", icpi_jstr(pack, "name"),
             icpi_jstr(pack, "version") ? icpi_jstr(pack, "version") : "");
  return 1;
}

/* Keeps doc as the document of its kind; 0 when it is none. */
static int add_doc(struct icp_report *r, const char *name, cJSON *doc)
{
  cJSON **slot = NULL;
  char **nslot = NULL;
  if(cJSON_HasObjectItem(doc, "flags") && cJSON_HasObjectItem(doc,
                                                              "periods")) {
    slot = &r->validate;
    nslot = &r->validate_name;
  }
  else if(cJSON_HasObjectItem(doc, "matrix")) {
    slot = &r->diff;
    nslot = &r->diff_name;
  }
  else if(cJSON_HasObjectItem(doc, "attributes")) {
    slot = &r->discover;
    nslot = &r->discover_name;
  }
  if(!slot)
    return 0;
  cJSON_Delete(*slot);
  free(*nslot);
  *slot = doc;
  *nslot = icp_strdup(name);
  return *nslot ? 1 : -1;
}

enum icp_status icp_report_add_scored(struct icp_report *r,
                                      const char *name, const char *text,
                                      size_t len, struct icp_err *err)
{
  const char *p = text, *end = text + len;
  long line = 0;
  while(p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *q = p;
    line++;
    while(q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
      q++;
    if(q < e) {
      cJSON *o = cJSON_ParseWithLength(p, (size_t)(e - p));
      int ok = o && add_scored(r, o);
      cJSON_Delete(o);
      if(!ok)
        return icp_err_set(err, ICP_EINVAL, "%s:%ld: not a scored account "
                           "(the JSONL of icp score) nor a JSON report",
                           name, line);
    }
    p = nl ? nl + 1 : end;
  }
  if(!line)
    return icp_err_set(err, ICP_EINVAL, "%s: empty", name);
  return ICP_OK;
}

enum icp_status icp_report_add_text(struct icp_report *r, const char *name,
                                    const char *text, size_t len,
                                    struct icp_err *err)
{
  const char *end = text + len, *rest = NULL;
  cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &rest, 0);
  /* one document only when nothing but space follows it */
  while(doc && rest && rest < end && (*rest == ' ' || *rest == '\n' ||
                                      *rest == '\r' || *rest == '\t'))
    rest++;
  if(doc && rest != end) {
    cJSON_Delete(doc);
    doc = NULL;
  }
  if(doc && cJSON_IsObject(doc)) {
    int k = add_doc(r, name, doc);
    if(k < 0)
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", name);
    if(k)
      return ICP_OK;
    if(add_scored(r, doc)) {
      cJSON_Delete(doc);
      return ICP_OK;
    }
    cJSON_Delete(doc);
    return icp_err_set(err, ICP_EINVAL, "%s: not the JSON of icp validate, "
                       "diff or discover, nor a scored account", name);
  }
  cJSON_Delete(doc);
  return icp_report_add_scored(r, name, text, len, err);
}

enum icp_status icp_report_add_file(struct icp_report *r, const char *path,
                                    struct icp_err *err)
{
  return icp_report_add_file_as(r, path, NULL, err);
}

enum icp_status icp_report_add_file_as(struct icp_report *r,
                                       const char *path, const char *name,
                                       struct icp_err *err)
{
  char *text;
  size_t len;
  enum icp_status st = icp_read_file(path, (size_t)1 << 30, &text, &len,
                                     err);
  if(st)
    return st;
  st = icp_report_add_text(r, name ? name : path, text, len, err);
  free(text);
  return st ? st : icp_report_add_input(r, name ? name : path, err);
}

enum icp_status icp_report_add_input(struct icp_report *r, const char *name,
                                     struct icp_err *err)
{
  char *c;
  if(r->ninputs == REPORT_INPUTS_MAX)
    return ICP_OK;  /* the page lists the first ones */
  if(!(c = icp_strdup(name)))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  r->inputs[r->ninputs++] = c;
  return ICP_OK;
}

/* One link of the list of sections, comma-separated. */
static void nav(struct icp_buf *out, int on, const char *id,
                const char *label)
{
  if(!on)
    return;
  if(out->len && out->p[out->len - 1] == '>')
    icp_buf_addc(out, ',');
  icp_buf_printf(out, " <a href=\"#%s\">%s</a>", id, label);
}

enum icp_status icp_report_render(const struct icp_report *r,
                                  const char *title, struct icp_buf *out)
{
  icpi_html_open(out, title ? title : "ICP report");
  icpi_sec_summary(out, r);
  icp_buf_adds(out, "<p class=\"meta\">Sections:");
  nav(out, r->validate != NULL, "flags", "review flags");
  nav(out, r->validate != NULL, "validate", "validation");
  nav(out, r->scored > 0, "score", "tiers");
  nav(out, r->ntop > 0, "top", "top accounts");
  nav(out, r->ngrades > 0, "grades", "grades");
  nav(out, r->nroutes > 0, "workload", "workload");
  nav(out, r->scored > 0, "exclusions", "exclusions");
  nav(out, r->scored > 0, "coverage", "data coverage");
  nav(out, r->diff != NULL, "diff", "pack change");
  nav(out, r->discover != NULL, "discover", "discovery");
  icp_buf_adds(out, "</p>\n");
  if(r->validate)
    icpi_sec_flags(out, r);
  if(r->validate)
    icpi_sec_validate(out, r);
  if(r->scored)
    icpi_sec_score(out, r);
  if(r->scored)
    icpi_sec_accounts(out, r);
  if(r->diff)
    icpi_sec_diff(out, r);
  if(r->discover)
    icpi_sec_discover(out, r);
  icpi_html_close(out);
  /* every append above is sticky: one that failed fails the page */
  return icp_buf_status(out);
}
