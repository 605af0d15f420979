/*
 * lane.h -- private to core/serve: enrichment in the request path within
 * a deadline (--deadline-ms).
 *
 * The enrichment API (core/net/enrich.h) runs a batch on the thread that
 * calls it, so a lane runs it on a thread of its own, on copies of the
 * accounts in a schema of its own (enrichment interns the fields
 * providers answer), and the request waits for it. The lane stops
 * waiting for answers at the request's deadline and copies what it has
 * into the request's accounts (the cache's and those of the providers
 * that answered, and their enrich_errors); the answer then names the
 * providers still awaited, and the batch goes on in the background and
 * fills the cache for the next request.
 *
 * A lane runs one batch at a time, so the lanes of a pack generation
 * form a pool: a request takes a lane that is free (no request on it,
 * no batch finishing in the background) and opens one more when none is
 * (twice --threads, 4 to ICP_LANES_MAX), so a request does not wait
 * behind another request's provider call. Only when every lane is busy
 * does it wait for one until its own deadline, and then it is scored
 * with what it has and names every provider. Every lane of a generation
 * loads the providers file's text read when the generation was made (as
 * the pack's), so a file edited since is only taken up by a reload.
 * Each lane is a session of
 * its own: its rate limits (max_rps) and breakers are its own, and two
 * lanes asked for the same uncached domain at once both ask for it (the
 * SQLite cache has no claims).
 *
 * The lanes count every lookup of every provider into the server's
 * metrics (icp_metrics_enrich), and the providers still awaited when a
 * request's deadline passed as outcome "deadline".
 */
#ifndef ICP_LANE_H
#define ICP_LANE_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "serve/metrics.h"
#include "serve/server.h"

#define ICP_LANE_PROVIDERS 64        /* counted and named at most */
#define ICP_LANES_MAX 32             /* lanes of one generation */

struct icp_lane;

struct icp_lanes {
  pthread_mutex_t mu;                /* the list (not the lanes) */
  struct icp_lane *l[ICP_LANES_MAX];
  int n;                             /* opened */
  int opening;                       /* being opened, outside mu */
  int max;                           /* lanes at most */
  unsigned next;                     /* the lane waited for when all are
                                        busy (round robin) */
  const struct icp_serve_cfg *cfg;
  char *text;                        /* the providers file, read once: a
                                        lane opened later loads the same
                                        config as the first */
  size_t len;
  struct icp_metrics *m;
  int open_failed;                   /* a lane could not be opened (the
                                        first failure is logged) */
};

/* The CLOCK_MONOTONIC time ms from now (for condition variables made
 * with that clock). */
void icp_serve_after(struct timespec *ts, long ms);

/* Opens a pool with one lane: the providers config is loaded once now,
 * so that a broken one fails the (re)load. m (borrowed, may be NULL)
 * gets the counts. */
enum icp_status icp_lanes_open(struct icp_lanes **out,
                               const struct icp_serve_cfg *cfg,
                               struct icp_metrics *m, struct icp_err *err);
/* Waits for the batches running to end, then frees. NULL is ignored. */
void icp_lanes_free(struct icp_lanes *p);

/* Enriches accts (n of them, in their own schema) within deadline_ms on
 * a free lane. The enrich_errors of each account go into its field
 * errors_id (-1: dropped) with source errors_src. When the deadline
 * passed with answers awaited, *late is set and pending gets the JSON
 * member naming the providers awaited ("enrich_pending":[...]); accts
 * hold what arrived in time. *failed is set when some account saw every
 * provider fail. */
enum icp_status icp_lanes_run(struct icp_lanes *p,
                              struct icp_account **accts, size_t n,
                              int errors_id, int errors_src,
                              long deadline_ms, int *late, int *failed,
                              struct icp_buf *pending, struct icp_err *err);

#endif
