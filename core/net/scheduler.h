/*
 * scheduler.h -- one libcurl multi scheduler for every provider (DESIGN §6,
 * HARDENING 11-14, 19-20).
 *
 * Requests are queued per provider and started when a slot is free (a
 * bound on transfers in flight over all providers), the provider's token
 * bucket (max_rps, burst 1) allows it, its own rate-limit headers
 * (X-RateLimit-Remaining / -Reset) do not ask to wait, and its circuit
 * breaker is not open. Every transfer gets http/https only, no redirects,
 * TLS verification, a connect and a total timeout, a low-speed limit and a
 * cap on the decoded body counted in the write callback.
 *
 * Retries live here and only here: 429, 5xx and transport errors are
 * retried with capped exponential backoff and full jitter, honouring
 * Retry-After (seconds or an HTTP date, capped, garbage ignored), up to a
 * fixed number of attempts; 202 answers are asked again later up to a
 * number of polls. The done callback sees the final answer only: a 2xx
 * (not 202) or 4xx (not 429) status, or a failure with its reason.
 * Reasons never contain the URL (it may carry a key).
 *
 * The scheduler runs on the calling thread inside icp_sched_run; it waits
 * in curl_multi_poll with the earliest deadline as timeout, never sleeps.
 */
#ifndef ICP_SCHEDULER_H
#define ICP_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"

struct icp_sched;
struct curl_slist;

/* Per provider settings; zero fields take the defaults in brackets. */
struct icp_sched_limits {
  const char *name;          /* copied; for messages */
  double max_rps;            /* requests per second, <= 0: no limit */
  long timeout_ms;           /* total per attempt [10000] */
  long connect_timeout_ms;   /* [min(5000, timeout_ms)] */
  long low_speed_bytes;      /* below this many bytes/s ... [64] */
  long low_speed_time_s;     /* ... for this long the attempt fails [10] */
  size_t max_body;           /* decoded bytes [8 MiB] */
  int max_attempts;          /* tries per request, retries included [4] */
  int max_polls;             /* 202 "queued" re-asks [5] */
  long backoff_base_ms;      /* first backoff ceiling [250] */
  long backoff_cap_ms;       /* backoff ceiling cap [10000] */
  long retry_after_cap_ms;   /* Retry-After and rate-limit waits [10000] */
  int breaker_failures;      /* consecutive failures that open it [5] */
  long breaker_cooldown_ms;  /* open time before a trial [30000] */
  const char *cainfo;        /* CA bundle file, NULL: the system's */
  long max_requests;         /* transfers per run, 0: no cap; requests
                                past it fail with ICP_SCHED_C_BUDGET */
};

struct icp_sched_opts {
  int max_in_flight;         /* [64] */
  uint64_t seed;             /* jitter seed; 0: from the clock */
  /* Told of every wait a provider asked for (Retry-After, rate-limit
   * headers) of more than 2 s, before it starts; may be NULL. */
  void (*wait)(void *ud, const char *provider, long ms, long status);
  void *wait_ud;
};

enum icp_sched_outcome {
  ICP_SCHED_HTTP = 0,        /* status, headers and body are valid */
  ICP_SCHED_FAILED           /* error says why */
};

/* Why a request FAILED, for reports by cause. */
enum icp_sched_cause {
  ICP_SCHED_C_NONE = 0,
  ICP_SCHED_C_STATUS,        /* an HTTP status (429/5xx after retries,
                                3xx, 1xx): see status */
  ICP_SCHED_C_TIMEOUT,       /* connect or total timeout, or too slow */
  ICP_SCHED_C_CONNECT,       /* refused, reset, resolve or TLS failure */
  ICP_SCHED_C_OVERSIZE,      /* body or headers past the caps */
  ICP_SCHED_C_TRANSPORT,     /* another transfer error */
  ICP_SCHED_C_BREAKER,       /* not sent: the circuit is open */
  ICP_SCHED_C_BUDGET,        /* not sent: max_requests reached */
  ICP_SCHED_C_QUEUED         /* still "queued" after max_polls */
};

