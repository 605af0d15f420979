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
 * that answered); the answer then names the providers still awaited,
 * and the batch goes on in the background and fills the cache for the
 * next request. A lane runs one batch at a time: a request that finds
 * it still busy waits for it until its own deadline, then is scored with
 * what it has and names every provider.
 */
#ifndef ICP_LANE_H
#define ICP_LANE_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "serve/server.h"

#define ICP_LANE_PROVIDERS 64        /* named in enrich_pending at most */

enum icp_lane_state {
  ICP_LANE_IDLE,                     /* free for a batch */
  ICP_LANE_WORK,                     /* a request waits for it */
  ICP_LANE_FINISH                    /* answered; awaiting the rest */
};

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
  int64_t until_ms;                  /* its deadline (CLOCK_MONOTONIC) */
  /* the request waiting, NULL once it stopped waiting: its accounts get
   * the lane's when the batch ends or its deadline passes */
  struct icp_account **target;
  /* what the lane reports to it (reported = 1) */
  int reported, late, failed;
  enum icp_status st;
  struct icp_err err;
  struct icp_buf pending;            /* "\"enrich_pending\":[...]" */
  struct icp_buf all;                /* the same naming every provider */
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
 * When the deadline passed with answers awaited, *late is set and
 * *pending is the JSON member naming the providers awaited (valid until
 * the next run); accts hold what arrived in time. *failed is set when
 * some account saw every provider fail. */
enum icp_status icp_lane_run(struct icp_lane *l, struct icp_account **accts,
                             size_t n, long deadline_ms, int *late,
                             int *failed, const char **pending,
                             struct icp_err *err);

#endif
