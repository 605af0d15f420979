/* test_dsl.c -- loading rule packs and every load-time diagnostic, each
 * naming the pack file and the line. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_support.h"

#define RULE_OK \
  "rule \"ok\" { dimension = \"fit\", points = 10, when = field \"employees\" :gt(1) }\n"

/* Loads text, expects a load error with a diagnostic containing needle. */
static void expect_diag(const char *text, const char *needle)
{
  struct tp t;
  tp_load(&t, text);
  assert_diag(&t, needle);
  tp_free(&t);
}

Test(dsl, a_valid_pack_loads_with_everything_recorded)
{
  struct tp t;
  tp_ok(&t, "profile { name = \"b2b\", version = \"2026.1\", description = \"d\",\n"
        "  dimensions = { fit = 50, readiness = 30, engagement = 20 },\n"
        "  tiers = { {\"A\", 80}, {\"B\", 60}, {\"C\", 40}, {\"D\", 0} },\n"
        "  min_coverage = 0.5 }\n"
        "fields { demo = \"bool\", last = \"date\", tags = \"list\" }\n"
        "rule \"a\" { dimension = \"fit\", points = 20, when = field \"employees\" :between(50, 2000) }\n"
        "rule \"b\" { dimension = \"readiness\", field = \"employees\", bands = { {0, 9, 0}, {10, nil, 5} } }\n"
        "rule \"c\" { dimension = \"engagement\", points = 10, when = field \"demo\" :is_true(),\n"
        "  decay = { date = \"last\", half_life_days = 30 }, description = \"x\" }\n"
        "exclude \"x\" { when = field \"employees\" :lt(10), reason = \"small\" }\n"
        "route { tier = \"A\", to = \"ae\", sla_hours = 1 }\n"
        "route { default = true, to = \"nurture\" }\n");
  cr_assert_eq(icp_pack_ndiags(t.pack), 0);
  cr_assert_str_eq(t.pack->name, "b2b");
  cr_assert_str_eq(t.pack->version, "2026.1");
  cr_assert_eq(t.pack->nrules, 3);
  cr_assert_eq(t.pack->nexcl, 1);
  cr_assert_eq(t.pack->nroutes, 2);
  cr_assert_eq(t.pack->ntiers, 4);
  cr_assert_eq(t.pack->ndims, 3);
  /* dimensions are kept by descending weight */
  cr_assert_str_eq(t.pack->dims[0].name, "fit");
  cr_assert_str_eq(t.pack->dims[2].name, "engagement");
  cr_assert_float_eq(t.pack->min_coverage, 0.5, EPS);
  cr_assert_eq(t.pack->rules[2].line, 8);
  cr_assert_float_eq(t.pack->rules[2].half_life, 30, EPS);
  cr_assert_eq(icp_schema_type(t.schema, tp_id(&t, "demo")), ICP_T_BOOL);
  cr_assert_eq(icp_pack_nwarnings(t.pack), 0);
  tp_free(&t);
}

Test(dsl, a_pack_loads_from_a_file_and_a_missing_file_is_an_io_error)
{
  char path[] = "/tmp/icp_dsl_XXXXXX";
  const char *text = T_PROFILE RULE_OK;
  struct icp_schema *s = icp_schema_new();
  struct icp_pack *p = icp_pack_new(s, NULL), *q = icp_pack_new(s, NULL);
  struct icp_err err;
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  cr_assert_eq(icp_pack_load_file(p, path, &err), ICP_OK, "%s", err.msg);
  cr_assert_eq(icp_pack_load_text(p, path, text, strlen(text), &err),
               ICP_EINVAL); /* once per pack */
  unlink(path);
  cr_assert_eq(icp_pack_load_file(q, path, &err), ICP_EIO);
  cr_assert(strstr(err.msg, path));
  icp_pack_free(p);
  icp_pack_free(q);
  icp_schema_free(s);
}

Test(dsl, unknown_keys_name_the_file_and_line)
{
  expect_diag(T_PROFILE "\n"
              "rule \"r\" { dimension = \"fit\", pointz = 10, points = 1,\n"
              "  when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': unknown key 'pointz'");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 0} }, colour = \"red\" }\n" RULE_OK,
              "pk.lua:1: profile: unknown key 'colour'");
  expect_diag(T_PROFILE RULE_OK
              "exclude \"x\" { when = field \"x\" :eq(1), because = 1 }\n",
              "pk.lua:4: exclude 'x': unknown key 'because'");
  expect_diag(T_PROFILE RULE_OK "route { default = true, to = \"x\", sla = 3 }\n",
              "pk.lua:4: route: unknown key 'sla'");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1),\n"
              "  decay = { date = \"d\", half_life = 3 } }\n",
              "pk.lua:3: rule 'r': unknown key 'half_life'");
}

