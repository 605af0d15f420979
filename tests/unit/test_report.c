/*
 * test_report.c -- core/report: inputs recognised by their content, text
 * escaped, the review flags first, every chart with its table.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "report/report.h"

static const char validate_doc[] =
  "{\"report\":\"validate\",\"rules\":\"p.lua\",\"as_of\":\"2026-06-30\","
  "\"period_days\":90,\"current_period\":\"2026-04-02..2026-06-30\","
  "\"baseline_period\":\"2026-01-02..2026-04-01\",\"tiers\":[\"A\",\"B\"],"
  "\"periods\":[{\"label\":\"x\",\"start\":\"2026-01-02\",\"end\":"
  "\"2026-04-01\",\"groups\":{\"A\":{\"win_rate\":0.6,\"win_rate_lo\":0.5,"
  "\"win_rate_hi\":0.7},\"ICP\":{\"win_rate\":0.6}}},{\"label\":\"y\","
  "\"start\":\"2026-04-02\",\"end\":\"2026-06-30\",\"groups\":{\"A\":"
  "{\"win_rate\":0.4}}}],\"whole_run\":{\"groups\":{\"A\":{\"won\":10,"
  "\"lost\":10,\"win_rate\":0.5},\"all\":{\"won\":12,\"lost\":18,"
  "\"win_rate\":0.4}}},\"auc\":0.61,\"calibration\":[{\"decile\":1,"
  "\"n\":10,\"won\":4,\"score_lo\":0,\"score_hi\":50,\"win_rate\":0.4}],"
  "\"flags\":[{\"check\":\"conversion_drop\",\"tier\":\"ICP\",\"period\":"
  "\"y\",\"baseline\":0.6,\"current\":0.4,\"n\":60,\"p\":0.01,"
  "\"status\":\"review\"}]}";

static char *render(struct icp_report *r, const char *title)
{
  static struct icp_buf b;
  icp_buf_init(&b, 1 << 24);
  cr_assert_eq(icp_report_render(r, title, &b), ICP_OK);
  return b.p;
}

Test(report, a_validate_document_puts_the_flags_first)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  char *html, *flags, *val;
  cr_assert_eq(icp_report_add_text(r, "v.json", validate_doc,
                                   strlen(validate_doc), &err), ICP_OK,
               "%s", err.msg);
  html = render(r, NULL);
  flags = strstr(html, "id=\"flags\"");
  val = strstr(html, "id=\"validate\"");
  cr_assert(flags && val && flags < val);
  cr_assert(strstr(html, "Review due"));
  cr_assert(strstr(html, "conversion_drop"));
  cr_assert_null(strstr(html, "<script"));
  free(html);
  icp_report_free(r);
}

Test(report, scored_accounts_add_up_and_text_is_escaped)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  const char jsonl[] =
    "{\"domain\":\"a.io\",\"score\":82,\"tier\":\"A\",\"fired\":"
    "{\"<b>x</b>\":20}}\n"
    "{\"domain\":\"b.io\",\"score\":12,\"tier\":\"D\",\"fired\":{}}\n";
  char *html;
  cr_assert_eq(icp_report_add_text(r, "s.jsonl", jsonl, strlen(jsonl),
                                   &err), ICP_OK, "%s", err.msg);
  html = render(r, "T & <t>");
  cr_assert(strstr(html, "2 accounts scored"));
  cr_assert(strstr(html, "&lt;b&gt;x&lt;/b&gt;"));
  cr_assert_null(strstr(html, "<b>x</b>"));
  cr_assert(strstr(html, "<title>T &amp; &lt;t&gt;</title>"));
  free(html);
  icp_report_free(r);
}

Test(report, a_diff_document_draws_its_matrix)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  const char doc[] = "{\"accounts\":3,\"changed_routes\":1,\"matrix\":"
                     "{\"A\":{\"A\":1,\"B\":1},\"B\":{\"A\":0,\"B\":1}},"
                     "\"score_shift\":{\"mean\":-2},\"movers\":[]}";
  char *html;
  cr_assert_eq(icp_report_add_text(r, "d.json", doc, strlen(doc), &err),
               ICP_OK);
  html = render(r, NULL);
  cr_assert(strstr(html, "id=\"diff\""));
  cr_assert(strstr(html, "class=\"mark\""));
  cr_assert(strstr(html, "<table>"));
  free(html);
  icp_report_free(r);
}

Test(report, an_unknown_input_is_refused_with_its_line)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  const char bad[] = "{\"score\":1,\"tier\":\"A\"}\nnot json\n";
  cr_assert_eq(icp_report_add_text(r, "x.jsonl", bad, strlen(bad), &err),
               ICP_EINVAL);
  cr_assert(strstr(err.msg, "x.jsonl:2:"), "%s", err.msg);
  cr_assert_eq(icp_report_add_text(r, "y.json", "{\"a\":1}", 7, &err),
               ICP_EINVAL);
  icp_report_free(r);
}

/* accounts of a pack with tiers Hot > Warm, in an order that puts the
 * worst tier and the excluded ones first */
