/* metrics.c -- counters of icp serve in the Prometheus text format. */
#include <stdlib.h>
#include <string.h>

#include "serve/metrics.h"

static const int codes[ICP_METRIC_CODES] = { 200, 400, 401, 404, 405, 408,
                                             413, 500, 503, 0 };
static const char *const eps[ICP_EP_COUNT] = { "/v1/score", "/v1/pack",
                                               "/healthz", "/metrics",
                                               "other" };
static const char *const outcomes[ICP_EO_COUNT] = {
  "found", "not_found", "cache", "failed", "skipped", "cache_miss",
  "deadline" };
static const double bounds[ICP_METRIC_BUCKETS] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };

void icp_metrics_init(struct icp_metrics *m)
{
  memset(m, 0, sizeof(*m));
  pthread_mutex_init(&m->mu, NULL);
}

void icp_metrics_free(struct icp_metrics *m)
{
  int i;
  for(i = 0; i < m->ntiers; i++)
    free(m->tier[i]);
  for(i = 0; i < m->nprov; i++)
    free(m->prov[i]);
  pthread_mutex_destroy(&m->mu);
}

void icp_metrics_request(struct icp_metrics *m, enum icp_ep ep, int code,
                         double seconds)
{
  int c, b;
  for(c = 0; c < ICP_METRIC_CODES - 1 && codes[c] != code; c++)
    ;
  atomic_fetch_add(&m->req[ep][c], 1);
  for(b = 0; b < ICP_METRIC_BUCKETS && seconds > bounds[b]; b++)
    ;
  atomic_fetch_add(&m->bucket[b], 1);
  atomic_fetch_add(&m->usec_sum, (long)(seconds * 1e6));
}

/* The slot of name in names[0..*n), added when new and room is left;
 * -1 when there is none (mutex held). */
static int slot(char **names, int *n, int max, const char *name)
{
  int i;
  for(i = 0; i < *n && strcmp(names[i], name); i++)
    ;
  if(i == *n && i < max && (names[i] = icp_strdup(name)))
    (*n)++;
  return i < *n ? i : -1;
}

void icp_metrics_tier(struct icp_metrics *m, const char *name, long n)
{
  int i;
  pthread_mutex_lock(&m->mu);
  i = slot(m->tier, &m->ntiers, ICP_METRIC_TIERS, name);
  if(i >= 0)
    m->tier_n[i] += n;
  pthread_mutex_unlock(&m->mu);
}

void icp_metrics_enrich(struct icp_metrics *m, const char *name,
                        const long d[ICP_EO_COUNT])
{
  int i, k;
  pthread_mutex_lock(&m->mu);
  i = slot(m->prov, &m->nprov, ICP_METRIC_PROVIDERS, name);
  for(k = 0; i >= 0 && k < ICP_EO_COUNT; k++)
    m->prov_n[i][k] += d[k];
  pthread_mutex_unlock(&m->mu);
}

/* A label value: quoted, with backslash, quote and newline escaped. */
static enum icp_status label(struct icp_buf *out, const char *s)
{
  enum icp_status st = icp_buf_addc(out, '"');
  for(; !st && *s; s++) {
    if(*s == '\\' || *s == '"')
      st = icp_buf_addc(out, '\\');
    if(!st)
      st = *s == '\n' ? icp_buf_add(out, "\\n", 2) : icp_buf_addc(out, *s);
  }
  return st ? st : icp_buf_addc(out, '"');
}

