/* sec_discover.c -- discovery: the lift of the attributes that separate the
 * best accounts from the worst, with intervals, and the numeric columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"

#define MAXA 20

struct attr {
  const cJSON *a;
  double key;
};

static int by_strength(const void *x, const void *y)
{
  const struct attr *a = x, *b = y;
  return (a->key < b->key) - (a->key > b->key);
}

static void attr_label(char *out, size_t cap, const cJSON *a)
{
  const char *f = icpi_jstr(a, "field"), *v = icpi_jstr(a, "value");
  if(v)
    snprintf(out, cap, "%s = %s", f ? f : "?", v);
  else if(isfinite(icpi_jnum(a, "lo")))
    snprintf(out, cap, "%s %g..%g", f ? f : "?", icpi_jnum(a, "lo"),
             icpi_jnum(a, "hi"));
  else
    snprintf(out, cap, "%s missing", f ? f : "?");
}

/* What the discovery is about: the outcome, the column it came from, the
 * best and worst groups and the input. */
static void about(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *doc = r->discover;
  const char *outcome = icpi_jstr(doc, "outcome");
  const char *col = icpi_jstr(doc, "column");
  icp_buf_adds(b, "<p class=\"meta\" id=\"discover-about\">Outcome: ");
  if(outcome && !strcmp(outcome, "ltv")) {
    icp_buf_adds(b, "lifetime value");
    if(col) {
      icp_buf_adds(b, " (column <code>");
      icpi_html_text(b, col);
      icp_buf_adds(b, "</code>)");
    }
    icp_buf_adds(b, "; best: the top 20% (value &ge; ");
    icpi_html_num(b, icpi_jnum(doc, "best_min"), 2);
    icp_buf_adds(b, "), worst: the bottom 20% (&le; ");
    icpi_html_num(b, icpi_jnum(doc, "worst_max"), 2);
    icp_buf_adds(b, ")");
  }
  else {
    int churn = outcome && !strcmp(outcome, "churn");
    icp_buf_adds(b, churn ? "churn" : "won deals");
    if(col) {
      icp_buf_adds(b, " (column <code>");
      icpi_html_text(b, col);
      icp_buf_adds(b, "</code>)");
    }
    icp_buf_adds(b, churn ? "; best: retained, worst: churned" :
                 "; best: won, worst: lost");
  }
  icp_buf_printf(b, ". %.0f rows (%.0f accounts): %.0f best, %.0f worst. "
                 "Data: <code>", icpi_jnum(doc, "n"),
                 icpi_jnum(doc, "accounts"), icpi_jnum(doc, "best"),
                 icpi_jnum(doc, "worst"));
  icpi_html_text(b, r->discover_name);
  icp_buf_adds(b, "</code>.</p>\n");
}

/* significant ones first, then the strongest */
static int by_mark_and_strength(const void *x, const void *y)
{
  const struct attr *a = x, *b = y;
  int sa = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->a,
                                                         "significant"));
  int sb = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b->a,
                                                         "significant"));
  if(sa != sb)
    return sb - sa;
  return by_strength(x, y);
}

