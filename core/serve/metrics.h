/*
 * metrics.h -- private to core/serve: the counters behind GET /metrics,
 * written in the Prometheus text format (version 0.0.4).
 *
 *   icp_http_requests_total{endpoint,code}    requests answered
 *   icp_http_request_duration_seconds         latency histogram
 *   icp_http_requests_in_flight               requests begun, not ended
 *   icp_accounts_scored_total{tier}           accounts by tier
 *   icp_pack_reloads_total{result}            "ok" or "failed"
 *   icp_pack_info{name,version}               1 for the pack serving
 *   icp_enrich_requests_total{provider,outcome}
 *                                             lookups of each provider
 *                                             by outcome: "found",
 *                                             "not_found" (the provider
 *                                             answered), "cache" (the
 *                                             cache did), "failed",
 *                                             "skipped" (circuit open,
 *                                             max_requests), "cache_miss"
 *                                             (--offline), and
 *                                             "deadline": awaited when a
 *                                             request's --deadline-ms
 *                                             passed (its lookup is
 *                                             counted again when it ends)
 *   icp_enrich_answers_total{outcome}         requests whose enrichment
 *                                             ended in time ("complete"),
 *                                             with an account every
 *                                             provider failed ("failed")
 *                                             or past --deadline-ms
 *                                             ("deadline")
 *
 * Counters are atomics; the tier and provider tables have a mutex
 * (touched once per request or batch, not per account).
 */
#ifndef ICP_METRICS_H
#define ICP_METRICS_H

#include <pthread.h>
#include <stdatomic.h>

#include "icp.h"
#include "base/buf.h"

enum icp_ep { ICP_EP_SCORE, ICP_EP_PACK, ICP_EP_HEALTH, ICP_EP_METRICS,
              ICP_EP_OTHER, ICP_EP_COUNT };

#define ICP_METRIC_CODES 10
#define ICP_METRIC_BUCKETS 12
#define ICP_METRIC_TIERS 128
#define ICP_METRIC_PROVIDERS 64

enum icp_enrich_outcome { ICP_EO_FOUND, ICP_EO_NOT_FOUND, ICP_EO_CACHED,
                          ICP_EO_FAILED, ICP_EO_SKIPPED, ICP_EO_MISSED,
                          ICP_EO_DEADLINE, ICP_EO_COUNT };

struct icp_metrics {
  atomic_long req[ICP_EP_COUNT][ICP_METRIC_CODES];
  atomic_long bucket[ICP_METRIC_BUCKETS + 1];   /* the last is +Inf */
  atomic_long usec_sum;
  atomic_long in_flight;                       /* requests begun, not ended */
  atomic_long reload_ok, reload_failed;
  atomic_long enrich_ok, enrich_failed, enrich_late;
  pthread_mutex_t mu;                          /* the tier table */
  char *tier[ICP_METRIC_TIERS];
  long tier_n[ICP_METRIC_TIERS];
  int ntiers;
  char *prov[ICP_METRIC_PROVIDERS];            /* with mu */
  long prov_n[ICP_METRIC_PROVIDERS][ICP_EO_COUNT];
  int nprov;
};

void icp_metrics_init(struct icp_metrics *m);
void icp_metrics_free(struct icp_metrics *m);
void icp_metrics_request(struct icp_metrics *m, enum icp_ep ep, int code,
                         double seconds);
/* Adds n accounts scored into tier name. */
void icp_metrics_tier(struct icp_metrics *m, const char *name, long n);
/* Adds d[outcome] lookups of provider name. */
void icp_metrics_enrich(struct icp_metrics *m, const char *name,
                        const long d[ICP_EO_COUNT]);
enum icp_status icp_metrics_render(struct icp_metrics *m,
                                   struct icp_buf *out, const char *name,
                                   const char *version);

#endif
