/* sec_accounts.c -- what a meeting acts on: the best accounts with their
 * reasons, the grade grid, the workload per route (team) with its SLA,
 * why accounts were excluded, and data coverage (which rules are unknown
 * how often, and which fields would move the most accounts if filled). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"

#define MAXROWS 15

static int by_count(const void *a, const void *b)
{
  const struct count *x = a, *y = b;
  if(x->n != y->n)
    return x->n < y->n ? 1 : -1;
  return strcmp(x->name, y->name);
}

static void top_accounts(struct icp_buf *b, const struct icp_report *r)
{
  int i;
  icpi_html_section(b, "top", "Top accounts", "The best-scored accounts "
                    "that are not excluded, with the rules that earned them "
                    "the most points.");
  icp_buf_adds(b, "<table><tr><th>#</th><th class=\"l\">account</th>"
               "<th>score</th><th class=\"l\">tier</th>");
  if(r->graded)
    icp_buf_adds(b, "<th class=\"l\">grade</th>");
  icp_buf_adds(b, "<th class=\"l\">route</th><th class=\"l\">reasons</th>"
               "</tr>\n");
  for(i = 0; i < r->ntop; i++) {
    const struct top_account *t = &r->top[i];
    icp_buf_printf(b, "<tr><td>%d</td><td class=\"l\">", i + 1);
    icpi_html_text(b, t->domain);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, t->score, 1);
    icp_buf_adds(b, "</td><td class=\"l\">");
    icpi_html_text(b, t->tier);
    if(r->graded) {
      icp_buf_adds(b, "</td><td class=\"l\">");
      icpi_html_text(b, t->grade);
    }
    icp_buf_adds(b, "</td><td class=\"l\">");
    icpi_html_text(b, t->route);
    icp_buf_adds(b, "</td><td class=\"l\">");
    icpi_html_text(b, t->reasons);
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
  icpi_html_section_end(b);
}

/* Row and column of a grade label: the letters, then the rest ("A1" ->
 * "A", "1"); 0 when the label does not split so. */
static int split_grade(const char *g, char *row, char *col, size_t cap)
{
  size_t i = 0, n = strlen(g);
  while(i < n && !isdigit((unsigned char)g[i]))
    i++;
  if(i == 0 || i == n || i >= cap || n - i >= cap)
    return 0;
  memcpy(row, g, i);
  row[i] = 0;
  memcpy(col, g + i, n - i + 1);
  return 1;
}

static int add_name(char (*names)[24], int *n, const char *s)
{
  int i;
  for(i = 0; i < *n; i++)
    if(!strcmp(names[i], s))
      return i;
  snprintf(names[*n], 24, "%s", s);
  return (*n)++;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(a, b);
}

