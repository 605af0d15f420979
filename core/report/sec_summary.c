/* sec_summary.c -- the top of the page: a few sentences computed from the
 * data (how many accounts are ICP, how much of the score rests on unknown
 * data and on which field, how ICP accounts win against the rest, whether
 * a review is due, what discovery found), the as-of date, the inputs, and
 * a warning when scored files came from different pack versions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_impl.h"

/* 1204 -> "1,204" */
static void thousands(struct icp_buf *b, long v)
{
  char tmp[32];
  int n = snprintf(tmp, sizeof(tmp), "%ld", v < 0 ? -v : v), i;
  if(v < 0)
    icp_buf_addc(b, '-');
  for(i = 0; i < n; i++) {
    if(i && (n - i) % 3 == 0)
      icp_buf_addc(b, ',');
    icp_buf_addc(b, tmp[i]);
  }
}

static long tier_count(const struct icp_report *r, const char *name)
{
  int i;
  for(i = 0; i < r->ntiers; i++)
    if(!strcmp(r->tiers[i].name, name))
      return r->tiers[i].n;
  return 0;
}

/* The count with the largest n of c[0..n) (the first of equals); n >= 1. */
static const struct count *most(const struct count *c, int n)
{
  const struct count *top = c;
  int i;
  for(i = 1; i < n; i++)
    if(c[i].n > top->n)
      top = &c[i];
  return top;
}

static void scored_sentences(struct icp_buf *b, const struct icp_report *r)
{
  const char *icp[2];
  int n = icpi_scored_icp_tiers(r, icp), i, best = -1;
  long in = 0;
  const char *const *fields;
  const long *unk, *moves;
  const double *weight;
  int nf = icpi_scored_fields(r, &fields, &unk, &moves, &weight);
  double unknown_share = r->scored ? 1 - r->coverage_sum / r->scored : NAN;
  for(i = 0; i < n; i++)
    in += tier_count(r, icp[i]);
  icp_buf_adds(b, "<li>");
  thousands(b, in);
  icp_buf_adds(b, " of ");
  thousands(b, r->scored);
  icp_buf_adds(b, " accounts are ");
  if(n == 2) {
    icp_buf_adds(b, "tier ");
    icpi_html_text(b, icp[0]);
    icp_buf_adds(b, " or ");
    icpi_html_text(b, icp[1]);
  }
  else if(n == 1) {
    icp_buf_adds(b, "tier ");
    icpi_html_text(b, icp[0]);
  }
  else
    icp_buf_adds(b, "in a ranked tier");
  icp_buf_adds(b, " (");
  icpi_html_pct(b, r->scored ? (double)in / r->scored : NAN);
  icp_buf_adds(b, ")");
  if(r->excluded) {
    icp_buf_adds(b, "; ");
    thousands(b, r->excluded);
    icp_buf_adds(b, r->excluded == 1 ? " is excluded" : " are excluded");
  }
  if(r->insufficient) {
    icp_buf_adds(b, "; ");
    thousands(b, r->insufficient);
    icp_buf_adds(b, r->insufficient == 1 ? " has too little data to rank" :
                 " have too little data to rank");
  }
  icp_buf_adds(b, ".</li>\n");

  if(isfinite(unknown_share)) {
    icp_buf_adds(b, "<li>");
    icpi_html_pct(b, unknown_share);
    icp_buf_adds(b, " of the score rests on unknown data");
    for(i = 0; i < nf; i++)
      if(weight[i] > 0 && (best < 0 || weight[i] > weight[best]))
        best = i;
    if(best >= 0) {
      icp_buf_adds(b, ", mostly <code>");
      icpi_html_text(b, fields[best]);
      icp_buf_adds(b, "</code> (");
      thousands(b, moves[best]);
      icp_buf_adds(b, " accounts would move up a tier if it were filled "
                   "and its rules fired)");
    }
    else if(r->nunknown) {
      const struct count *top = most(r->unknown, r->nunknown);
      icp_buf_adds(b, "; the rule most often unknown is <code>");
      icpi_html_text(b, top->name);
      icp_buf_adds(b, "</code> (");
      thousands(b, top->n);
      icp_buf_adds(b, " accounts)");
    }
    icp_buf_adds(b, ".</li>\n");
  }
  if(r->graded && r->ngrades) {
    const struct count *top = most(r->grades, r->ngrades);
    icp_buf_adds(b, "<li>The most common grade is ");
    icpi_html_text(b, top->name);
    icp_buf_adds(b, " (");
    thousands(b, top->n);
    icp_buf_adds(b, " of ");
    thousands(b, r->graded);
    icp_buf_adds(b, " graded accounts).</li>\n");
  }
}

