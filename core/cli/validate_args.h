/*
 * validate_args.h -- the options and the run of `icp validate`, so that
 * `icp report --rules PACK --deals ...` runs the same validation in-process
 * and renders the document it makes, without a second command line or a
 * temporary file (cmd_validate.c).
 */
#ifndef ICP_VALIDATE_ARGS_H
#define ICP_VALIDATE_ARGS_H

#include <stdio.h>

#include "base/buf.h"
#include "cli/parallel.h"
#include "stats/validate.h"

struct icp_validate_args {
  const char *rules, *vs, *deals, *accounts, *json, *format;
  const char *as_of, *period, *periods, *baseline, *icp_tiers;
  const char *salt, *split, *acc_key, *columns;
  struct icp_val_columns cols;
  int ab, quiet;
  struct icp_par par;  /* --threads, --byte-range, --shard */
  unsigned cli_set;    /* bit k (enum icp_vkey): given as an option */
  struct icp_val_opts vo;
};

/* No option given: the defaults. */
void icp_validate_args_init(struct icp_validate_args *a);
/* Takes argv[*i] when it is an option of icp validate (advancing *i past
 * its value): 1; 0 when it is not one; -1 when its value is missing or
 * wrong (said on stderr). Strings are borrowed from argv. */
int icp_validate_arg(int argc, char **argv, int *i,
                     struct icp_validate_args *a);
/* Once every option is in: ICP_EXIT_OK, or ICP_EXIT_USAGE (said). */
int icp_validate_args_check(struct icp_validate_args *a);
/* Runs the validation and prints as icp validate does. With doc, the JSON
 * document that --json writes is appended to doc as well. Returns icp
 * validate's exit status (4 when a review is due). */
int icp_validate_exec(struct icp_validate_args *a, struct icp_buf *doc);

/* v in [lo, hi] from s, the value of option opt; 0 (said on stderr) when
 * s is not such a whole number (validate_args.c). */
int icp_validate_parse_long(const char *opt, const char *s, long lo,
                            long hi, long *out);

/* The text report on fp (validate_text.c): the table of win rates by
 * period and tier with AUC and calibration, the A/B arms of packs pa and
 * pb (m->ab set), and the n flags f. */
void icp_validate_print_report(FILE *fp, const struct icp_val_metrics *m);
void icp_validate_print_ab(FILE *fp, const struct icp_val_metrics *m,
                           const char *pa, const char *pb);
void icp_validate_print_flags(FILE *fp, const struct icp_val_metrics *m,
                              const struct icp_val_flag *f, size_t n);

#endif
