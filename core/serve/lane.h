/*
 * lane.h -- private to core/serve: enrichment in the request path within
 * a deadline (--deadline-ms).
 *
 * The enrichment API (core/net/enrich.h) runs a batch to the end, so a
 * lane runs it on a thread of its own, on copies of the accounts in a
 * schema of its own (enrichment interns the fields providers answer), and
 * the request waits for it until the deadline. In time, the enriched
 * copies come back into the request's accounts; past it, the request is
 * scored with what it has and its answer names the providers whose
 * answers were not used; the batch goes on in the background and fills
 * the cache for the next request. A lane runs one batch at a time: a
 * request that finds it still busy waits for it until its own deadline.
 */
#ifndef ICP_LANE_H
#define ICP_LANE_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "icp.h"
#include "data/account.h"
#include "serve/server.h"

enum icp_lane_state { ICP_LANE_IDLE, ICP_LANE_WORK, ICP_LANE_DONE };

struct icp_lane {
  pthread_t thr;
  int started, quit;
  pthread_mutex_t mu;
  pthread_cond_t cv;                 /* on CLOCK_MONOTONIC */
  enum icp_lane_state state;
  struct icp_schema *schema;         /* the lane's own */
  struct icp_enrich *enrich;
  struct icp_account **acc;          /* the batch, in the lane's schema */
  size_t n, cap;
  enum icp_status st;                /* of the last batch */
  struct icp_err err;
  int failures;                      /* icp_enrich_failures after it */
  char *pending;                     /* "\"enrich_pending\":[...]" */
};

/* The CLOCK_MONOTONIC time ms from now (for condition variables made
 * with that clock). */
void icp_serve_after(struct timespec *ts, long ms);

/* Opens the providers config on a schema of the lane's own. */
enum icp_status icp_lane_open(struct icp_lane **out,
                              const struct icp_serve_cfg *cfg,
                              struct icp_err *err);
/* Waits for a running batch to end, then frees. NULL is ignored. */
void icp_lane_free(struct icp_lane *l);

/* Enriches accts (n of them, in their own schema) within deadline_ms.
 * *late is set when the deadline passed (accts are left as they were);
 * *failed when some account saw every provider fail. */
enum icp_status icp_lane_run(struct icp_lane *l, struct icp_account **accts,
                             size_t n, long deadline_ms, int *late,
                             int *failed, struct icp_err *err);

#endif