enum icp_status icp_metrics_render(struct icp_metrics *m,
                                   struct icp_buf *out, const char *name,
                                   const char *version)
{
  enum icp_status st;
  long cum = 0;
  int e, c, b, i, k;

  st = icp_buf_adds(out, "# HELP icp_http_requests_total Requests answered, "
                    "by endpoint and status code.\n"
                    "# TYPE icp_http_requests_total counter\n");
  for(e = 0; !st && e < ICP_EP_COUNT; e++)
    for(c = 0; !st && c < ICP_METRIC_CODES; c++) {
      long v = atomic_load(&m->req[e][c]);
      if(v)
        st = icp_buf_printf(out, "icp_http_requests_total{endpoint=\"%s\","
                            "code=\"%d\"} %ld\n", eps[e], codes[c], v);
    }
  if(!st)
    st = icp_buf_adds(out, "# HELP icp_http_request_duration_seconds Time "
                      "from the request line to the answer queued.\n"
                      "# TYPE icp_http_request_duration_seconds "
                      "histogram\n");
  for(b = 0; !st && b <= ICP_METRIC_BUCKETS; b++) {
    cum += atomic_load(&m->bucket[b]);
    if(b < ICP_METRIC_BUCKETS)
      st = icp_buf_printf(out, "icp_http_request_duration_seconds_bucket"
                          "{le=\"%g\"} %ld\n", bounds[b], cum);
    else
      st = icp_buf_printf(out, "icp_http_request_duration_seconds_bucket"
                          "{le=\"+Inf\"} %ld\n"
                          "icp_http_request_duration_seconds_sum %.6f\n"
                          "icp_http_request_duration_seconds_count %ld\n",
                          cum, (double)atomic_load(&m->usec_sum) / 1e6, cum);
  }
  if(!st)
    st = icp_buf_printf(out, "# HELP icp_http_requests_in_flight Requests "
                        "begun and not ended (this one included).\n"
                        "# TYPE icp_http_requests_in_flight gauge\n"
                        "icp_http_requests_in_flight %ld\n",
                        atomic_load(&m->in_flight));
  if(!st)
    st = icp_buf_adds(out, "# HELP icp_accounts_scored_total Accounts "
                      "scored, by tier.\n"
                      "# TYPE icp_accounts_scored_total counter\n");
  pthread_mutex_lock(&m->mu);
  for(i = 0; !st && i < m->ntiers; i++) {
    st = icp_buf_adds(out, "icp_accounts_scored_total{tier=");
    if(!st)
      st = label(out, m->tier[i]);
    if(!st)
      st = icp_buf_printf(out, "} %ld\n", m->tier_n[i]);
  }
  pthread_mutex_unlock(&m->mu);
  if(!st)
    st = icp_buf_printf(out, "# HELP icp_pack_reloads_total Pack reloads "
                        "(SIGHUP), by result.\n"
                        "# TYPE icp_pack_reloads_total counter\n"
                        "icp_pack_reloads_total{result=\"ok\"} %ld\n"
                        "icp_pack_reloads_total{result=\"failed\"} %ld\n",
                        atomic_load(&m->reload_ok),
                        atomic_load(&m->reload_failed));
  if(!st)
    st = icp_buf_adds(out, "# HELP icp_enrich_requests_total Lookups of "
                      "each provider, by outcome.\n"
                      "# TYPE icp_enrich_requests_total counter\n");
  pthread_mutex_lock(&m->mu);
  for(i = 0; !st && i < m->nprov; i++)
    for(k = 0; !st && k < ICP_EO_COUNT; k++) {
      st = icp_buf_adds(out, "icp_enrich_requests_total{provider=");
      if(!st)
        st = label(out, m->prov[i]);
      if(!st)
        st = icp_buf_printf(out, ",outcome=\"%s\"} %ld\n", outcomes[k],
                            m->prov_n[i][k]);
    }
  pthread_mutex_unlock(&m->mu);
  if(!st)
    st = icp_buf_printf(out, "# HELP icp_enrich_answers_total Answers "
                        "whose accounts went through enrichment, by "
                        "outcome.\n"
                        "# TYPE icp_enrich_answers_total counter\n"
                        "icp_enrich_answers_total{outcome=\"complete\"} "
                        "%ld\n"
                        "icp_enrich_answers_total{outcome=\"failed\"} "
                        "%ld\n"
                        "icp_enrich_answers_total{outcome=\"deadline\"} "
                        "%ld\n",
                        atomic_load(&m->enrich_ok),
                        atomic_load(&m->enrich_failed),
                        atomic_load(&m->enrich_late));
  if(!st)
    st = icp_buf_adds(out, "# HELP icp_pack_info The pack serving.\n"
                      "# TYPE icp_pack_info gauge\nicp_pack_info{name=");
  if(!st)
    st = label(out, name);
  if(!st)
    st = icp_buf_adds(out, ",version=");
  if(!st)
    st = label(out, version);
  if(!st)
    st = icp_buf_adds(out, "} 1\n");
  return st;
}
