/*
 * top.h -- the N best-scoring accounts of a run, kept in a bounded heap,
 * with their reasons, for the end-of-run summary (`icp score --top N`).
 */
#ifndef ICP_TOP_H
#define ICP_TOP_H

#include <stdio.h>

#include "base/buf.h"
#include "score/score.h"

struct icp_top;

struct icp_top *icp_top_new(int n);
/* Keeps a among the best; ICP_ENOMEM (or the reasons' error) when it
 * cannot, and the summary would then be wrong: the caller fails. */
ICP_WUR enum icp_status icp_top_add(struct icp_top *t,
                                    const struct icp_account *a,
                                    const struct icp_result *r);
/* Prints the kept accounts, best first (ties: input order). */
void icp_top_print(const struct icp_top *t, FILE *fp);
void icp_top_free(struct icp_top *t);

#endif
