/* test_engine.c -- the embedding API of core/icp.h (icp_engine_*). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "icp.h"

#define PACK "rules/b2b_saas.lua"

Test(engine, scores_an_account_built_from_fields)
{
  struct icp_err err;
  struct icp_engine *e = icp_engine_open(PACK, "2026-11-01", &err);
  size_t len = 0;
  cr_assert_not_null(e, "%s", err.msg);
  cr_assert_str_eq(icp_engine_pack_name(e), "b2b-saas-midmarket");
  cr_assert_eq(icp_engine_set(e, "domain", "https://www.Acme.io/", &err),
               ICP_OK);
  cr_assert_eq(icp_engine_set(e, "employees", "250", &err), ICP_OK);
  cr_assert_eq(icp_engine_set(e, "industry", "Software", &err), ICP_OK);
  cr_assert_eq(icp_engine_set(e, "tech", "Snowflake;Okta", &err), ICP_OK);
  cr_assert_eq(icp_engine_score(e, 0, &err), ICP_OK);
  cr_assert_eq(icp_engine_composite(e), 50);
  cr_assert_eq(icp_engine_coverage(e), 0.5);
  cr_assert_str_eq(icp_engine_tier(e), "C");
  cr_assert_str_eq(icp_engine_route(e), "sdr");
  cr_assert_eq(icp_engine_ndims(e), 3);
  cr_assert_str_eq(icp_engine_dim_name(e, 0), "fit");
  cr_assert_eq(icp_engine_dim_score(e, 0), 100);
  cr_assert_null(icp_engine_dim_name(e, 3));
  cr_assert(strstr(icp_engine_json(e, &len), "\"domain\":\"acme.io\""));
  cr_assert_eq(len, strlen(icp_engine_json(e, NULL)));
  cr_assert_neq(icp_engine_json(e, NULL)[len - 1], '\n');
  icp_engine_close(e);
}

Test(engine, reset_forgets_the_account_and_explain_adds_outcomes)
{
  struct icp_err err;
  struct icp_engine *e = icp_engine_open(PACK, NULL, &err);
  cr_assert_not_null(e, "%s", err.msg);
  cr_assert_eq(icp_engine_set(e, "employees", "5", &err), ICP_OK);
  cr_assert_eq(icp_engine_score(e, 0, &err), ICP_OK);
  cr_assert_str_eq(icp_engine_tier(e), "excluded");
  cr_assert_str_eq(icp_engine_route(e), "disqualified");
  icp_engine_reset(e);
  cr_assert_null(icp_engine_tier(e)); /* nothing scored since the reset */
  cr_assert_str_eq(icp_engine_json(e, NULL), "");
  cr_assert_eq(icp_engine_score(e, 1, &err), ICP_OK);
  cr_assert_str_neq(icp_engine_tier(e), "excluded");
  cr_assert(strstr(icp_engine_json(e, NULL), "\"explain\""),
            "%s", icp_engine_json(e, NULL));
  icp_engine_close(e);
}

Test(engine, a_value_of_the_wrong_type_is_reported_and_left_missing)
{
  struct icp_err err;
  struct icp_engine *e = icp_engine_open(PACK, NULL, &err);
  cr_assert_not_null(e, "%s", err.msg);
  cr_assert_eq(icp_engine_set(e, "employees", "lots", &err), ICP_EINVAL);
  cr_assert(strstr(err.msg, "employees"), "%s", err.msg);
  cr_assert_eq(icp_engine_score(e, 0, &err), ICP_OK);
  cr_assert(strstr(icp_engine_json(e, NULL), "size_sweet_spot"));
  icp_engine_close(e);
}

Test(engine, a_bad_pack_gives_every_problem_with_file_and_line)
{
  struct icp_err err;
  const char *path = "build/test_engine_bad.lua";
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("profile { name = \"x\", version = \"1\", dimensions = { fit = 1 },\n"
        "  tiers = { {\"A\", 0} } }\n"
        "rule \"a\" { dimension = \"fit\", pionts = 1 }\n", f);
  fclose(f);
  cr_assert_null(icp_engine_open(path, NULL, &err));
  cr_assert(strstr(err.msg, "test_engine_bad.lua:3"), "%s", err.msg);
  cr_assert_null(icp_engine_open("build/no_such_pack.lua", NULL, &err));
  cr_assert(strstr(err.msg, "no_such_pack.lua"), "%s", err.msg);
  cr_assert_null(icp_engine_open(PACK, "2026-13-45", &err));
  cr_assert(strstr(err.msg, "as_of"), "%s", err.msg);
  icp_engine_close(NULL);
  remove(path);
}
