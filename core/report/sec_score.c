/* sec_score.c -- scored accounts: tier distribution, score histogram and
 * the reasons that fire most. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"

static int by_count(const void *a, const void *b)
{
  const struct count *x = a, *y = b;
  if(x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return strcmp(x->name, y->name);
}

void icpi_count_table(struct icp_buf *b, const char *what,
                      const char *const *labels, const double *v, int n,
                      double total)
{
  int i;
  icp_buf_adds(b, "<table><tr><th class=\"l\">");
  icpi_html_text(b, what);
  icp_buf_adds(b, "</th><th>accounts</th><th>share</th></tr>\n");
  for(i = 0; i < n; i++) {
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, labels[i]);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, v[i], 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_pct(b, total > 0 ? v[i] / total : NAN);
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
}

void icpi_sec_score(struct icp_buf *b, const struct icp_report *r)
{
  const char *labels[REPORT_REASONS_MAX];
  double v[REPORT_REASONS_MAX];
  char bins[REPORT_HIST_BINS][16];
  struct count *top;
  struct series s;
  int i, n;
  icpi_html_section(b, "score", "Scored accounts", NULL);
  icp_buf_printf(b, "<p class=\"meta\">%ld accounts scored with ",
                 r->scored);
  icpi_html_text(b, *r->pack ? r->pack : "the pack");
  if(r->arms[0] + r->arms[1])
    icp_buf_printf(b, " (A/B: %ld in arm A, %ld in arm B)", r->arms[0],
                   r->arms[1]);
  icp_buf_adds(b, ".</p>\n");
  s.name = "accounts";
  s.v = v;
  s.lo = s.hi = NULL;
  {
    /* tier order (A..D, then unranked, excluded, insufficient_data), not
     * the order the tiers first appeared in */
    int order[REPORT_TIERS_MAX];
    int nt = icpi_scored_tier_order(r, order);
    for(i = 0; i < nt; i++) {
      labels[i] = r->tiers[order[i]].name;
      v[i] = (double)r->tiers[order[i]].n;
    }
  }
  icpi_html_figure(b, "Tier distribution");
  icpi_svg_bars(b, "Accounts per tier", "tier", "accounts", labels, r->ntiers,
                &s, NAN, 0);
  icpi_count_table(b, "tier", labels, v, r->ntiers, (double)r->scored);
  icpi_html_figure_end(b);

  for(i = 0; i < REPORT_HIST_BINS; i++) {
    snprintf(bins[i], sizeof(bins[i]), "%d-%d", 5 * i, 5 * i + 5);
    labels[i] = bins[i];
    v[i] = (double)r->hist[i];
  }
  icpi_html_figure(b, "Score histogram");
  icpi_svg_bars(b, "Accounts per score band of 5 points", "score",
                "accounts", labels, REPORT_HIST_BINS, &s, NAN, 0);
  icpi_count_table(b, "score", labels, v, REPORT_HIST_BINS, (double)r->scored);
  icpi_html_figure_end(b);

  n = r->nreasons;
  if(n) {
    top = malloc((size_t)n * sizeof(*top));
    if(top) {
      memcpy(top, r->reasons, (size_t)n * sizeof(*top));
      qsort(top, (size_t)n, sizeof(*top), by_count);
      if(n > 15)
        n = 15;
      for(i = 0; i < n; i++) {
        labels[i] = top[i].name;
        v[i] = (double)top[i].n;
      }
      icpi_html_figure(b, "Top reasons");
      icpi_svg_hbars(b, "Rules that fired most", "accounts where the rule "
                     "fired", "rule", labels, n, &s, NAN, 0);
      icpi_count_table(b, "rule", labels, v, n, (double)r->scored);
      icpi_html_figure_end(b);
      free(top);
    }
    else
      icp_buf_fail(b, ICP_ENOMEM); /* no page without its top reasons */
  }
  icpi_html_section_end(b);
}
