/*
 * ab.h -- the A/B split of accounts between two packs (DESIGN §2: score/
 * holds the A/B arms).
 *
 * An account's arm is a stable hash of its domain and a salt: the same
 * domain and salt always land in the same arm, whichever command (score
 * --ab, validate --ab) or binding asks.
 */
#ifndef ICP_AB_H
#define ICP_AB_H

#include "score/run.h"

struct icp_ab {
  double split;       /* percent of accounts in arm B (0..100) */
  const char *salt;   /* borrowed; NULL: no split */
};

/* Arm of a domain: 1 for B, 0 for A. domain and salt may be NULL (""). */
int icp_ab_arm(const char *domain, const char *salt, double split_pct);

/* Makes a run of two packs score each account with the pack of its arm
 * (A: the first, B: the second) by setting ro's select hook. Does nothing
 * when ab->salt is NULL. ab is borrowed and must outlive the run. */
void icp_ab_attach(struct icp_ab *ab, struct icp_run_opts *ro);

#endif
