/*
 * explain.h -- a scored account for a person: the "actual:" and "why:"
 * lines that `icp test` prints under a failing case and that `icp explain`
 * prints for any account.
 */
#ifndef ICP_EXPLAIN_H
#define ICP_EXPLAIN_H

#include <stdio.h>

#include "score/score.h"

/* "  actual: tier C, score 50, coverage 0.6, route sdr; fired ..." */
void icp_explain_actual(FILE *out, const struct icp_pack *p,
                        const struct icp_result *r);
/* "  why: rule 'x' fired (employees = 250)" for rule i (i >= nrules: an
 * exclude), with the error on the next line if any. With detail, also the
 * points earned and where each value came from ("from input"). */
void icp_explain_rule(FILE *out, const struct icp_pack *p,
                      const struct icp_account *a,
                      const struct icp_result *r, int i, int detail);

#endif
