/*
 * view.h -- the read-only account view that function(a) rules receive.
 *
 * One view userdata per pack, pointed at the account being scored for the
 * length of one call (no per-account table copy). Lists are views too. A
 * view or list kept past its call raises an error when used. Writes raise
 * an error; metatables are locked.
 */
#ifndef ICP_VIEW_H
#define ICP_VIEW_H

#include "rules/plan.h"

struct icp_pack;

struct icp_view {
  const struct icp_account *a;   /* NULL outside a call */
  const struct icp_schema *schema;
  unsigned long gen;             /* bumped per call: stale lists fail */
  int *reads;                    /* with record set: ids read in a call */
  int nreads;
  size_t capreads;
  int record;
  int lost;                      /* a read could not be recorded */
};

/* Creates the view of pack (pack->view, pack->view_ref). */
enum icp_status icp_view_init(struct icp_pack *pack, struct icp_err *err);
void icp_view_free(struct icp_pack *pack);

/* Calls the function rule at registry ref with the view of ctx->a under
 * the pack's instruction budget and interprets its results (DESIGN §4
 * scoring step 1). Errors are kept in ctx and count as unknown. */
enum icp_tri icp_view_call(struct icp_pack *pack, int ref,
                           struct icp_eval_ctx *ctx);

#endif