static void validate_sentences(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *flags = cJSON_GetObjectItemCaseSensitive(r->validate,
                                                        "flags");
  const cJSON *f;
  int nrev = 0, n = 0;
  cJSON_ArrayForEach(f, flags) {
    const char *check = icpi_jstr(f, "check");
    n++;
    nrev += icpi_jstr(f, "status") &&
            !strcmp(icpi_jstr(f, "status"), "review");
    if(check && !strcmp(check, "icp_win_rate_advantage") &&
       isfinite(icpi_jnum(f, "current")) &&
       isfinite(icpi_jnum(f, "baseline"))) {
      icp_buf_adds(b, "<li>In the current period (");
      icpi_html_text(b, icpi_jstr(f, "period"));
      icp_buf_adds(b, "), ICP accounts win ");
      icpi_html_pct(b, icpi_jnum(f, "current"));
      icp_buf_adds(b, " of closed deals vs ");
      icpi_html_pct(b, icpi_jnum(f, "baseline"));
      icp_buf_adds(b, " for the rest");
      if(isfinite(icpi_jnum(f, "p")))
        icp_buf_printf(b, ", p = %.2g%s", icpi_jnum(f, "p"),
                       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                         f, "significant")) ? "" : " (not significant)");
      icp_buf_adds(b, ".</li>\n");
    }
  }
  if(n)
    icp_buf_printf(b, "<li>%s: %d of %d validation checks ask for one."
                   "</li>\n", nrev ? "A review is due" : "No review is due",
                   nrev, n);
}

static void discover_sentence(struct icp_buf *b, const struct icp_report *r)
{
  const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(r->discover,
                                                        "attributes");
  const cJSON *a, *best = NULL;
  int n = 0, sig = 0;
  cJSON_ArrayForEach(a, attrs) {
    double l = icpi_jnum(a, "lift");
    n++;
    if(!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "significant")) ||
       !(l > 0))
      continue;
    sig++;
    if(!best || fabs(log(l)) > fabs(log(icpi_jnum(best, "lift"))))
      best = a;
  }
  icp_buf_printf(b, "<li>Discovery: %d of %d attributes separate the best "
                 "accounts from the worst (q &le; ", sig, n);
  icpi_html_num(b, icpi_jnum(r->discover, "q_level"), 2);
  icp_buf_adds(b, ")");
  if(best) {
    icp_buf_adds(b, "; the strongest is ");
    icpi_html_text(b, icpi_jstr(best, "field"));
    if(icpi_jstr(best, "value")) {
      icp_buf_adds(b, " = ");
      icpi_html_text(b, icpi_jstr(best, "value"));
    }
    icp_buf_adds(b, " (lift ");
    icpi_html_num(b, icpi_jnum(best, "lift"), 2);
    icp_buf_adds(b, ")");
  }
  icp_buf_adds(b, ".</li>\n");
}

void icpi_sec_summary(struct icp_buf *b, const struct icp_report *r)
{
  const char *as_of = *r->as_of ? r->as_of : icpi_jstr(r->validate, "as_of");
  int i;
  icp_buf_adds(b, "<div class=\"summary\" id=\"summary\"><ul>\n");
  if(r->scored)
    scored_sentences(b, r);
  if(r->validate)
    validate_sentences(b, r);
  if(r->discover)
    discover_sentence(b, r);
  icp_buf_adds(b, "</ul>\n<p class=\"meta\" id=\"asof\">As of ");
  if(as_of)
    icpi_html_text(b, as_of);
  else
    icp_buf_adds(b, "an unknown date (scored files do not record it; give "
                 "--as-of)");
  icp_buf_adds(b, ". Inputs: ");
  for(i = 0; i < r->ninputs; i++) {
    if(i)
      icp_buf_adds(b, ", ");
    icp_buf_adds(b, "<code>");
    icpi_html_text(b, r->inputs[i]);
    icp_buf_adds(b, "</code>");
  }
  if(!r->ninputs)
    icp_buf_adds(b, "none named");
  icp_buf_adds(b, ".</p>\n");
  if(r->npacks > 1) {
    icp_buf_adds(b, "<p class=\"warn\" id=\"packwarn\">Warning: the scored "
                 "accounts come from different pack versions (");
    for(i = 0; i < r->npacks; i++) {
      if(i)
        icp_buf_adds(b, "; ");
      icpi_html_text(b, r->packs[i]);
      icp_buf_adds(b, ": ");
      thousands(b, r->pack_n[i]);
      icp_buf_adds(b, " accounts");
    }
    icp_buf_adds(b, "); their tiers and scores are not comparable, and the "
                 "counts below add them up.</p>\n");
  }
  icp_buf_adds(b, "</div>\n");
}
