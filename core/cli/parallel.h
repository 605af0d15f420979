/*
 * parallel.h -- the options every command that scores accounts shares for
 * using more cores or machines: --threads N (default: the cores online),
 * --byte-range START:END (an input split) and --shard K/N (DESIGN §7).
 */
#ifndef ICP_PARALLEL_H
#define ICP_PARALLEL_H

#include "score/run.h"

struct icp_par {
  const char *threads, *range, *shard;  /* as given, or NULL */
};

/* Takes argv[*i] when it is one of the three (see icp_cli_value): 1 taken,
 * 0 another option, -1 a missing value (printed). */
int icp_par_option(int argc, char **argv, int *i, struct icp_par *p);

/* Checks the values and sets ro->threads, the range and the shard.
 * ICP_EXIT_OK, or ICP_EXIT_USAGE after printing "icp CMD: why". */
int icp_par_apply(const char *cmd, const struct icp_par *p,
                  struct icp_run_opts *ro);

/* The --help lines of the three options. */
extern const char icp_par_usage[];

#endif