Test(dsl, unknown_dimension)
{
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fitt\", points = 1, when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': unknown dimension 'fitt'");
  expect_diag(T_PROFILE "rule \"r\" { points = 1, when = field \"x\" :eq(1) }\n",
              "pk.lua:3: rule 'r': dimension is required");
}

Test(dsl, duplicate_names)
{
  expect_diag(T_PROFILE RULE_OK RULE_OK,
              "pk.lua:4: rule 'ok': duplicate name (first at line 3)");
  expect_diag(T_PROFILE RULE_OK
              "exclude \"ok\" { when = field \"x\" :eq(1) }\n",
              "pk.lua:4: exclude 'ok': duplicate name (first at line 3)");
  expect_diag(T_PROFILE T_PROFILE RULE_OK,
              "pk.lua:3: profile: declared twice (first at line 1)");
}

Test(dsl, tiers_must_descend)
{
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"B\", 50}, {\"A\", 80} } }\n" RULE_OK,
              "pk.lua:1: profile: tiers must be in descending order of "
              "threshold ('A' 80 after 'B' 50)");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 50}, {\"B\", 50} } }\n" RULE_OK,
              "tiers must be in descending order");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 50}, {\"A\", 10} } }\n" RULE_OK,
              "pk.lua:1: profile: tier 'A' appears twice");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"excluded\", 50} } }\n" RULE_OK,
              "'excluded' cannot name a tier");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\"} } }\n" RULE_OK,
              "pk.lua:1: profile: tier 1 must be {\"name\", threshold}");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 }, tiers = {} }\n"
              RULE_OK, "tiers must hold 1 to 100 tiers");
}

Test(dsl, thresholds_must_be_within_0_and_100)
{
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 101} } }\n" RULE_OK,
              "pk.lua:1: profile: tier 'A' threshold must be in [0, 100]");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", -1} } }\n" RULE_OK,
              "tier 'A' threshold must be in [0, 100]");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 0/0} } }\n" RULE_OK,
              "tier 'A' threshold must be in [0, 100]");
}

Test(dsl, a_declared_dimension_without_rules_is_an_error)
{
  expect_diag("profile { name = \"t\", dimensions = { fit = 1, empty = 2 },\n"
              "  tiers = { {\"A\", 0} } }\n" RULE_OK,
              "pk.lua:1: dimension 'empty' has no rules");
  expect_diag(T_PROFILE
              "rule \"p\" { dimension = \"fit\", points = -5, when = field \"x\" :eq(1) }\n",
              "pk.lua:1: dimension 'fit' has no rule with positive points");
}

Test(dsl, weights_must_be_finite_and_positive)
{
  static const char *const bad[] = { "0", "-1", "0/0", "math.huge" };
  char text[512];
  size_t i;
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    snprintf(text, sizeof(text),
             "profile { name = \"t\", dimensions = { fit = 1, r = %s },\n"
             "  tiers = { {\"A\", 0} } }\n" RULE_OK
             "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1) }\n",
             bad[i]);
    expect_diag(text, "pk.lua:1: profile: dimension 'r' weight must be "
                "finite and > 0");
  }
  expect_diag("profile { name = \"t\", dimensions = { fit = \"x\" },\n"
              "  tiers = { {\"A\", 0} } }\n" RULE_OK,
              "profile: dimensions are name = weight");
  expect_diag("profile { name = \"t\", dimensions = {}, tiers = { {\"A\", 0} } }\n",
              "pk.lua:1: profile: no dimensions");
}

Test(dsl, points_must_be_finite_and_bounded)
{
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 0/0, when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': points must be finite");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = -math.huge, when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': points must be finite");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1000001, when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': points 1e+06 outside [-1e6, 1e6]");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = \"10\", when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': points must be a number, not a string");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", when = field \"x\" :eq(1) }\n",
              "pk.lua:4: rule 'r': points is required");
}

Test(dsl, points_at_the_bounds_are_fine)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 1e6, when = field \"x\" :eq(1) }\n"
        "rule \"p\" { dimension = \"fit\", points = -1e6, when = field \"y\" :eq(1) }\n");
  cr_assert_float_eq(t.pack->dims[0].max, 1e6, EPS);
  tp_free(&t);
}