static void grade_grid(struct icp_buf *b, const struct icp_report *r)
{
  char rows[REPORT_GRADES_MAX][24], cols[REPORT_GRADES_MAX][24];
  char rn[24], cn[24];
  const char *rl[REPORT_GRADES_MAX], *cl[REPORT_GRADES_MAX];
  double *v;
  int nr = 0, nc = 0, i, k, ok = 1;
  for(i = 0; i < r->ngrades && ok; i++) {
    ok = split_grade(r->grades[i].name, rn, cn, sizeof(rn));
    if(ok) {
      add_name(rows, &nr, rn);
      add_name(cols, &nc, cn);
    }
  }
  icpi_html_section(b, "grades", "Grades: fit by engagement", "Each "
                    "account's grade is a row (the first axis, e.g. fit) and "
                    "a column (the second, e.g. engagement) of the pack's "
                    "grade block; excluded and insufficient-data accounts "
                    "have none.");
  qsort(rows, (size_t)nr, sizeof(rows[0]), by_name);
  qsort(cols, (size_t)nc, sizeof(cols[0]), by_name);
  v = calloc((size_t)(nr * nc) + 1, sizeof(double));
  if(ok && v) {
    for(i = 0; i < nr; i++)
      rl[i] = rows[i];
    for(i = 0; i < nc; i++)
      cl[i] = cols[i];
    for(i = 0; i < r->ngrades; i++) {
      int a, c;
      split_grade(r->grades[i].name, rn, cn, sizeof(rn));
      for(a = 0; strcmp(rows[a], rn); a++)
        ;
      for(c = 0; strcmp(cols[c], cn); c++)
        ;
      v[a * nc + c] = (double)r->grades[i].n;
    }
    icpi_html_figure(b, "Accounts per grade");
    icpi_svg_heat_join(b, "Accounts per grade (row, column)", "column (second "
                       "axis)", "row (first axis)", rl, nr, cl, nc, v, "");
    icp_buf_adds(b, "<table><tr><th class=\"l\">row \\ column</th>");
    for(k = 0; k < nc; k++) {
      icp_buf_adds(b, "<th>");
      icpi_html_text(b, cl[k]);
      icp_buf_adds(b, "</th>");
    }
    icp_buf_adds(b, "</tr>\n");
    for(i = 0; i < nr; i++) {
      icp_buf_adds(b, "<tr><td class=\"l\">");
      icpi_html_text(b, rl[i]);
      icp_buf_adds(b, "</td>");
      for(k = 0; k < nc; k++)
        icp_buf_printf(b, "<td>%.0f</td>", v[i * nc + k]);
      icp_buf_adds(b, "</tr>\n");
    }
    icp_buf_adds(b, "</table>\n");
    icpi_html_figure_end(b);
  }
  else {
    /* names that do not read as letters + digits: a list */
    icp_buf_adds(b, "<table><tr><th class=\"l\">grade</th><th>accounts"
                 "</th></tr>\n");
    for(i = 0; i < r->ngrades; i++) {
      icp_buf_adds(b, "<tr><td class=\"l\">");
      icpi_html_text(b, r->grades[i].name);
      icp_buf_printf(b, "</td><td>%ld</td></tr>\n", r->grades[i].n);
    }
    icp_buf_adds(b, "</table>\n");
  }
  free(v);
  icpi_html_section_end(b);
}

static void count_figure(struct icp_buf *b, const char *caption,
                         const char *title, const char *xlabel,
                         const char *what, const struct count *c, int n,
                         long total)
{
  const char *labels[MAXROWS];
  double v[MAXROWS];
  struct count sorted[REPORT_REASONS_MAX];
  struct series s;
  int i;
  memcpy(sorted, c, (size_t)n * sizeof(*c));
  qsort(sorted, (size_t)n, sizeof(*sorted), by_count);
  if(n > MAXROWS)
    n = MAXROWS;
  for(i = 0; i < n; i++) {
    labels[i] = sorted[i].name;
    v[i] = (double)sorted[i].n;
  }
  s.name = "accounts";
  s.v = v;
  s.lo = s.hi = NULL;
  icpi_html_figure(b, caption);
  icpi_svg_hbars(b, title, xlabel, what, labels, n, &s, NAN, 0);
  icpi_count_table(b, what, labels, v, n, (double)total);
  icpi_html_figure_end(b);
}

static void workload(struct icp_buf *b, const struct icp_report *r)
{
  const char *labels[REPORT_TIERS_MAX];
  double v[REPORT_TIERS_MAX];
  struct series s;
  int i;
  icpi_html_section(b, "workload", "Route and SLA workload", "Accounts "
                    "per route (the team that gets them) and the response "
                    "time its route promises to them.");
  for(i = 0; i < r->nroutes; i++) {
    labels[i] = r->routes[i].name;
    v[i] = (double)r->routes[i].n;
  }
  s.name = "accounts";
  s.v = v;
  s.lo = s.hi = NULL;
  icpi_html_figure(b, "Accounts per route");
  icpi_svg_hbars(b, "Accounts per route", "accounts", "route", labels,
                 r->nroutes, &s, NAN, 0);
  icp_buf_adds(b, "<table><tr><th class=\"l\">route</th><th>accounts</th>"
               "<th>share</th><th>SLA (hours)</th></tr>\n");
  for(i = 0; i < r->nroutes; i++) {
    const struct route_load *x = &r->routes[i];
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, x->name);
    icp_buf_printf(b, "</td><td>%ld</td><td>", x->n);
    icpi_html_pct(b, r->scored ? (double)x->n / r->scored : NAN);
    icp_buf_adds(b, "</td><td>");
    if(!isfinite(x->sla_lo))
      icp_buf_adds(b, "none");
    else if(x->sla_lo == x->sla_hi)
      icp_buf_printf(b, "%g", x->sla_lo);
    else
      icp_buf_printf(b, "%g&ndash;%g", x->sla_lo, x->sla_hi);
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
  icpi_html_figure_end(b);
  icpi_html_section_end(b);
}

