/* test_plan.c -- compiled predicates: every operator with present, missing
 * and wrong-type values, and three-valued (Kleene) combinators. */
#include "test_support.h"

/* One rule per predicate; outcomes are read back by rule name. */
static const char pack_text[] =
  T_PROFILE
  "fields { demo = \"bool\", seen = \"date\", tags = \"list\",\n"
  "         note = \"string\" }\n"
  "rule \"eq_num\" { dimension = \"fit\", points = 1, when = field \"employees\" :eq(100) }\n"
  "rule \"ne_num\" { dimension = \"fit\", points = 1, when = field \"employees\" :ne(100) }\n"
  "rule \"eq_str\" { dimension = \"fit\", points = 1, when = field \"industry\" :eq(\"Software\") }\n"
  "rule \"ne_str\" { dimension = \"fit\", points = 1, when = field \"industry\" :ne(\"Software\") }\n"
  "rule \"eq_bool\" { dimension = \"fit\", points = 1, when = field \"demo\" :eq(true) }\n"
  "rule \"eq_date\" { dimension = \"fit\", points = 1, when = field \"seen\" :eq(\"2024-01-15\") }\n"
  "rule \"lt\" { dimension = \"fit\", points = 1, when = field \"employees\" :lt(100) }\n"
  "rule \"lte\" { dimension = \"fit\", points = 1, when = field \"employees\" :lte(100) }\n"
  "rule \"gt\" { dimension = \"fit\", points = 1, when = field \"employees\" :gt(100) }\n"
  "rule \"gte\" { dimension = \"fit\", points = 1, when = field \"employees\" :gte(100) }\n"
  "rule \"between\" { dimension = \"fit\", points = 1, when = field \"employees\" :between(50, 2000) }\n"
  "rule \"date_lt\" { dimension = \"fit\", points = 1, when = field \"seen\" :lt(\"2024-02-01\") }\n"
  "rule \"date_between\" { dimension = \"fit\", points = 1, when = field \"seen\" :between(\"2024-01-01\", \"2024-01-31\") }\n"
  "rule \"one_of\" { dimension = \"fit\", points = 1, when = field \"industry\" :one_of { \"Software\", \"Financial Services\" } }\n"
  "rule \"one_of_num\" { dimension = \"fit\", points = 1, when = field \"employees\" :one_of { 10, 100 } }\n"
  "rule \"has\" { dimension = \"fit\", points = 1, when = field \"tech\" :has \"Amazon Web Services\" }\n"
  "rule \"has_any\" { dimension = \"fit\", points = 1, when = field \"tech\" :has_any { \"Snowflake\", \"Google Cloud\" } }\n"
  "rule \"has_all\" { dimension = \"fit\", points = 1, when = field \"tech\" :has_all { \"Snowflake\", \"Looker\" } }\n"
  "rule \"contains\" { dimension = \"fit\", points = 1, when = field \"name\" :contains \"a.c\" }\n"
  "rule \"contains_list\" { dimension = \"fit\", points = 1, when = field \"tags\" :contains \"vip\" }\n"
  "rule \"exists\" { dimension = \"fit\", points = 1, when = field \"employees\" :exists() }\n"
  "rule \"missing\" { dimension = \"fit\", points = 1, when = field \"employees\" :missing() }\n"
  "rule \"is_true\" { dimension = \"fit\", points = 1, when = field \"demo\" :is_true() }\n"
  "rule \"is_false\" { dimension = \"fit\", points = 1, when = field \"demo\" :is_false() }\n"
  "rule \"within\" { dimension = \"fit\", points = 1, when = field \"seen\" :within_days(30) }\n"
  "rule \"older\" { dimension = \"fit\", points = 1, when = field \"seen\" :older_than_days(30) }\n"
  "rule \"any_gt\" { dimension = \"fit\", points = 1, when = field \"anyf\" :gt(5) }\n"
  "rule \"any_within\" { dimension = \"fit\", points = 1, when = field \"anyd\" :within_days(10) }\n";

static struct tp t;

static void setup(void)
{
  tp_ok(&t, pack_text);
  tp_as_of(&t, "2024-02-14");
}

static void teardown(void)
{
  tp_free(&t);
}

TestSuite(plan, .init = setup, .fini = teardown);

#define OUT(rule, want)                                                   \
  cr_expect_eq(tp_out(&t, rule), (want), "%s: got %d, want %d", rule,    \
               (int)tp_out(&t, rule), (int)(want))