Test(dsl, half_lives_must_be_positive)
{
  static const char *const bad[] = { "0", "-3", "0/0", "\"30\"" };
  char text[512];
  size_t i;
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    snprintf(text, sizeof(text), T_PROFILE
             "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1),\n"
             "  decay = { date = \"d\", half_life_days = %s } }\n", bad[i]);
    expect_diag(text, "pk.lua:3: rule 'r': decay half_life_days must be "
                "a number > 0");
  }
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1),\n"
              "  decay = { half_life_days = 3 } }\n",
              "pk.lua:3: rule 'r': decay needs a date field");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1),\n"
              "  decay = { date = \"employees\", half_life_days = 3 } }\n",
              "decay date field 'employees' is a number, not a date");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1),\n"
              "  decay = 30 }\n", "pk.lua:3: rule 'r': decay must be");
}

Test(dsl, min_coverage_must_be_a_share)
{
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 },\n"
              "  tiers = { {\"A\", 0} }, min_coverage = 1.5 }\n" RULE_OK,
              "pk.lua:1: profile: min_coverage must be in [0, 1]");
}

Test(dsl, predicates_on_fields_of_the_wrong_type)
{
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"employees\" :eq(\"many\") }\n",
              "pk.lua:3: rule 'r': eq on field 'employees' (number) has an "
              "argument of the wrong type");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1,\n"
              "  when = all { field \"x\" :eq(1),\n"
              "               field \"industry\" :has \"Software\" } }\n",
              "pk.lua:5: rule 'r': has on field 'industry' (string) needs a "
              "list field");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"tech\" :gt(3) }\n",
              "pk.lua:3: rule 'r': gt on field 'tech' (list) needs a number "
              "field");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"tech\" :eq(\"x\") }\n",
              "compares a list: use has/has_any");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"industry\" :is_true() }\n",
              "is_true on field 'industry' (string) needs a bool field");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"employees\" :within_days(3) }\n",
              "within_days on field 'employees' (number) needs a date field");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"updated_at\" :within_days(-1) }\n",
              "takes a number of days >= 0");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"employees\" :between(10, 5) }\n",
              "has its low bound above its high bound");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"employees\" :between(10) }\n",
              "between takes 2 argument(s)");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"industry\" :one_of { \"a\", 3 } }\n",
              "one_of takes strings, item 2 is number");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"tech\" :has_any {} }\n",
              "has_any needs a non-empty list");
  expect_diag(T_PROFILE
              "fields { demo = \"bool\" }\n"
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"demo\" :eq(\"yes\") }\n",
              "pk.lua:4: rule 'r': eq on field 'demo' (bool)");
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(0/0) }\n",
              "eq on field 'x' (undeclared) has an argument of the wrong type");
}

Test(dsl, declared_types_decide_the_check)
{
  /* fields{} may come after the rules that use the field */
  expect_diag(T_PROFILE
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"score\" :gt(3) }\n"
              "fields { score = \"string\" }\n",
              "gt on field 'score' (string)");
  expect_diag(T_PROFILE RULE_OK "fields { employees = \"string\" }\n",
              "pk.lua:4: fields:");
  expect_diag(T_PROFILE RULE_OK "fields { x = \"integer\" }\n",
              "pk.lua:4: fields: 'x' has unknown type 'integer'");
}

Test(dsl, an_undeclared_list_predicate_is_a_warning)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 1, when = field \"stack\" :has \"x\" }\n");
  cr_assert(tp_has_warning(&t, "pk.lua:3: field 'stack' is not declared"));
  cr_assert(tp_has_warning(&t, "no default route"));
  cr_assert_eq(icp_schema_type(t.schema, tp_id(&t, "stack")), ICP_T_LIST);
  tp_free(&t);
}

Test(dsl, rule_shapes)
{
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1 }\n",
              "pk.lua:4: rule 'r': give either points + when, or field + "
              "bands");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, when = true }\n",
              "pk.lua:4: rule 'r': when must be a predicate");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, when = field \"x\" }\n",
              "when must be a predicate");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, field = \"x\", when = field \"x\" :eq(1) }\n",
              "field goes with bands, not with when");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, when = all { 5 } }\n",
              "pk.lua:4: rule 'r': expected a predicate or a function(a), "
              "got a number");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, when = all { field \"x\" } }\n",
              "got a field without a predicate");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1, when = all {} }\n",
              "all{} needs at least one predicate");
  expect_diag(T_PROFILE RULE_OK "exclude \"x\" { reason = \"r\" }\n",
              "pk.lua:4: exclude 'x': when is required");
  expect_diag(T_PROFILE RULE_OK "rule \"\" { dimension = \"fit\" }\n",
              "pk.lua:4: rule name is empty");
}

