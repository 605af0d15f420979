/* test_ab.c -- the A/B arm of an account (core/score/ab.c), shared by
 * score --ab and validate --ab. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "score/ab.h"

Test(ab, the_same_domain_and_salt_always_land_in_the_same_arm)
{
  int i;
  for(i = 0; i < 100; i++) {
    char d[32];
    snprintf(d, sizeof(d), "acct%d.example.com", i);
    cr_assert_eq(icp_ab_arm(d, "q4", 37), icp_ab_arm(d, "q4", 37));
  }
}

Test(ab, the_split_is_the_share_of_accounts_in_b)
{
  int i, b0 = 0, b100 = 0, b10 = 0, moved = 0;
  for(i = 0; i < 10000; i++) {
    char d[32];
    snprintf(d, sizeof(d), "acct%d.example.com", i);
    b0 += icp_ab_arm(d, "s", 0);
    b100 += icp_ab_arm(d, "s", 100);
    b10 += icp_ab_arm(d, "s", 10);
    moved += icp_ab_arm(d, "s", 10) != icp_ab_arm(d, "t", 10);
  }
  cr_assert_eq(b0, 0);
  cr_assert_eq(b100, 10000);
  cr_assert(b10 > 850 && b10 < 1150, "10%% split put %d of 10000 in B", b10);
  cr_assert(moved > 1000, "another salt draws other arms (%d moved)", moved);
}

Test(ab, salt_and_domain_are_separated)
{
  int i, differ = 0;
  for(i = 0; i < 200; i++) {
    char salt[16];
    snprintf(salt, sizeof(salt), "x%d", i);
    /* ("x1", "0.com") and ("x10", ".com") are different inputs */
    differ += icp_ab_arm("0.com", salt, 50) !=
              icp_ab_arm(".com", salt, 50);
  }
  cr_assert(differ > 0);
}

Test(ab, attach_sets_the_select_hook_only_with_a_salt)
{
  struct icp_run_opts ro;
  struct icp_ab none = { 10, NULL }, ab = { 10, "s" };
  memset(&ro, 0, sizeof(ro));
  icp_ab_attach(&none, &ro);
  cr_assert_null(ro.select);
  icp_ab_attach(&ab, &ro);
  cr_assert_not_null(ro.select);
  cr_assert_eq(ro.select_ud, &ab);
}