Test(plan, everything_is_unknown_on_an_empty_account_but_exists_missing)
{
  static const char *const rules[] = {
    "eq_num", "ne_num", "eq_str", "ne_str", "eq_bool", "eq_date", "lt",
    "lte", "gt", "gte", "between", "date_lt", "date_between", "one_of",
    "one_of_num", "has", "has_any", "has_all", "contains", "contains_list",
    "is_true", "is_false", "within", "older", "any_gt", "any_within", NULL
  };
  const char *const *r;
  tp_acct(&t, NULL);
  tp_score(&t);
  for(r = rules; *r; r++)
    OUT(*r, ICP_UNKNOWN);
  OUT("exists", ICP_FALSE);
  OUT("missing", ICP_TRUE);
}

Test(plan, numbers_compare_with_inclusive_bounds)
{
  tp_acct(&t, "employees=100", NULL);
  tp_score(&t);
  OUT("eq_num", ICP_TRUE);
  OUT("ne_num", ICP_FALSE);
  OUT("lt", ICP_FALSE);
  OUT("lte", ICP_TRUE);
  OUT("gt", ICP_FALSE);
  OUT("gte", ICP_TRUE);
  OUT("between", ICP_TRUE);
  OUT("one_of_num", ICP_TRUE);
  OUT("exists", ICP_TRUE);
  OUT("missing", ICP_FALSE);

  tp_acct(&t, "employees=99.5", NULL);
  tp_score(&t);
  OUT("eq_num", ICP_FALSE);
  OUT("ne_num", ICP_TRUE);
  OUT("lt", ICP_TRUE);
  OUT("gt", ICP_FALSE);
  OUT("one_of_num", ICP_FALSE);

  tp_acct(&t, "employees=50", NULL);
  tp_score(&t);
  OUT("between", ICP_TRUE);
  tp_acct(&t, "employees=2000", NULL);
  tp_score(&t);
  OUT("between", ICP_TRUE);
  tp_acct(&t, "employees=49", NULL);
  tp_score(&t);
  OUT("between", ICP_FALSE);
  tp_acct(&t, "employees=2001", NULL);
  tp_score(&t);
  OUT("between", ICP_FALSE);
}

Test(plan, a_number_predicate_on_a_string_value_is_unknown)
{
  tp_acct(&t, NULL);
  tp_str(&t, "employees", "100");
  tp_score(&t);
  OUT("eq_num", ICP_UNKNOWN);
  OUT("ne_num", ICP_UNKNOWN);
  OUT("lt", ICP_UNKNOWN);
  OUT("between", ICP_UNKNOWN);
  OUT("one_of_num", ICP_UNKNOWN);
  OUT("exists", ICP_TRUE);
  OUT("missing", ICP_FALSE);
}

Test(plan, strings_compare_case_insensitively)
{
  tp_acct(&t, "industry=SOFTWARE", NULL);
  tp_score(&t);
  OUT("eq_str", ICP_TRUE);
  OUT("ne_str", ICP_FALSE);
  OUT("one_of", ICP_TRUE);
  tp_acct(&t, "industry=financial services", NULL);
  tp_score(&t);
  OUT("eq_str", ICP_FALSE);
  OUT("ne_str", ICP_TRUE);
  OUT("one_of", ICP_TRUE);
  tp_acct(&t, "industry=Retail", NULL);
  tp_score(&t);
  OUT("one_of", ICP_FALSE);
}

Test(plan, a_string_predicate_on_a_number_value_is_unknown)
{
  tp_acct(&t, NULL);
  tp_num(&t, "industry", 7);
  tp_score(&t);
  OUT("eq_str", ICP_UNKNOWN);
  OUT("ne_str", ICP_UNKNOWN);
  OUT("one_of", ICP_UNKNOWN);
  tp_acct(&t, NULL);
  tp_num(&t, "name", 7);
  tp_score(&t);
  OUT("contains", ICP_UNKNOWN);
}

Test(plan, bools)
{
  tp_acct(&t, "demo=yes", NULL);
  tp_score(&t);
  OUT("eq_bool", ICP_TRUE);
  OUT("is_true", ICP_TRUE);
  OUT("is_false", ICP_FALSE);
  tp_acct(&t, "demo=false", NULL);
  tp_score(&t);
  OUT("eq_bool", ICP_FALSE);
  OUT("is_true", ICP_FALSE);
  OUT("is_false", ICP_TRUE);
  tp_acct(&t, NULL);
  tp_str(&t, "demo", "true"); /* a string, not a bool */
  tp_score(&t);
  OUT("eq_bool", ICP_UNKNOWN);
  OUT("is_true", ICP_UNKNOWN);
  OUT("is_false", ICP_UNKNOWN);
}

