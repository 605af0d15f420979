/*
 * cases.h -- running a pack's test cases (DESIGN §5).
 *
 * A test file (x_test.lua tests x.lua beside it, or the pack named by a
 * `pack = "..."` line, relative to the test file) holds
 *   case "name" { account = {...}, as_of = "YYYY-MM-DD", expect = {...} }
 * Every case runs in a sandbox; every expect key is checked (tier, route,
 * excluded_by, fired, fired_includes, not_fired, unknown, score, coverage,
 * dimension values as {min=, max=} or a number). Failures are printed with
 * the file and line of the case, expected versus actual, and why.
 */
#ifndef ICP_CASES_H
#define ICP_CASES_H

#include <stdint.h>
#include <stdio.h>

#include "icp.h"

struct icp_case_opts {
  int32_t as_of;       /* default as-of of cases without their own */
  FILE *out;           /* where failures and coverage go */
  int verbose;         /* also list passing cases */
};

struct icp_case_stats {
  int passed, failed;
  int packs;
  int rules, covered;  /* rules + excludes, and those seen both ways */
  double min_share;    /* lowest per-pack coverage share seen */
};

/* Runs one test file, adding to st (which the caller zeroes once, with
 * min_share = 1). A test file or pack that does not load counts as one
 * failure and is reported; only an out-of-memory condition fails. */
enum icp_status icp_cases_run_file(const char *test_path,
                                   const struct icp_case_opts *o,
                                   struct icp_case_stats *st,
                                   struct icp_err *err);

/* Whether a walk for test files (`icp test DIR`, icp.test(DIR)) takes the
 * entry name of directory dir: a subdirectory to walk into or an
 * x_test.lua file (dot files and what stat cannot see are not). Its path
 * is written to path (cap bytes) either way. */
int icp_cases_dir_entry(const char *dir, const char *name, char *path,
                        size_t cap);

#endif
