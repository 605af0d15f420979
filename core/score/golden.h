/*
 * golden.h -- golden snapshots: a whole scored export compared with a
 * stored one (DESIGN §5). Every account whose tier, route or score
 * (beyond a tolerance) changed is listed with old and new values and the
 * rules whose outcome changed; accounts that appeared or disappeared are
 * listed too. With update, the snapshot is rewritten (atomically).
 */
#ifndef ICP_GOLDEN_H
#define ICP_GOLDEN_H

#include <stdio.h>

#include "icp.h"
#include "score/run.h"

struct icp_golden_opts {
  double tolerance;     /* score change that counts (default 1e-6) */
  FILE *out;            /* the report */
  int update;           /* rewrite the snapshot with the new results */
  const char *format;   /* of the inputs, or NULL */
};

struct icp_golden_stats {
  long compared, changed, added, removed;
  struct icp_run_stats run;
};

/* Scores inputs with pack and compares with the snapshot at path (a JSONL
 * file written by `icp score`; missing is fine with update). */
enum icp_status icp_golden_run(const char *path, const char *const *inputs,
                               int ninputs, struct icp_pack *pack,
                               struct icp_schema *schema,
                               const struct icp_golden_opts *o,
                               struct icp_golden_stats *st,
                               struct icp_err *err);

#endif