Test(plan, lists_match_items_case_insensitively)
{
  tp_acct(&t, "tech=Amazon Web Services; snowflake ;Looker", NULL);
  tp_score(&t);
  OUT("has", ICP_TRUE);
  OUT("has_any", ICP_TRUE);
  OUT("has_all", ICP_TRUE);
  tp_acct(&t, "tech=amazon web services;Google Cloud", NULL);
  tp_score(&t);
  OUT("has", ICP_TRUE);
  OUT("has_any", ICP_TRUE);
  OUT("has_all", ICP_FALSE);
  tp_acct(&t, "tech=Heroku", NULL);
  tp_score(&t);
  OUT("has", ICP_FALSE);
  OUT("has_any", ICP_FALSE);
  OUT("has_all", ICP_FALSE);
  /* "Amazon" is not the item "Amazon Web Services" */
  tp_acct(&t, "tech=Amazon", NULL);
  tp_score(&t);
  OUT("has", ICP_FALSE);
}

Test(plan, list_predicates_on_a_number_are_unknown)
{
  tp_acct(&t, NULL);
  tp_num(&t, "tech", 3);
  tp_score(&t);
  OUT("has", ICP_UNKNOWN);
  OUT("has_any", ICP_UNKNOWN);
  OUT("has_all", ICP_UNKNOWN);
}

Test(plan, has_on_a_single_string_compares_it_as_one_item)
{
  /* engine choice: a plain string value behaves as a one-item list */
  tp_acct(&t, NULL);
  tp_str(&t, "tech", "amazon web services");
  tp_score(&t);
  OUT("has", ICP_TRUE);
  OUT("has_all", ICP_FALSE);
}

Test(plan, contains_is_a_plain_case_insensitive_substring)
{
  tp_acct(&t, "name=The A.C Company", NULL);
  tp_score(&t);
  OUT("contains", ICP_TRUE);
  tp_acct(&t, "name=abc", NULL); /* '.' is not a pattern */
  tp_score(&t);
  OUT("contains", ICP_FALSE);
  tp_acct(&t, "tags=big;VIP-2024", NULL);
  tp_score(&t);
  OUT("contains_list", ICP_TRUE);
  tp_acct(&t, "tags=big;small", NULL);
  tp_score(&t);
  OUT("contains_list", ICP_FALSE);
}

Test(plan, dates_compare_and_age_against_as_of)
{
  tp_acct(&t, "seen=2024-01-15", NULL); /* 30 days before 2024-02-14 */
  tp_score(&t);
  OUT("eq_date", ICP_TRUE);
  OUT("date_lt", ICP_TRUE);
  OUT("date_between", ICP_TRUE);
  OUT("within", ICP_TRUE);
  OUT("older", ICP_FALSE);
  tp_acct(&t, "seen=2024-01-14", NULL); /* 31 days */
  tp_score(&t);
  OUT("eq_date", ICP_FALSE);
  OUT("within", ICP_FALSE);
  OUT("older", ICP_TRUE);
  tp_acct(&t, "seen=2024-02-01", NULL);
  tp_score(&t);
  OUT("date_lt", ICP_FALSE);
  OUT("date_between", ICP_FALSE);
}

Test(plan, as_of_moves_within_days)
{
  tp_acct(&t, "seen=2024-01-15", NULL);
  tp_as_of(&t, "2024-06-01");
  tp_score(&t);
  OUT("within", ICP_FALSE);
  OUT("older", ICP_TRUE);
  tp_as_of(&t, "2024-01-20");
  tp_score(&t);
  OUT("within", ICP_TRUE);
  OUT("older", ICP_FALSE);
}

Test(plan, a_date_after_as_of_is_neither_within_nor_older)
{
  /* engine choice (DESIGN is silent): a future date is known, not fired */
  tp_acct(&t, "seen=2024-03-01", NULL);
  tp_score(&t);
  OUT("within", ICP_FALSE);
  OUT("older", ICP_FALSE);
}

Test(plan, date_predicates_take_a_yyyy_mm_dd_string_value)
{
  tp_acct(&t, NULL);
  tp_str(&t, "seen", "2024-02-10");
  tp_str(&t, "anyd", "2024-02-10");
  tp_score(&t);
  OUT("within", ICP_TRUE);
  OUT("any_within", ICP_TRUE);
  tp_acct(&t, NULL);
  tp_str(&t, "seen", "last week");
  tp_num(&t, "anyd", 20240210);
  tp_score(&t);
  OUT("within", ICP_UNKNOWN);
  OUT("any_within", ICP_UNKNOWN);
}