static const char meeting[] =
  "{\"domain\":\"x.io\",\"score\":50,\"tier\":\"excluded\",\"grade\":null,"
  "\"fired\":{},\"unknown\":[\"rev\"],\"excluded_by\":[\"tiny\"],"
  "\"route\":\"disqualified\",\"coverage\":0.5,\"pack\":{\"name\":\"p\","
  "\"version\":\"1\"}}\n"
  "{\"domain\":\"c.io\",\"score\":10,\"tier\":\"Warm\",\"grade\":\"B2\","
  "\"fired\":{\"size\":10},\"unknown\":[\"rev\"],\"excluded_by\":[],"
  "\"route\":\"sdr\",\"sla_hours\":48,\"coverage\":0.5,"
  "\"pack\":{\"name\":\"p\",\"version\":\"1\"}}\n"
  "{\"domain\":\"a.io\",\"score\":90,\"tier\":\"Hot\",\"grade\":\"A1\","
  "\"fired\":{\"size\":10,\"fit\":80},\"unknown\":[],\"excluded_by\":[],"
  "\"route\":\"ae\",\"sla_hours\":4,\"coverage\":1,"
  "\"pack\":{\"name\":\"p\",\"version\":\"1\"}}\n"
  "{\"domain\":\"b.io\",\"score\":70,\"tier\":\"Hot\",\"grade\":\"A2\","
  "\"fired\":{\"fit\":70},\"unknown\":[],\"excluded_by\":[],"
  "\"route\":\"ae\",\"sla_hours\":4,\"coverage\":1,"
  "\"pack\":{\"name\":\"p\",\"version\":\"2\"}}\n";

Test(report, the_meeting_room_sections_come_from_the_scored_accounts)
{
  struct icp_report *r = icp_report_new();
  struct icp_err err;
  char *html, *hot, *warm, *excl, *a, *b;
  cr_assert_eq(icp_report_add_text(r, "s.jsonl", meeting, strlen(meeting),
                                   &err), ICP_OK, "%s", err.msg);
  icp_report_set_as_of(r, "2026-09-30");
  html = render(r, NULL);
  /* summary: 3 of 4 in the two best tiers (Hot, Warm), 1 excluded */
  cr_assert(strstr(html, "<li>3 of 4 accounts are tier Hot or Warm (75.0%)"
                   "; 1 is excluded.</li>"), "%s", html);
  /* 1 - mean coverage = 25%; the most often unknown rule */
  cr_assert(strstr(html, "25.0% of the score rests on unknown data; the "
                   "rule most often unknown is <code>rev</code> (2 "
                   "accounts)"), "%s", html);
  cr_assert(strstr(html, "As of 2026-09-30"));
  /* tier order: by the best score seen, excluded last */
  hot = strstr(html, "<td class=\"l\">Hot</td>");
  warm = strstr(html, "<td class=\"l\">Warm</td>");
  excl = strstr(html, "<td class=\"l\">excluded</td>");
  cr_assert(hot && warm && excl && hot < warm && warm < excl);
  /* top accounts: best first, reasons strongest first, no excluded */
  a = strstr(html, "<td class=\"l\">a.io</td>");
  b = strstr(html, "<td class=\"l\">b.io</td>");
  cr_assert(a && b && a < b);
  cr_assert(strstr(html, "fit +80; size +10"));
  cr_assert_null(strstr(html, "<td class=\"l\">x.io</td>"));
  /* grades, workload, exclusions */
  cr_assert(strstr(html, "id=\"grades\""));
  cr_assert(strstr(html, "<tr><td class=\"l\">A</td><td>1</td><td>1</td>"
                   "</tr>"), "%s", html);
  cr_assert(strstr(html, "<td class=\"l\">ae</td><td>2</td><td>50.0%</td>"
                   "<td>4</td>"), "%s", html);
  cr_assert(strstr(html, "<td class=\"l\">tiny</td><td>1</td>"));
  /* two pack versions: a warning */
  cr_assert(strstr(html, "different pack versions (p 1: 3 accounts; p 2: "
                   "1 accounts)"), "%s", html);
  free(html);
  icp_report_free(r);
}