void icpi_sec_discover(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *doc = r->discover;
  const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(doc, "attributes");
  const cJSON *num = cJSON_GetObjectItemCaseSensitive(doc, "numeric");
  const cJSON *model = cJSON_GetObjectItemCaseSensitive(doc, "model");
  struct attr *list = NULL;
  const char *labels[MAXA];
  char text[MAXA][120];
  double v[MAXA], lo[MAXA], hi[MAXA];
  int mark[MAXA];
  struct series s;
  const cJSON *a;
  int n = 0, i, sig = 0;
  icpi_html_section(b, "discover",
                    "Discovery: what separates the best accounts", NULL);
  about(b, r);
  if(cJSON_IsArray(attrs) && cJSON_GetArraySize(attrs)) {
    int total = cJSON_GetArraySize(attrs);
    list = malloc((size_t)total * sizeof(*list));
    cJSON_ArrayForEach(a, attrs)
      sig += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a,
                                                           "significant"));
    if(list) {
      cJSON_ArrayForEach(a, attrs) {
        double l = icpi_jnum(a, "lift");
        list[n].a = a;
        list[n].key = l > 0 && isfinite(l) ? fabs(log(l)) : 50;
        n++;
      }
      qsort(list, (size_t)n, sizeof(*list), by_mark_and_strength);
      if(n > MAXA)
        n = MAXA;
      for(i = 0; i < n; i++) {
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(list[i].a,
                                                           "lift_ci");
        size_t len;
        mark[i] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                    list[i].a, "significant"));
        attr_label(text[i], sizeof(text[i]) - 2, list[i].a);
        len = strlen(text[i]);
        if(mark[i])
          memcpy(text[i] + len, " *", 3);
        labels[i] = text[i];
        v[i] = icpi_jnum(list[i].a, "lift");
        lo[i] = cJSON_IsArray(ci) && cJSON_IsNumber(cJSON_GetArrayItem(ci, 0))
                ? cJSON_GetArrayItem(ci, 0)->valuedouble : NAN;
        hi[i] = cJSON_IsArray(ci) && cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))
                ? cJSON_GetArrayItem(ci, 1)->valuedouble : NAN;
      }
      s.name = "lift";
      s.v = v;
      s.lo = lo;
      s.hi = hi;
      icp_buf_printf(b, "<p class=\"note\" id=\"discover-legend\">"
                     "<b>*</b> = significant: q &le; ");
      icpi_html_num(b, icpi_jnum(doc, "q_level"), 2);
      icp_buf_printf(b, " after the Benjamini-Hochberg correction over all "
                     "%d tests (the JSON's <code>significant</code>); "
                     "%d are. An attribute without * may differ by chance. "
                     "Lift above 1: more common among the best.</p>\n",
                     total, sig);
      icpi_html_figure(b, sig ? "Attributes by lift, significant first" :
                       "Attributes by lift (none significant)");
      icpi_svg_hbars(b, "Lift among the best accounts (95% interval; 1 = "
                     "no difference)", "lift", "attribute", labels, n, &s,
                     1.0, 0);
      icp_buf_adds(b, "<table><tr><th class=\"l\">attribute</th>"
                   "<th>best</th><th>worst</th><th>lift</th>"
                   "<th>95% interval</th><th>q</th>"
                   "<th>significant</th></tr>\n");
      for(i = 0; i < n; i++) {
        icp_buf_adds(b, "<tr><td class=\"l\">");
        icpi_html_text(b, labels[i]);
        icp_buf_adds(b, "</td><td>");
        icpi_html_num(b, icpi_jnum(list[i].a, "n_best"), 0);
        icp_buf_adds(b, "</td><td>");
        icpi_html_num(b, icpi_jnum(list[i].a, "n_worst"), 0);
        icp_buf_adds(b, "</td><td>");
        icpi_html_interval(b, v[i], lo[i], hi[i], 2, 0);
        icp_buf_adds(b, "</td><td>");
        if(isfinite(icpi_jnum(list[i].a, "q")))
          icp_buf_printf(b, "%.3g", icpi_jnum(list[i].a, "q"));
        icp_buf_printf(b, "</td><td class=\"sig\">%s</td></tr>\n",
                       mark[i] ? "* yes" : "no");
      }
      icp_buf_adds(b, "</table>\n");
      icpi_html_figure_end(b);
      free(list);
    }
    else
      icp_buf_fail(b, ICP_ENOMEM); /* no page without its attributes */
  }
  if(cJSON_IsArray(num) && cJSON_GetArraySize(num)) {
    icp_buf_adds(b, "<h3>Numeric columns (Mann-Whitney)</h3><table><tr>"
                 "<th class=\"l\">field</th><th>median best</th>"
                 "<th>median worst</th><th>p</th><th>q</th></tr>\n");
    cJSON_ArrayForEach(a, num) {
      icp_buf_adds(b, "<tr><td class=\"l\">");
      icpi_html_text(b, icpi_jstr(a, "field"));
      icp_buf_adds(b, "</td><td>");
      icpi_html_num(b, icpi_jnum(a, "median_best"), 2);
      icp_buf_adds(b, "</td><td>");
      icpi_html_num(b, icpi_jnum(a, "median_worst"), 2);
      icp_buf_printf(b, "</td><td>%.3g</td><td>%.3g</td></tr>\n",
                     isfinite(icpi_jnum(a, "p")) ? icpi_jnum(a, "p") : 1.0,
                     isfinite(icpi_jnum(a, "q")) ? icpi_jnum(a, "q") : 1.0);
    }
    icp_buf_adds(b, "</table>\n");
  }
  if(cJSON_IsObject(model)) {
    icp_buf_adds(b, "<p class=\"meta\">Model: ");
    icpi_html_num(b, icpi_jnum(model, "features"), 0);
    icp_buf_adds(b, " features, holdout AUC ");
    icpi_html_num(b, icpi_jnum(model, "auc_holdout_model"), 3);
    icp_buf_adds(b, " (model) vs ");
    icpi_html_num(b, icpi_jnum(model, "auc_holdout_pack"), 3);
    icp_buf_adds(b, " (draft pack).</p>\n");
  }
  icpi_html_section_end(b);
}
