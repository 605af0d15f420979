/* test_cases.c -- running a pack's test cases (DESIGN §5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score/cases.h"

static char dir[] = "/tmp/icp_cases_XXXXXX";

static void put(const char *name, const char *text)
{
  char path[256];
  FILE *fp;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  fp = fopen(path, "w");
  cr_assert_not_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static const char pack[] =
  "profile { name = \"t\", version = \"1\", dimensions = { fit = 1 },\n"
  "  tiers = { {\"A\", 75}, {\"B\", 40}, {\"C\", 0} } }\n"
  "rule \"a\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(100) }\n"
  "rule \"b\" { dimension = \"fit\", points = 10, when = field \"industry\" :eq \"Software\" }\n"
  "exclude \"tiny\" { when = field \"employees\" :lt(5) }\n";

/* Runs test file name, returning the report text (caller frees). */
static char *run(const char *name, struct icp_case_stats *st)
{
  struct icp_case_opts o;
  struct icp_err err;
  char path[256], *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  cr_assert_not_null(out);
  memset(&o, 0, sizeof(o));
  memset(st, 0, sizeof(*st));
  st->min_share = 1;
  o.out = out;
  o.as_of = 20000;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  cr_assert_eq(icp_cases_run_file(path, &o, st, &err), ICP_OK);
  fclose(out);
  return text;
}

