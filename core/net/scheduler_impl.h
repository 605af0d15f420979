/*
 * scheduler_impl.h -- the scheduler's state, shared by its two files:
 * scheduler.c (queues, transfers, the run loop) and scheduler_answer.c
 * (what an answer means: retries, polls, the circuit breaker, the waits a
 * provider asks for). Internal to core/net/scheduler*.c; the API is
 * net/scheduler.h.
 */
#ifndef ICP_SCHEDULER_IMPL_H
#define ICP_SCHEDULER_IMPL_H

#include <curl/curl.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "net/scheduler.h"

enum breaker { CLOSED = 0, OPEN, HALF_OPEN };

struct req {
  struct req *next;          /* in a provider's ready queue */
  int provider;
  char *url;
  struct curl_slist *headers;
  icp_sched_done_fn done;
  void *ud;
  int attempts, polls;
  int64_t due;               /* delayed: not before (ms, monotonic) */
};

struct xfer {
  struct xfer *prev, *next;  /* transfers in flight */
  CURL *easy;
  struct req *r;
  struct icp_buf body;
  struct icp_buf hdrs;       /* "name\0value\0" pairs of the last response */
  int too_big, hdr_too_big;
};

struct prov {
  struct icp_sched_limits lim;
  char *name;
  struct req *head, *tail;   /* ready queue */
  size_t queued;
  int64_t next_slot;         /* token bucket: next start allowed (ms) */
  double next_slot_f;        /* the same unrounded, so that rates whose
                                interval is not a whole ms hold too */
  int64_t paused_until;      /* rate-limit headers asked to wait */
  double hdr_interval_ms;    /* spacing asked by rate-limit headers */
  int64_t hdr_interval_until;
  enum breaker state;
  int consecutive;
  int64_t open_until;
  int trial_in_flight;
  struct icp_sched_stats st;
};

struct icp_sched {
  void (*wait)(void *, const char *, long, long);
  void *wait_ud;
  CURLM *multi;
  int max_in_flight, in_flight;
  struct prov *p;
  int np;
  size_t pcap;
  struct xfer *xfers;        /* in flight */
  struct req **heap;         /* delayed requests, min-heap on due */
  size_t nheap, heapcap;
  uint64_t rng;
};

/* ---- time --------------------------------------------------------------- */

static inline int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- between the two files ---------------------------------------------- */

/* Frees r (NULL: nothing) with its URL and headers. */
void icpi_sched_req_free(struct req *r);

/* Puts r among the delayed requests (a min-heap on r->due); -1 when out
 * of memory (r is not taken). */
int icpi_sched_heap_push(struct icp_sched *s, struct req *r);

/* Answers r as failed (cause, status, why) and frees it. */
void icpi_sched_fail(struct icp_sched *s, struct req *r,
                     enum icp_sched_cause cause, long status,
                     const char *why);

/* The transfer x ended with rc: delivers its answer, or retries, polls or
 * fails it, and notes the outcome for the provider's circuit breaker. */
void icpi_sched_finish(struct icp_sched *s, struct xfer *x, CURLcode rc);

#endif
