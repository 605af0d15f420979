/*
 * hooks.h -- what `icp score` plugs into a run: enrichment through the
 * providers of a config (--providers) and the A/B split of accounts
 * between two packs by a stable hash of the domain (--ab).
 */
#ifndef ICP_HOOKS_H
#define ICP_HOOKS_H

#include <stdio.h>

#include "score/run.h"

struct icp_enrich;

struct icp_hooks {
  double ab_split;          /* percent of accounts in arm B */
  const char *ab_salt;
  struct icp_enrich *enrich;
  int verbose;              /* every enrichment failure on stderr */
};

/* Arm of a domain: 1 for B, 0 for A (same domain and salt, same arm). */
int icp_ab_arm(const char *domain, const char *salt, double split_pct);

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