Test(dsl, hand_made_or_tampered_predicate_tables_are_diagnosed)
{
  /* these used to abort the process (an unprotected Lua error) or load a
   * rule with no compiled predicate */
  expect_diag(T_PROFILE
              "local p = field \"employees\" :gt(1)\n"
              "p.args = nil\n"
              "rule \"r\" { dimension = \"fit\", points = 1, when = p }\n",
              "pk.lua:3: rule 'r': gt predicate without its arguments");
  expect_diag(T_PROFILE
              "local p = field \"employees\" :gt(1)\n"
              "p.field = {}\n"
              "rule \"r\" { dimension = \"fit\", points = 1, when = all { p } }\n",
              "rule 'r': gt predicate without a field name");
  expect_diag(T_PROFILE
              "local p = all { field \"x\" :eq(1) }\n"
              "p.kids = 3\n"
              "rule \"r\" { dimension = \"fit\", points = 1, when = p }\n",
              "pk.lua:3: rule 'r': all{} takes a list of predicates");
  expect_diag(T_PROFILE
              "local p = field \"x\" :eq(1)\n"
              "p.op = 42\n"
              "rule \"r\" { dimension = \"fit\", points = 1, when = p }\n",
              "got a field without a predicate");
  expect_diag(T_PROFILE RULE_OK
              "rule \"r\" { dimension = \"fit\", points = 1,\n"
              "  when = all { setmetatable({ op = \"eq\" }, {}) } }\n",
              "pk.lua:4: rule 'r': expected a predicate such as");
}

Test(dsl, bands)
{
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\",\n"
              "  bands = { {0, 100, 5}, {50, 200, 10} } }\n",
              "pk.lua:4: rule 'b': bands 1 and 2 overlap");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\", bands = { {10, 5, 1} } }\n",
              "pk.lua:4: rule 'b': band 1 has lo 10 above hi 5");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\", bands = { {0, 5, -1} } }\n",
              "band 1 points must be in [0, 1e6]");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\", bands = { {0, 5, 0/0} } }\n",
              "band 1 must be {lo, hi, points} with finite numbers");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"industry\", bands = { {0, 5, 1} } }\n",
              "pk.lua:4: rule 'b': bands need a number field, 'industry' is "
              "a string");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\", points = 3,\n"
              "  bands = { {0, 5, 1} } }\n",
              "a banded rule takes its points from its bands");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", bands = { {0, 5, 1} } }\n",
              "pk.lua:4: rule 'b': bands need a field");
  expect_diag(T_PROFILE RULE_OK
              "rule \"b\" { dimension = \"fit\", field = \"employees\", bands = {} }\n",
              "bands must hold 1 to 1000 bands");
}

Test(dsl, routes)
{
  expect_diag(T_PROFILE RULE_OK "route { tier = \"Z\", to = \"x\" }\n",
              "pk.lua:4: route: unknown tier 'Z'");
  expect_diag(T_PROFILE RULE_OK
              "route { default = true, to = \"x\" }\n"
              "route { default = true, to = \"y\" }\n",
              "pk.lua:5: route: a second default route");
  expect_diag(T_PROFILE RULE_OK "route { tier = \"A\" }\n",
              "pk.lua:4: route: 'to' is required");
  expect_diag(T_PROFILE RULE_OK
              "route { tier = \"A\", default = true, to = \"x\" }\n",
              "give one of tier = \"...\", grade = \"...\" or default = true");
  expect_diag(T_PROFILE RULE_OK
              "route { tier = \"A\", to = \"x\", sla_hours = -1 }\n",
              "pk.lua:4: route: sla_hours must be >= 0");
}

Test(dsl, profile_is_required_with_name_dimensions_and_tiers)
{
  expect_diag(RULE_OK, "pk.lua:1: no profile");
  expect_diag("profile { dimensions = { fit = 1 }, tiers = { {\"A\", 0} } }\n"
              RULE_OK, "pk.lua:1: profile: name is required");
  expect_diag("profile { name = \"t\", tiers = { {\"A\", 0} } }\n" RULE_OK,
              "profile: dimensions = { fit = 50, ... } is required");
  expect_diag("profile { name = \"t\", dimensions = { fit = 1 } }\n" RULE_OK,
              "profile: tiers = { {\"A\", 80}, ... } is required");
}

