/*
 * diff.h -- the impact of a pack change: both packs score the same
 * accounts in one pass; the result is a tier migration matrix, the count
 * of changed routes, the distribution of score shifts and the top movers
 * with the rules responsible (DESIGN §5, §7 `icp diff`).
 */
#ifndef ICP_DIFF_H
#define ICP_DIFF_H

#include <stdio.h>

#include "icp.h"
#include "base/buf.h"
#include "score/run.h"

struct icp_diff;

/* A diff of old against new keeping the top movers. NULL on no memory. */
struct icp_diff *icp_diff_new(const struct icp_pack *old_pack,
                              const struct icp_pack *new_pack, int top);
void icp_diff_free(struct icp_diff *d);
/* The icp_run callback: res[0] is old, res[1] new; ud is the diff. */
enum icp_status icp_diff_add(void *ud, const struct icp_account *a,
                             struct icp_result *const *res, int n,
                             struct icp_err *err);
/* The report for a terminal, and the same as one JSON document. */
void icp_diff_print(struct icp_diff *d, FILE *fp);
ICP_WUR enum icp_status icp_diff_json(struct icp_diff *d, struct icp_buf *b);
long icp_diff_changed(const struct icp_diff *d);

#endif
