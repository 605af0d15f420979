/*
 * hooks.h -- what `icp score` plugs into a run: enrichment through the
 * providers of a config (--providers) and the A/B split of accounts
 * between two packs (--ab, score/ab.h).
 */
#ifndef ICP_HOOKS_H
#define ICP_HOOKS_H

#include <stdio.h>

#include "score/ab.h"
#include "score/run.h"

struct icp_enrich;

struct icp_hooks {
  struct icp_ab ab;         /* --ab: split percent and salt */
  struct icp_enrich *enrich;
  int verbose;              /* every enrichment failure on stderr */
};

/* Sets ro's enrich and select hooks from h and the options. */
enum icp_status icp_hooks_setup(struct icp_hooks *h, struct icp_run_opts *ro,
                                const char *providers,
                                struct icp_schema *schema, int offline,
                                int refresh, int explain,
                                struct icp_err *err);
int icp_hooks_failures(const struct icp_hooks *h);
void icp_hooks_summary(const struct icp_hooks *h, FILE *fp);
void icp_hooks_free(struct icp_hooks *h);

#endif
