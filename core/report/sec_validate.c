/*
 * sec_validate.c -- the sections of a validation: the review flags (first
 * on the page), win rate by tier over periods, the lift of each tier with
 * intervals, calibration by score decile, the whole run per group, and the
 * A/B comparison.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"

#define MAXP 64
#define MAXG 40

static int status_rank(const char *s)
{
  return !s ? 3 : !strcmp(s, "review") ? 0 :
         !strcmp(s, "insufficient_data") ? 1 : 2;
}

static int is_rate(const char *check)
{
  return check && (!strcmp(check, "conversion_drop") ||
                   !strcmp(check, "icp_win_rate_advantage"));
}

/* A standing check compares ICP with non-ICP in one period (not a change
 * over time), so its cells say which group they are. */
static int standing(const char *check)
{
  return check && (!strcmp(check, "icp_win_rate_advantage") ||
                   !strcmp(check, "icp_cycle_advantage"));
}

/* A flag's baseline or current value after label (a rate as a
 * percentage), and in the next cell the n_<key> it rests on. */
static void flag_value(struct icp_buf *b, const cJSON *f, const char *label,
                       const char *key, int rate)
{
  char nkey[32];
  icp_buf_adds(b, label);
  if(rate)
    icpi_html_pct(b, icpi_jnum(f, key));
  else
    icpi_html_num(b, icpi_jnum(f, key), 1);
  icp_buf_adds(b, "</td><td>");
  snprintf(nkey, sizeof(nkey), "n_%s", key);
  icpi_html_num(b, icpi_jnum(f, nkey), 0);
}

void icpi_sec_flags(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *flags = cJSON_GetObjectItemCaseSensitive(r->validate,
                                                        "flags");
  const cJSON *f;
  int nrev = 0, rank;
  if(!cJSON_IsArray(flags))
    return;
  cJSON_ArrayForEach(f, flags)
    nrev += status_rank(icpi_jstr(f, "status")) == 0;
  icpi_html_section(b, "flags", "Review flags", NULL);
  icp_buf_printf(b, "<p><span class=\"st %s\">%s</span> &mdash; current "
                 "period ", nrev ? "review" : "ok",
                 nrev ? "Review due" : "No review due");
  icpi_html_text(b, icpi_jstr(r->validate, "current_period"));
  icp_buf_adds(b, ", baseline ");
  icpi_html_text(b, icpi_jstr(r->validate, "baseline_period"));
  icp_buf_printf(b, "; %d of %d checks ask for a review.</p>\n", nrev,
                 cJSON_GetArraySize(flags));
  icp_buf_adds(b, "<table class=\"flags\"><tr><th class=\"l\">status</th>"
               "<th class=\"l\">check</th><th class=\"l\">tier</th>"
               "<th>baseline</th><th>n</th><th>current</th><th>n</th>"
               "<th>change</th><th>threshold</th><th>p</th>"
               "<th class=\"l\">test</th></tr>\n");
  for(rank = 0; rank < 4; rank++)
    cJSON_ArrayForEach(f, flags) {
      const char *st = icpi_jstr(f, "status"), *check = icpi_jstr(f, "check");
      int rate = is_rate(check);
      if(status_rank(st) != rank)
        continue;
      icp_buf_adds(b, "<tr class=\"");
      icpi_html_text(b, st);
      icp_buf_adds(b, "\"><td class=\"l\"><span class=\"st ");
      icpi_html_text(b, st);
      icp_buf_adds(b, "\">");
      icpi_html_text(b, st);
      icp_buf_adds(b, "</span></td><td class=\"l\">");
      icpi_html_text(b, check);
      icp_buf_adds(b, "</td><td class=\"l\">");
      icpi_html_text(b, icpi_jstr(f, "tier"));
      icp_buf_adds(b, "</td><td>");
      flag_value(b, f, standing(check) ? "non-ICP " : "", "baseline", rate);
      icp_buf_adds(b, "</td><td>");
      flag_value(b, f, standing(check) ? "ICP " : "", "current", rate);
      icp_buf_adds(b, "</td><td>");
      if(isfinite(icpi_jnum(f, "change")))
        icp_buf_printf(b, "%+.1f%%", 100 * icpi_jnum(f, "change"));
      else
        icp_buf_adds(b, "&ndash;");
      icp_buf_adds(b, "</td><td>");
      icpi_html_pct(b, icpi_jnum(f, "threshold"));
      icp_buf_adds(b, "</td><td>");
      if(isfinite(icpi_jnum(f, "p")))
        icp_buf_printf(b, "%.3g", icpi_jnum(f, "p"));
      else
        icp_buf_adds(b, "&ndash;");
      icp_buf_adds(b, "</td><td class=\"l\">");
      icpi_html_text(b, icpi_jstr(f, "test"));
      icp_buf_adds(b, "</td></tr>\n");
    }
  icp_buf_adds(b, "</table>\n<p class=\"note\">Drift checks compare the "
               "current period with the baseline period; the standing "
               "checks compare ICP (current) with non-ICP (baseline) in the "
               "current period. A drift is a review when it passes its "
               "threshold and is significant; too few deals say "
               "insufficient_data.</p>\n");
  icpi_html_section_end(b);
}

