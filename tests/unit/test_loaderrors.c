/*
 * test_loaderrors.c -- load errors name their pack, whatever raised them
 * (a binary chunk, a parser's C stack overflow, a runtime error), a
 * function rule's NaN or infinity is said as such, and the duplicate-name
 * check (now a hash set, so loading stays linear) still finds every
 * duplicate, rule or exclude, with the line of the first.
 */
#include "test_support.h"

#include <stdlib.h>

Test(loaderrors, a_binary_chunk_is_refused_naming_the_pack)
{
  struct tp t;
  const char bin[] = "\x1bLua\x54\x00 whatever";
  memset(&t, 0, sizeof(t));
  t.schema = icp_schema_new();
  t.pack = icp_pack_new(t.schema, NULL);
  t.st = icp_pack_load_text(t.pack, "pk.lua", bin, sizeof(bin) - 1, &t.err);
  cr_assert_eq(t.st, ICP_ELOAD);
  cr_assert(strstr(t.err.msg, "pk.lua: ") == t.err.msg, "%s", t.err.msg);
  cr_assert(strstr(t.err.msg, "binary chunk"), "%s", t.err.msg);
  tp_free(&t);
}

Test(loaderrors, deep_nesting_is_a_c_stack_overflow_naming_the_pack)
{
  struct tp t;
  size_t n = 250000, i;
  char *s = malloc(2 * n + 16);
  cr_assert(s);
  memcpy(s, "x = ", 4);
  for(i = 0; i < n; i++)
    s[4 + i] = '{';
  for(i = 0; i < n; i++)
    s[4 + n + i] = '}';
  s[4 + 2 * n] = 0;
  tp_load(&t, s);
  cr_assert_eq(t.st, ICP_ELOAD);
  cr_assert(strstr(t.err.msg, "pk.lua") == t.err.msg, "%s", t.err.msg);
  cr_assert(strstr(t.err.msg, "overflow"), "%s", t.err.msg);
  tp_free(&t);
  free(s);
}

Test(loaderrors, every_diagnostic_names_the_pack)
{
  static const char *const bad[] = {
    "error('boom')",
    "error({})",
    "x = ",
    "local t = setmetatable({}, {__index = function() error('deep') end})"
    " return t.x",
    "profile { name = 1 }",
    NULL
  };
  int i, k;
  for(i = 0; bad[i]; i++) {
    struct tp t;
    tp_load(&t, bad[i]);
    cr_assert_neq(t.st, ICP_OK, "%s", bad[i]);
    cr_assert_gt(icp_pack_ndiags(t.pack), 0);
    for(k = 0; k < icp_pack_ndiags(t.pack); k++)
      cr_assert(strstr(icp_pack_diag(t.pack, k), "pk.lua"), "%s -> %s",
                bad[i], icp_pack_diag(t.pack, k));
    tp_free(&t);
  }
}

Test(loaderrors, nan_and_infinity_from_a_function_rule_are_said)
{
  struct tp t;
  tp_ok(&t, T_PROFILE
        "rule \"nan\" { dimension = \"fit\", points = 1,\n"
        "  when = function(a) return 0/0 end }\n"
        "rule \"inf\" { dimension = \"fit\", points = 1,\n"
        "  when = function(a) return 1/0 end }\n"
        "rule \"ninf\" { dimension = \"fit\", points = 1,\n"
        "  when = function(a) return -1/0 end }\n"
        "rule \"big\" { dimension = \"fit\", points = 1,\n"
        "  when = function(a) return 2.5 end }\n");
  tp_score(&t);
  cr_assert_eq(tp_out(&t, "nan"), ICP_UNKNOWN);
  cr_assert(strstr(tp_error(&t, "nan"), "returned NaN"), "%s",
            tp_error(&t, "nan"));
  cr_assert(strstr(tp_error(&t, "inf"), "returned inf"), "%s",
            tp_error(&t, "inf"));
  cr_assert(strstr(tp_error(&t, "ninf"), "returned -inf"), "%s",
            tp_error(&t, "ninf"));
  cr_assert(strstr(tp_error(&t, "big"), "returned 2.5"), "%s",
            tp_error(&t, "big"));
  cr_assert_null(strstr(tp_error(&t, "nan"), "returned 0"));
  tp_free(&t);
}

/* 300 rules (the set grows several times), then duplicates of an early
 * and a late rule and of an exclude, in both directions */
Test(loaderrors, duplicate_names_are_found_among_many)
{
  struct tp t;
  char *s = malloc(64 * 1024), *p;
  int i;
  cr_assert(s);
  p = s + snprintf(s, 1024, "%s",
                   T_PROFILE "fields { n = \"number\" }\n");
  for(i = 0; i < 300; i++)
    p += sprintf(p, "rule \"r%d\" { dimension = \"fit\", points = 1, "
                 "when = field \"n\" :gt(%d) }\n", i, i);
  p += sprintf(p, "exclude \"x\" { when = field \"n\" :lt(0) }\n"
               "rule \"r3\" { dimension = \"fit\", points = 1, "
               "when = field \"n\" :gt(1) }\n"
               "exclude \"r299\" { when = field \"n\" :lt(0) }\n"
               "rule \"x\" { dimension = \"fit\", points = 1, "
               "when = field \"n\" :gt(1) }\n");
  tp_load(&t, s);
  cr_assert_eq(t.st, ICP_ELOAD);
  cr_assert(tp_has_diag(&t, ":305: rule 'r3': duplicate name (first at "
                        "line 7)"));
  cr_assert(tp_has_diag(&t, ":306: exclude 'r299': duplicate name (first "
                        "at line 303)"));
  cr_assert(tp_has_diag(&t, ":307: rule 'x': duplicate name (first at "
                        "line 304)"));
  cr_assert_eq(icp_pack_ndiags(t.pack), 3);
  tp_free(&t);
  free(s);
}