static void coverage(struct icp_buf *b, const struct icp_report *r)
{
  const char *const *names;
  const long *unk, *moves;
  const double *weight;
  int nf = icpi_scored_fields(r, &names, &unk, &moves, &weight), i, k, n = 0;
  int order[REPORT_REASONS_MAX];
  icpi_html_section(b, "coverage", "Data coverage: what to enrich next",
                    "A rule is unknown when the data it reads is missing; "
                    "the score then rests on less. The first chart counts "
                    "accounts per unknown rule.");
  if(r->nunknown)
    count_figure(b, "Rules most often unknown", "Accounts where the rule "
                 "could not be decided", "accounts", "rule", r->unknown,
                 r->nunknown, r->scored);
  else
    icp_buf_adds(b, "<p>No rule was unknown for any account.</p>\n");
  if(!nf) {
    icp_buf_adds(b, "<p class=\"note\">Which fields would move the most "
                 "accounts needs the pack: run <code>icp report --rules "
                 "PACK ACCOUNTS</code>.</p>\n");
    icpi_html_section_end(b);
    return;
  }
  for(i = 0; i < nf && n < REPORT_REASONS_MAX; i++)
    if(unk[i])
      order[n++] = i;
  /* most accounts moved, then most unknown */
  for(i = 1; i < n; i++) {
    int x = order[i];
    for(k = i; k > 0 && (moves[order[k - 1]] < moves[x] ||
                         (moves[order[k - 1]] == moves[x] &&
                          unk[order[k - 1]] < unk[x])); k--)
      order[k] = order[k - 1];
    order[k] = x;
  }
  if(n > MAXROWS)
    n = MAXROWS;
  if(n) {
    const char *labels[MAXROWS];
    double v[MAXROWS];
    struct series s;
    for(i = 0; i < n; i++) {
      labels[i] = names[order[i]];
      v[i] = (double)moves[order[i]];
    }
    s.name = "accounts";
    s.v = v;
    s.lo = s.hi = NULL;
    icpi_html_figure(b, "Fields to enrich next");
    icpi_svg_hbars(b, "Accounts that would move up a tier if the field were "
                   "filled", "accounts", "field", labels, n, &s, NAN, 0);
    icp_buf_adds(b, "<table><tr><th class=\"l\">field</th><th>accounts "
                 "with a rule unknown on it</th><th>would move up</th>"
                 "<th>score points at stake (mean)</th></tr>\n");
    for(i = 0; i < n; i++) {
      icp_buf_adds(b, "<tr><td class=\"l\">");
      icpi_html_text(b, labels[i]);
      icp_buf_printf(b, "</td><td>%ld</td><td>%ld</td><td>", unk[order[i]],
                     moves[order[i]]);
      icpi_html_num(b, r->scored ? weight[order[i]] / r->scored : NAN, 2);
      icp_buf_adds(b, "</td></tr>\n");
    }
    icp_buf_adds(b, "</table>\n");
    icpi_html_figure_end(b);
    icp_buf_adds(b, "<p class=\"note\">\"Would move up\" counts accounts "
                 "whose composite would reach a better tier's threshold "
                 "(or whose coverage would reach min_coverage) if the field "
                 "were filled and every unknown rule reading it fired: an "
                 "upper bound of what enriching it can do.</p>\n");
  }
  icpi_html_section_end(b);
}

void icpi_sec_accounts(struct icp_buf *b, const struct icp_report *r)
{
  if(r->ntop)
    top_accounts(b, r);
  if(r->ngrades)
    grade_grid(b, r);
  if(r->nroutes)
    workload(b, r);
  icpi_html_section(b, "exclusions", "Exclusion reasons", NULL);
  if(r->nexcl)
    count_figure(b, "Why accounts were excluded", "Accounts per exclude "
                 "rule (an account may match several)", "accounts",
                 "exclude", r->excl, r->nexcl, r->scored);
  else
    icp_buf_adds(b, "<p>No account was excluded.</p>\n");
  icpi_html_section_end(b);
  coverage(b, r);
}