static void setup(void)
{
  cr_assert_not_null(mkdtemp(dir));
  put("p.lua", pack);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
  memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

TestSuite(cases, .init = setup, .fini = teardown);

Test(cases, passing_cases_count_and_cover_rules_both_ways)
{
  struct icp_case_stats st;
  char *r;
  put("p_test.lua",
      "case \"both\" { account = { employees = 200, industry = \"Software\" },\n"
      "  expect = { tier = \"A\", fired = { \"a\", \"b\" }, score = 100 } }\n"
      "case \"none\" { account = { employees = 50, industry = \"Retail\" },\n"
      "  expect = { tier = \"C\", fired = {}, not_fired = { \"a\" } } }\n"
      "case \"tiny\" { account = { employees = 2 },\n"
      "  expect = { tier = \"excluded\", excluded_by = { \"tiny\" } } }\n");
  r = run("p_test.lua", &st);
  cr_assert_eq(st.passed, 3, "%s", r);
  cr_assert_eq(st.failed, 0, "%s", r);
  cr_assert_eq(st.rules, 3);
  cr_assert_eq(st.covered, 3, "%s", r);
  cr_assert(strstr(r, "3/3 rules and excludes"), "%s", r);
  free(r);
}

Test(cases, a_broken_case_reports_its_line_and_expected_versus_actual)
{
  struct icp_case_stats st;
  char *r;
  put("p_test.lua",
      "case \"ok\" { account = { employees = 200, industry = \"Software\" },\n"
      "  expect = { tier = \"A\" } }\n"
      "case \"wrong\" { account = { employees = 200, industry = \"Retail\" },\n"
      "  expect = { tier = \"A\", fired = { \"a\", \"b\" } } }\n");
  r = run("p_test.lua", &st);
  cr_assert_eq(st.passed, 1);
  cr_assert_eq(st.failed, 1);
  cr_assert(strstr(r, "p_test.lua:3: case \"wrong\""), "%s", r);
  cr_assert(strstr(r, "tier: expected \"A\", got \"B\""), "%s", r);
  cr_assert(strstr(r, "fired: expected {a, b}, got {a}"), "%s", r);
  cr_assert(strstr(r, "why: rule 'b' not fired (industry = \"Retail\")"),
            "%s", r);
  free(r);
}

Test(cases, an_unknown_expect_key_or_rule_name_fails_instead_of_passing)
{
  struct icp_case_stats st;
  char *r;
  put("p_test.lua",
      "case \"typo\" { account = { employees = 200 }, expect = { teir = \"A\" } }\n"
      "case \"no such rule\" { account = { employees = 200 },\n"
      "  expect = { fired_includes = { \"zzz\" } } }\n");
  r = run("p_test.lua", &st);
  cr_assert_eq(st.failed, 2, "%s", r);
  cr_assert(strstr(r, "unknown key 'teir'"), "%s", r);
  cr_assert(strstr(r, "the pack has no rule 'zzz'"), "%s", r);
  free(r);
}

Test(cases, a_pack_line_overrides_the_name_and_a_missing_pack_fails)
{
  struct icp_case_stats st;
  char *r;
  put("other_test.lua", "pack = \"p.lua\"\n"
      "case \"c\" { account = { employees = 200 }, expect = { tier = \"B\" } }\n");
  r = run("other_test.lua", &st);
  cr_assert_eq(st.passed, 1, "%s", r);
  free(r);
  put("lost_test.lua",
      "case \"c\" { account = { employees = 200 }, expect = { tier = \"B\" } }\n");
  r = run("lost_test.lua", &st);
  cr_assert_eq(st.failed, 1);
  cr_assert(strstr(r, "lost.lua"), "%s", r);
  free(r);
}

Test(cases, a_case_as_of_moves_the_date_rules_count_from)
{
  struct icp_case_stats st;
  char *r;
  put("d.lua",
      "profile { name = \"d\", dimensions = { r = 1 }, tiers = { {\"A\", 50}, {\"B\", 0} } }\n"
      "fields { seen = \"date\" }\n"
      "rule \"recent\" { dimension = \"r\", points = 1, when = field \"seen\" :within_days(30) }\n");
  put("d_test.lua",
      "case \"recent\" { as_of = \"2026-02-01\", account = { seen = \"2026-01-15\" },\n"
      "  expect = { tier = \"A\" } }\n"
      "case \"stale\" { as_of = \"2026-06-01\", account = { seen = \"2026-01-15\" },\n"
      "  expect = { tier = \"B\" } }\n");
  r = run("d_test.lua", &st);
  cr_assert_eq(st.passed, 2, "%s", r);
  free(r);
}

Test(cases, an_account_value_that_does_not_fit_fails_the_case)
{
  struct icp_case_stats st;
  char *r;
  put("p_test.lua",
      "case \"text for a number\" { account = { employees = \"many\" },\n"
      "  expect = { tier = \"C\" } }\n"
      "case \"a table in a list\" { account = { tech = { {} } },\n"
      "  expect = { tier = \"C\" } }\n");
  r = run("p_test.lua", &st);
  cr_assert_eq(st.failed, 2, "%s", r);
  cr_assert(strstr(r, "account: column 'employees': 'many' is not a "
                      "number"), "%s", r);
  cr_assert(strstr(r, "account: field 'tech': list items are strings"),
            "%s", r);
  free(r);
}

Test(cases, a_case_expects_a_grade_or_none)
{
  struct icp_case_stats st;
  char *r;
  put("g.lua",
      "profile { name = \"g\", dimensions = { fit = 1, eng = 1 },\n"
      "  tiers = { {\"A\", 50}, {\"B\", 0} } }\n"
      "rule \"a\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(100) }\n"
      "rule \"e\" { dimension = \"eng\", points = 10, when = field \"open_jobs\" :gt(3) }\n"
      "exclude \"tiny\" { when = field \"employees\" :lt(5) }\n"
      "grade { rows = { dimension = \"fit\", cuts = { {\"A\", 50}, {\"B\", 0} } },\n"
      "  cols = { dimension = \"eng\", cuts = { {\"1\", 50}, {\"2\", 0} } } }\n"
      "route { grade = \"A*\", to = \"ae\" }\n"
      "route { default = true, to = \"nurture\" }\n");
  put("g_test.lua",
      "case \"fit, cold\" { account = { employees = 200, open_jobs = 0 },\n"
      "  expect = { grade = \"A2\", route = \"ae\" } }\n"
      "case \"tiny\" { account = { employees = 2 }, expect = { grade = false } }\n"
      "case \"wrong\" { account = { employees = 20, open_jobs = 9 },\n"
      "  expect = { grade = \"A1\" } }\n"
      "case \"not none\" { account = { employees = 20 }, expect = { grade = false } }\n");
  r = run("g_test.lua", &st);
  cr_assert_eq(st.passed, 2, "%s", r);
  cr_assert_eq(st.failed, 2, "%s", r);
  cr_assert(strstr(r, "grade: expected \"A1\", got \"B1\""), "%s", r);
  cr_assert(strstr(r, "grade: expected none, got \"B2\""), "%s", r);
  cr_assert(strstr(r, "actual: tier A, grade B1,"), "%s", r);
  free(r);
}