/* Short label of a period: its last day. */
static const char *period_end(const cJSON *p)
{
  const char *e = icpi_jstr(p, "end");
  return e ? e : "?";
}

static void over_periods(struct icp_buf *b, const cJSON *doc)
{
  const cJSON *periods = cJSON_GetObjectItemCaseSensitive(doc, "periods");
  const cJSON *tiers = cJSON_GetObjectItemCaseSensitive(doc, "tiers");
  const char *labels[MAXP], *names[MAXG];
  static double v[MAXG][MAXP], lo[MAXG][MAXP], hi[MAXG][MAXP];
  struct series s[MAXG];
  int np = 0, ng = 0, i, k;
  const cJSON *p, *t;
  if(!cJSON_IsArray(periods) || !cJSON_IsArray(tiers))
    return;
  cJSON_ArrayForEach(t, tiers)
    if(cJSON_IsString(t) && ng < MAXG - 2)
      names[ng++] = t->valuestring;
  names[ng++] = "ICP";
  names[ng++] = "non-ICP";
  cJSON_ArrayForEach(p, periods) {
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(p, "groups");
    if(np == MAXP)
      break;
    labels[np] = period_end(p);
    for(k = 0; k < ng; k++) {
      const cJSON *c = cJSON_GetObjectItemCaseSensitive(groups, names[k]);
      v[k][np] = icpi_jnum(c, "win_rate");
      lo[k][np] = icpi_jnum(c, "win_rate_lo");
      hi[k][np] = icpi_jnum(c, "win_rate_hi");
    }
    np++;
  }
  for(k = 0; k < ng; k++) {
    s[k].name = names[k];
    s[k].v = v[k];
    s[k].lo = lo[k];
    s[k].hi = hi[k];
  }
  icpi_html_figure(b, "Win rate by tier over periods");
  icpi_svg_lines(b, "Win rate by tier over periods (95% Wilson intervals)",
                 "period (last day)", "win rate (won / closed)", labels, np, s,
                 ng, 1);
  icp_buf_adds(b, "<table><tr><th class=\"l\">period ends</th>");
  for(k = 0; k < ng; k++) {
    icp_buf_adds(b, "<th>");
    icpi_html_text(b, names[k]);
    icp_buf_adds(b, "</th>");
  }
  icp_buf_adds(b, "</tr>\n");
  for(i = 0; i < np; i++) {
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, labels[i]);
    icp_buf_adds(b, "</td>");
    for(k = 0; k < ng; k++) {
      icp_buf_adds(b, "<td>");
      icpi_html_pct(b, v[k][i]);
      icp_buf_adds(b, "</td>");
    }
    icp_buf_adds(b, "</tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
  icpi_html_figure_end(b);
}

static void lift(struct icp_buf *b, const cJSON *doc)
{
  const cJSON *whole = cJSON_GetObjectItemCaseSensitive(doc, "whole_run");
  const cJSON *groups = cJSON_GetObjectItemCaseSensitive(whole, "groups");
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(groups, "all");
  const cJSON *tiers = cJSON_GetObjectItemCaseSensitive(doc, "tiers");
  const char *names[MAXG];
  double v[MAXG], lo[MAXG], hi[MAXG], base = icpi_jnum(all, "win_rate");
  struct series s;
  const cJSON *t;
  int n = 0, k;
  if(!cJSON_IsObject(groups) || !(base > 0))
    return;
  cJSON_ArrayForEach(t, tiers)
    if(cJSON_IsString(t) && n < MAXG - 2)
      names[n++] = t->valuestring;
  names[n++] = "ICP";
  names[n++] = "non-ICP";
  for(k = 0; k < n; k++) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(groups, names[k]);
    v[k] = icpi_jnum(c, "win_rate") / base;
    lo[k] = icpi_jnum(c, "win_rate_lo") / base;
    hi[k] = icpi_jnum(c, "win_rate_hi") / base;
  }
  s.name = "lift";
  s.v = v;
  s.lo = lo;
  s.hi = hi;
  icpi_html_figure(b, "Lift of each tier over the overall win rate");
  icpi_svg_bars(b, "Lift: tier win rate / overall win rate (whole run)",
                "tier", "lift (1 = overall)", names, n, &s, 1.0, 0);
  icp_buf_adds(b, "<table><tr><th class=\"l\">tier</th><th>won</th>"
               "<th>closed</th><th>win rate</th><th>lift</th>"
               "<th>95% interval</th></tr>\n");
  for(k = 0; k < n; k++) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(groups, names[k]);
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, names[k]);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(c, "won"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(c, "won") + icpi_jnum(c, "lost"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_pct(b, icpi_jnum(c, "win_rate"));
    icp_buf_adds(b, "</td><td>");
    icpi_html_interval(b, v[k], lo[k], hi[k], 2, 0);
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
  icpi_html_figure_end(b);
}

static void calibration(struct icp_buf *b, const cJSON *doc)
{
  const cJSON *cal = cJSON_GetObjectItemCaseSensitive(doc, "calibration");
  const cJSON *groups = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(doc, "whole_run"), "groups");
  double base = icpi_jnum(cJSON_GetObjectItemCaseSensitive(groups, "all"),
                          "win_rate");
  const char *labels[10];
  char text[10][40];
  double v[10], lo[10], hi[10];
  struct series s;
  const cJSON *q;
  int n = 0, k;
  if(!cJSON_IsArray(cal) || !cJSON_GetArraySize(cal))
    return;
  cJSON_ArrayForEach(q, cal) {
    if(n == 10)
      break;
    snprintf(text[n], sizeof(text[n]), "%.0f-%.0f", icpi_jnum(q, "score_lo"),
             icpi_jnum(q, "score_hi"));
    labels[n] = text[n];
    v[n] = icpi_jnum(q, "win_rate");
    lo[n] = icpi_jnum(q, "win_rate_lo");
    hi[n] = icpi_jnum(q, "win_rate_hi");
    n++;
  }
  s.name = "win rate";
  s.v = v;
  s.lo = lo;
  s.hi = hi;
  icpi_html_figure(b, "Calibration: win rate by score decile");
  icpi_svg_bars(b, "Win rate by score decile (dashed: overall)", "score range "
                "of the decile", "win rate", labels, n, &s, base, 1);
  icp_buf_adds(b, "<table><tr><th class=\"l\">scores</th><th>deals</th>"
               "<th>won</th><th>win rate</th><th>95% interval</th></tr>\n");
  k = 0;
  cJSON_ArrayForEach(q, cal) {
    if(k == n)
      break;
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, labels[k]);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(q, "n"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(q, "won"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_interval(b, v[k], lo[k], hi[k], 0, 1);
    icp_buf_adds(b, "</td></tr>\n");
    k++;
  }
  icp_buf_printf(b, "<tr><td class=\"l\" colspan=\"5\">AUC of score "
                 "against won: ");
  icpi_html_num(b, icpi_jnum(doc, "auc"), 3);
  icp_buf_adds(b, "</td></tr></table>\n");
  icpi_html_figure_end(b);
}

static void whole_table(struct icp_buf *b, const cJSON *doc)
{
  const cJSON *groups = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(doc, "whole_run"), "groups");
  const cJSON *g;
  if(!cJSON_IsObject(groups))
    return;
  icp_buf_adds(b, "<h3>Whole run by group</h3><table><tr>"
               "<th class=\"l\">group</th><th>deals</th><th>open</th>"
               "<th>won</th><th>lost</th><th>win rate</th>"
               "<th>95% interval</th><th>median cycle (days)</th>"
               "<th>mean won</th><th>median won</th><th>accounts</th>"
               "<th>support / account</th><th>churn rate</th></tr>\n");
  cJSON_ArrayForEach(g, groups) {
    icp_buf_adds(b, "<tr><td class=\"l\">");
    icpi_html_text(b, g->string);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "deals"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "open"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "won"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "lost"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_interval(b, icpi_jnum(g, "win_rate"),
                       icpi_jnum(g, "win_rate_lo"),
                       icpi_jnum(g, "win_rate_hi"), 0, 1);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "cycle_median_days"), 1);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "amount_mean"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "amount_median"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "accounts"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(g, "support_per_account"), 2);
    icp_buf_adds(b, "</td><td>");
    icpi_html_pct(b, icpi_jnum(g, "churn_rate"));
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "</table>\n");
}