/* The final answer to a request, borrowed for the callback. */
struct icp_sched_answer {
  enum icp_sched_outcome outcome;
  enum icp_sched_cause cause; /* outcome FAILED: why */
  long status;               /* HTTP status, 0 when none */
  const char *body;          /* len bytes, NUL-terminated copy */
  size_t len;
  const char *error;         /* outcome FAILED: a short reason */
  int attempts;              /* transfers made for this request */
  const void *hdrs;          /* for icp_sched_header */
};

/* What the callback decides about an HTTP answer. */
enum icp_sched_verdict {
  ICP_SCHED_DONE = 0,        /* used (or a clean not found) */
  ICP_SCHED_AGAIN,           /* "queued, ask again later" (a poll) */
  ICP_SCHED_BAD              /* unusable (malformed): a provider failure */
};

/* Called once per request with its final answer; it may submit more
 * requests. The return value matters only for ICP_SCHED_HTTP answers. */
typedef enum icp_sched_verdict (*icp_sched_done_fn)(
    void *ud, const struct icp_sched_answer *a);

/* Counters per provider. */
struct icp_sched_stats {
  long requests;             /* transfers started */
  long retries;              /* transfers repeated after 429/5xx/errors */
  long polls;                /* transfers repeated after 202 / AGAIN */
  long failures;             /* requests that ended FAILED or BAD */
  long breaker_opens;        /* times the circuit opened */
  long rejected;             /* requests failed at once: circuit open */
  long over_budget;          /* requests not sent: max_requests reached */
  long long_waits;           /* waits of more than 2 s asked by it */
  char last_error[128];      /* the last failure counted by the breaker */
};

/* Makes a scheduler; the caller owns it (icp_sched_free). It opens
 * libcurl first (net/libs.h): ICP_ELOAD when it cannot be loaded. */
enum icp_status icp_sched_new(struct icp_sched **out,
                              const struct icp_sched_opts *opts,
                              struct icp_err *err);
void icp_sched_free(struct icp_sched *s);

/* Registers a provider; returns its id (>= 0) or -1 when out of memory. */
int icp_sched_provider(struct icp_sched *s,
                       const struct icp_sched_limits *lim);

/* Queues a GET of url (copied; http or https) for provider id. headers is
 * taken over (freed by the scheduler, may be NULL). done(ud, answer) is
 * called exactly once, from icp_sched_run. */
enum icp_status icp_sched_submit(struct icp_sched *s, int provider,
                                 const char *url, struct curl_slist *headers,
                                 icp_sched_done_fn done, void *ud,
                                 struct icp_err *err);

/* How often icp_sched_run calls its tick (progress, the renewal of a
 * shared cache's leases), in milliseconds. */
#define ICP_SCHED_TICK_MS 200

/* Runs until every queued request has been answered. tick(ud) is called
 * about every ICP_SCHED_TICK_MS (progress), may be NULL. */
enum icp_status icp_sched_run(struct icp_sched *s, void (*tick)(void *),
                              void *tick_ud, struct icp_err *err);

/* The same, but returns ICP_ELIMIT once the CLOCK_MONOTONIC time until_ms
 * (milliseconds) has passed with requests still unanswered; they stay
 * queued or in flight, and the next run goes on with them. */
enum icp_status icp_sched_run_until(struct icp_sched *s,
                                    void (*tick)(void *), void *tick_ud,
                                    int64_t until_ms, struct icp_err *err);

/* The first value of response header name (case-insensitive) of an
 * answer, or NULL. Borrowed for the callback. */
const char *icp_sched_header(const struct icp_sched_answer *a,
                             const char *name);

void icp_sched_stats(const struct icp_sched *s, int provider,
                     struct icp_sched_stats *out);

/* Delay in milliseconds asked by a Retry-After value (delta seconds or an
 * HTTP date, relative to now_s epoch seconds), capped at cap_ms; -1 when
 * the value is garbage. Exposed for tests. */
long icp_sched_retry_after(const char *v, int64_t now_s, long cap_ms);

#endif
