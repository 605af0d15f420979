/* sec_diff.c -- a pack change: the tier migration matrix as a heat map,
 * changed routes, the score shift and the top movers. */
#include <math.h>
#include <string.h>

#include "report/report_impl.h"

#define MAXT 32

void icpi_sec_diff(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *doc = r->diff;
  const cJSON *matrix = cJSON_GetObjectItemCaseSensitive(doc, "matrix");
  const cJSON *shift = cJSON_GetObjectItemCaseSensitive(doc, "score_shift");
  const cJSON *movers = cJSON_GetObjectItemCaseSensitive(doc, "movers");
  const char *rows[MAXT], *cols[MAXT];
  static double v[MAXT * MAXT];
  const cJSON *row, *c, *m;
  int nr = 0, nc = 0, i, k, shown = 0;
  icpi_html_section(b, "diff", "Pack change: tier migration", NULL);
  if(cJSON_IsObject(matrix)) {
    cJSON_ArrayForEach(row, matrix) {
      if(nr < MAXT)
        rows[nr++] = row->string;
      cJSON_ArrayForEach(c, row) {
        for(k = 0; k < nc && strcmp(cols[k], c->string); k++)
          ;
        if(k == nc && nc < MAXT)
          cols[nc++] = c->string;
      }
    }
    for(i = 0; i < nr; i++)
      for(k = 0; k < nc; k++) {
        const cJSON *rr = cJSON_GetObjectItemCaseSensitive(matrix, rows[i]);
        double x = icpi_jnum(rr, cols[k]);
        v[i * nc + k] = isfinite(x) ? x : 0;
      }
    icpi_html_figure(b, "Migration matrix");
    icpi_svg_heat(b, "Accounts by old tier and new tier", "new tier",
                  "old tier", rows, nr, cols, nc, v);
    icp_buf_adds(b, "<table><tr><th class=\"l\">old \\ new</th>");
    for(k = 0; k < nc; k++) {
      icp_buf_adds(b, "<th>");
      icpi_html_text(b, cols[k]);
      icp_buf_adds(b, "</th>");
    }
    icp_buf_adds(b, "</tr>\n");
    for(i = 0; i < nr; i++) {
      icp_buf_adds(b, "<tr><th class=\"l\">");
      icpi_html_text(b, rows[i]);
      icp_buf_adds(b, "</th>");
      for(k = 0; k < nc; k++) {
        icp_buf_adds(b, "<td>");
        icpi_html_num(b, v[i * nc + k], 0);
        icp_buf_adds(b, "</td>");
      }
      icp_buf_adds(b, "</tr>\n");
    }
    icp_buf_adds(b, "</table>\n");
    icpi_html_figure_end(b);
  }
  icp_buf_adds(b, "<table><tr><th class=\"l\">accounts</th>"
               "<th class=\"l\">changed tiers</th>"
               "<th class=\"l\">changed routes</th><th>shift mean</th>"
               "<th>p10</th><th>p50</th><th>p90</th></tr><tr><td>");
  icpi_html_num(b, icpi_jnum(doc, "accounts"), 0);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(doc, "changed_tiers"), 0);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(doc, "changed_routes"), 0);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(shift, "mean"), 2);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(shift, "p10"), 2);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(shift, "p50"), 2);
  icp_buf_adds(b, "</td><td>");
  icpi_html_num(b, icpi_jnum(shift, "p90"), 2);
  icp_buf_adds(b, "</td></tr></table>\n");
  if(cJSON_IsArray(movers) && cJSON_GetArraySize(movers)) {
    icp_buf_adds(b, "<h3>Top movers</h3><table><tr><th class=\"l\">account"
                 "</th><th>old tier</th><th>new tier</th><th>old score</th>"
                 "<th>new score</th><th class=\"l\">rules</th></tr>\n");
    cJSON_ArrayForEach(m, movers) {
      if(shown++ == 25)
        break;
      icp_buf_adds(b, "<tr><td class=\"l\">");
      icpi_html_text(b, icpi_jstr(m, "domain"));
      icp_buf_adds(b, "</td><td>");
      icpi_html_text(b, icpi_jstr(m, "old_tier"));
      icp_buf_adds(b, "</td><td>");
      icpi_html_text(b, icpi_jstr(m, "new_tier"));
      icp_buf_adds(b, "</td><td>");
      icpi_html_num(b, icpi_jnum(m, "old_score"), 1);
      icp_buf_adds(b, "</td><td>");
      icpi_html_num(b, icpi_jnum(m, "new_score"), 1);
      icp_buf_adds(b, "</td><td class=\"l\">");
      icpi_html_text(b, icpi_jstr(m, "rules"));
      icp_buf_adds(b, "</td></tr>\n");
    }
    icp_buf_adds(b, "</table>\n");
  }
  icpi_html_section_end(b);
}