static void ab(struct icp_buf *b, const cJSON *doc)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "ab");
  const cJSON *d, *dis;
  const char *labels[2] = { "A", "B" };
  double v[2], lo[2], hi[2];
  struct series s;
  int k;
  if(!cJSON_IsObject(a))
    return;
  d = cJSON_GetObjectItemCaseSensitive(a, "difference");
  dis = cJSON_GetObjectItemCaseSensitive(a, "disagree");
  for(k = 0; k < 2; k++) {
    const cJSON *arm = cJSON_GetObjectItemCaseSensitive(a, labels[k]);
    v[k] = icpi_jnum(arm, "win_rate");
    lo[k] = icpi_jnum(arm, "win_rate_lo");
    hi[k] = icpi_jnum(arm, "win_rate_hi");
  }
  s.name = "ICP win rate";
  s.v = v;
  s.lo = lo;
  s.hi = hi;
  icp_buf_adds(b, "<h3>A/B of a pack change</h3>\n");
  icpi_html_figure(b, "ICP win rate per arm");
  icpi_svg_bars(b, !strcmp(icpi_jstr(a, "mode") ? icpi_jstr(a, "mode") : "",
                           "arms") ?
                "ICP win rate per arm" : "ICP win rate per pack (backtest)",
                "arm (pack)", "win rate of ICP deals", labels, 2, &s, NAN, 1);
  icp_buf_adds(b, "<table><tr><th class=\"l\">arm</th><th>accounts</th>"
               "<th>ICP accounts</th><th>won</th><th>lost</th>"
               "<th>win rate</th><th>95% interval</th><th>median cycle</th>"
               "<th>mean won</th></tr>\n");
  for(k = 0; k < 2; k++) {
    const cJSON *arm = cJSON_GetObjectItemCaseSensitive(a, labels[k]);
    icp_buf_printf(b, "<tr><td class=\"l\">%s</td><td>", labels[k]);
    icpi_html_num(b, icpi_jnum(arm, "accounts"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(arm, "icp_accounts"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(arm, "won"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(arm, "lost"), 0);
    icp_buf_adds(b, "</td><td>");
    icpi_html_interval(b, v[k], lo[k], hi[k], 0, 1);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(arm, "cycle_median_days"), 1);
    icp_buf_adds(b, "</td><td>");
    icpi_html_num(b, icpi_jnum(arm, "amount_mean"), 0);
    icp_buf_adds(b, "</td></tr>\n");
  }
  icp_buf_adds(b, "<tr><td class=\"l\" colspan=\"9\">B &minus; A: ");
  icpi_html_num(b, 100 * icpi_jnum(d, "win_rate"), 1);
  icp_buf_adds(b, " points (95% interval ");
  icpi_html_num(b, 100 * icpi_jnum(d, "lo"), 1);
  icp_buf_adds(b, " to ");
  icpi_html_num(b, 100 * icpi_jnum(d, "hi"), 1);
  icp_buf_printf(b, "), p = %.3g; the packs disagree on ",
                 isfinite(icpi_jnum(d, "p")) ? icpi_jnum(d, "p") : 1.0);
  icpi_html_num(b, icpi_jnum(dis, "accounts"), 0);
  icp_buf_adds(b, " accounts</td></tr></table>\n");
  icpi_html_figure_end(b);
}

void icpi_sec_validate(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *doc = r->validate;
  icpi_html_section(b, "validate", "Validation against won and lost deals",
                    NULL);
  icp_buf_adds(b, "<p class=\"meta\">Pack ");
  icpi_html_text(b, icpi_jstr(doc, "rules"));
  icp_buf_adds(b, ", deals ");
  icpi_html_text(b, icpi_jstr(doc, "deals"));
  icp_buf_adds(b, ", as of ");
  icpi_html_text(b, icpi_jstr(doc, "as_of"));
  icp_buf_printf(b, ", periods of %.0f days.</p>\n",
                 icpi_jnum(doc, "period_days"));
  over_periods(b, doc);
  lift(b, doc);
  calibration(b, doc);
  whole_table(b, doc);
  ab(b, doc);
  icpi_html_section_end(b);
}