Test(dsl, lua_errors_name_the_file_and_line)
{
  expect_diag(T_PROFILE RULE_OK "rule \"x\" {{\n", "pk.lua:");
  expect_diag(T_PROFILE RULE_OK "local x = \n\n", "pk.lua:6:");
  expect_diag(T_PROFILE RULE_OK "\nerror(\"custom failure\")\n",
              "pk.lua:5: custom failure");
  expect_diag(T_PROFILE RULE_OK "undefined_function()\n",
              "pk.lua:4: attempt to call a nil value (global "
              "'undefined_function')");
}

Test(dsl, every_problem_of_a_pack_is_reported)
{
  struct tp t;
  tp_load(&t, "profile { name = \"t\", dimensions = { fit = 1, spare = 1 },\n"
          "  tiers = { {\"B\", 50}, {\"A\", 80} } }\n"
          "rule \"a\" { dimension = \"fit\", points = 1, when = field \"x\" :eq(1), colour = 1 }\n"
          "rule \"a\" { dimension = \"nope\", points = 1, when = field \"x\" :eq(1) }\n"
          "rule \"c\" { dimension = \"fit\", points = 1, when = field \"employees\" :has \"x\" }\n");
  assert_diag(&t, "pk.lua:1: profile: tiers must be in descending order");
  assert_diag(&t, "pk.lua:3: rule 'a': unknown key 'colour'");
  assert_diag(&t, "pk.lua:4: rule 'a': duplicate name (first at line 3)");
  assert_diag(&t, "pk.lua:4: rule 'a': unknown dimension 'nope'");
  assert_diag(&t, "pk.lua:5: rule 'c': has on field 'employees'");
  assert_diag(&t, "pk.lua:1: dimension 'spare' has no rules");
  cr_assert_eq(icp_pack_ndiags(t.pack), 6);
  /* err holds the first */
  cr_assert_str_eq(t.err.msg, icp_pack_diag(t.pack, 0));
  cr_assert_null(icp_pack_diag(t.pack, 6));
  tp_free(&t);
}

Test(dsl, a_multiline_rule_is_named_by_its_first_line)
{
  expect_diag(T_PROFILE RULE_OK
              "rule \"m\" {\n"
              "  dimension = \"fit\",\n"
              "  points = 1,\n"
              "  when = field \"x\" :eq(1),\n"
              "  bogus = true,\n"
              "}\n",
              "pk.lua:4: rule 'm': unknown key 'bogus'");
}

Test(dsl, two_packs_share_a_schema_without_interfering)
{
  struct icp_schema *s = icp_schema_new();
  struct icp_pack *p = icp_pack_new(s, NULL), *q = icp_pack_new(s, NULL);
  struct icp_err err;
  const char *a = T_PROFILE "fields { demo = \"bool\" }\n" RULE_OK
                  "x_global = 1\n";
  const char *b = T_PROFILE RULE_OK "assert(x_global == nil)\n";
  cr_assert_eq(icp_pack_load_text(p, "a.lua", a, strlen(a), &err), ICP_OK,
               "%s", err.msg);
  cr_assert_eq(icp_pack_load_text(q, "b.lua", b, strlen(b), &err), ICP_OK,
               "%s", err.msg);
  icp_pack_free(p);
  icp_pack_free(q);
  icp_schema_free(s);
}

Test(dsl, a_validate_block_keeps_thresholds_and_icp_tiers)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"r\" { dimension = \"fit\", points = 1, when = field \"employees\" :gt(1) }\n"
        "validate { conversion_drop = 0.1, min_deals = 50,\n"
        "           icp_tiers = { \"A\", \"B\" } }\n");
  cr_assert(t.pack->vset.has & (1u << ICP_V_CONVERSION_DROP));
  cr_assert(t.pack->vset.has & (1u << ICP_V_MIN_DEALS));
  cr_assert(!(t.pack->vset.has & (1u << ICP_V_ALPHA)));
  cr_assert_float_eq(t.pack->vset.v[ICP_V_CONVERSION_DROP], 0.1, 1e-12);
  cr_assert_str_eq(t.pack->vset.icp_tiers, "A,B");
  tp_free(&t);
}

Test(dsl, a_validate_block_with_a_bad_key_or_value_is_a_load_error)
{
  struct tp t;
  tp_load(&t, T_PROFILE "validate { conversion_drp = 0.1, alpha = 2 }\n");
  assert_diag(&t, "unknown key 'conversion_drp'");
  assert_diag(&t, "alpha must be a fraction");
  tp_free(&t);
}
