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
  const char *f = jstr(a, "field"), *v = jstr(a, "value");
  if(v)
    snprintf(out, cap, "%s = %s", f ? f : "?", v);
  else if(isfinite(jnum(a, "lo")))
    snprintf(out, cap, "%s %g..%g", f ? f : "?", jnum(a, "lo"),
             jnum(a, "hi"));
  else
    snprintf(out, cap, "%s missing", f ? f : "?");
}

void sec_discover(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *doc = r->discover;
  const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(doc, "attributes");
  const cJSON *num = cJSON_GetObjectItemCaseSensitive(doc, "numeric");
  const cJSON *model = cJSON_GetObjectItemCaseSensitive(doc, "model");
  struct attr *list = NULL;
  const char *labels[MAXA];
  char text[MAXA][96];
  double v[MAXA], lo[MAXA], hi[MAXA];
  struct series s;
  const cJSON *a;
  int n = 0, i, sig = 0;
  html_section(b, "discover", "Discovery: what separates the best accounts",
               NULL);
  icp_buf_printf(b, "<p class=\"meta\">%.0f accounts: %.0f best, %.0f "
                 "worst.</p>\n", jnum(doc, "n"), jnum(doc, "best"),
                 jnum(doc, "worst"));
  if(cJSON_IsArray(attrs) && cJSON_GetArraySize(attrs)) {
    int total = cJSON_GetArraySize(attrs);
    list = malloc((size_t)total * sizeof(*list));
    cJSON_ArrayForEach(a, attrs)
      sig += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a,
                                                           "significant"));
    if(list) {
      cJSON_ArrayForEach(a, attrs) {
        double l = jnum(a, "lift");
        if(sig && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                    a, "significant")))
          continue;
        list[n].a = a;
        list[n].key = l > 0 && isfinite(l) ? fabs(log(l)) : 50;
        n++;
      }
      qsort(list, (size_t)n, sizeof(*list), by_strength);
      if(n > MAXA)
        n = MAXA;
      for(i = 0; i < n; i++) {
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(list[i].a,
                                                           "lift_ci");
        attr_label(text[i], sizeof(text[i]), list[i].a);
        labels[i] = text[i];
        v[i] = jnum(list[i].a, "lift");
        lo[i] = cJSON_IsArray(ci) && cJSON_IsNumber(cJSON_GetArrayItem(ci, 0))
                ? cJSON_GetArrayItem(ci, 0)->valuedouble : NAN;
        hi[i] = cJSON_IsArray(ci) && cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))
                ? cJSON_GetArrayItem(ci, 1)->valuedouble : NAN;
      }
      s.name = "lift";
      s.v = v;
      s.lo = lo;
      s.hi = hi;
      html_figure(b, sig ? "Significant attributes by lift" :
                  "Attributes by lift (none significant)");
      svg_hbars(b, "Lift among the best accounts (95% interval; 1 = no "
                "difference)", "lift", "attribute", labels, n, &s, 1.0, 0);
      icp_buf_adds(b, "<table><tr><th class=\"l\">attribute</th>"
                   "<th>best</th><th>worst</th><th>lift</th>"
                   "<th>95% interval</th><th>q</th></tr>\n");
      for(i = 0; i < n; i++) {
        icp_buf_adds(b, "<tr><td class=\"l\">");
        html_text(b, labels[i]);
        icp_buf_adds(b, "</td><td>");
        html_num(b, jnum(list[i].a, "n_best"), 0);
        icp_buf_adds(b, "</td><td>");
        html_num(b, jnum(list[i].a, "n_worst"), 0);
        icp_buf_adds(b, "</td><td>");
        html_num(b, v[i], 2);
        icp_buf_adds(b, "</td><td>");
        html_num(b, lo[i], 2);
        icp_buf_adds(b, "&ndash;");
        html_num(b, hi[i], 2);
        icp_buf_adds(b, "</td><td>");
        if(isfinite(jnum(list[i].a, "q")))
          icp_buf_printf(b, "%.3g", jnum(list[i].a, "q"));
        icp_buf_adds(b, "</td></tr>\n");
      }
      icp_buf_adds(b, "</table>\n");
      html_figure_end(b);
      free(list);
    }
  }
  if(cJSON_IsArray(num) && cJSON_GetArraySize(num)) {
    icp_buf_adds(b, "<h3>Numeric columns (Mann-Whitney)</h3><table><tr>"
                 "<th class=\"l\">field</th><th>median best</th>"
                 "<th>median worst</th><th>p</th><th>q</th></tr>\n");
    cJSON_ArrayForEach(a, num) {
      icp_buf_adds(b, "<tr><td class=\"l\">");
      html_text(b, jstr(a, "field"));
      icp_buf_adds(b, "</td><td>");
      html_num(b, jnum(a, "median_best"), 2);
      icp_buf_adds(b, "</td><td>");
      html_num(b, jnum(a, "median_worst"), 2);
      icp_buf_printf(b, "</td><td>%.3g</td><td>%.3g</td></tr>\n",
                     isfinite(jnum(a, "p")) ? jnum(a, "p") : 1.0,
                     isfinite(jnum(a, "q")) ? jnum(a, "q") : 1.0);
    }
    icp_buf_adds(b, "</table>\n");
  }
  if(cJSON_IsObject(model)) {
    icp_buf_adds(b, "<p class=\"meta\">Model: ");
    html_num(b, jnum(model, "features"), 0);
    icp_buf_adds(b, " features, holdout AUC ");
    html_num(b, jnum(model, "auc_holdout_model"), 3);
    icp_buf_adds(b, " (model) vs ");
    html_num(b, jnum(model, "auc_holdout_pack"), 3);
    icp_buf_adds(b, " (draft pack).</p>\n");
  }
  html_section_end(b);
}