Test(plan, undeclared_fields_are_typed_per_value)
{
  tp_acct(&t, "anyf=7", NULL);
  tp_score(&t);
  OUT("any_gt", ICP_TRUE);
  tp_acct(&t, "anyf=3", NULL);
  tp_score(&t);
  OUT("any_gt", ICP_FALSE);
  tp_acct(&t, "anyf=seven", NULL);
  tp_score(&t);
  OUT("any_gt", ICP_UNKNOWN);
}

/* ---- Kleene logic ------------------------------------------------------ */

/* a = true when x=1, false when x=0, unknown when missing; same for b/y */
static const char kleene_text[] =
  T_PROFILE
  "local a, b = field \"x\" :eq(1), field \"y\" :eq(1)\n"
  "rule \"all\" { dimension = \"fit\", points = 1, when = all { a, b } }\n"
  "rule \"any\" { dimension = \"fit\", points = 1, when = any { a, b } }\n"
  "rule \"none\" { dimension = \"fit\", points = 1, when = none { a, b } }\n"
  "rule \"nested\" { dimension = \"fit\", points = 1,\n"
  "  when = all { any { a, b }, none { field \"z\" :eq(1) } } }\n";

/* the outcome as an int, to compare with the table below */
static int kleene(struct tp *k, const char *rule, int x, int y)
{
  icp_account_clear(k->a);
  if(x != ICP_UNKNOWN)
    tp_num(k, "x", x);
  if(y != ICP_UNKNOWN)
    tp_num(k, "y", y);
  tp_score(k);
  return tp_out(k, rule);
}

Test(kleene, truth_tables_of_all_any_none)
{
  /* rows: x, y, all, any, none (2 = unknown) */
  static const int rows[9][5] = {
    { 1, 1, 1, 1, 0 }, { 1, 0, 0, 1, 0 }, { 1, 2, 2, 1, 0 },
    { 0, 1, 0, 1, 0 }, { 0, 0, 0, 0, 1 }, { 0, 2, 0, 2, 2 },
    { 2, 1, 2, 1, 0 }, { 2, 0, 0, 2, 2 }, { 2, 2, 2, 2, 2 },
  };
  struct tp k;
  int i;
  tp_ok(&k, kleene_text);
  for(i = 0; i < 9; i++) {
    int x = rows[i][0], y = rows[i][1];
    cr_expect_eq(kleene(&k, "all", x, y), rows[i][2], "all(%d,%d)", x, y);
    cr_expect_eq(kleene(&k, "any", x, y), rows[i][3], "any(%d,%d)", x, y);
    cr_expect_eq(kleene(&k, "none", x, y), rows[i][4], "none(%d,%d)", x,
                 y);
  }
  tp_free(&k);
}

Test(kleene, nested_combinators)
{
  struct tp k;
  tp_ok(&k, kleene_text);
  /* any{T,U} = T, none{U} = U: all{T,U} = U */
  cr_expect_eq(kleene(&k, "nested", 1, ICP_UNKNOWN), ICP_UNKNOWN);
  tp_num(&k, "z", 0);
  tp_score(&k);
  cr_expect_eq(tp_out(&k, "nested"), ICP_TRUE);
  tp_num(&k, "z", 1);
  tp_score(&k);
  cr_expect_eq(tp_out(&k, "nested"), ICP_FALSE);
  tp_free(&k);
}

Test(kleene, eval_of_compiled_nodes_directly)
{
  struct tp k;
  struct icp_eval_ctx ctx;
  tp_ok(&k, kleene_text);
  memset(&ctx, 0, sizeof(ctx));
  ctx.a = k.a;
  ctx.pack = k.pack;
  ctx.share = 1;
  tp_num(&k, "x", 0);
  cr_assert_eq(icp_plan_eval(&k.pack->plan,
                             k.pack->rules[tp_rule(&k, "all")].root, &ctx),
               ICP_FALSE);
  cr_assert_eq(icp_plan_eval(&k.pack->plan,
                             k.pack->rules[tp_rule(&k, "any")].root, &ctx),
               ICP_UNKNOWN);
  cr_assert_str_eq(icp_op_name(ICP_OP_HAS_ALL), "has_all");
  cr_assert_str_eq(icp_op_name(ICP_OP_LUA), "function");
  tp_free(&k);
}
