/*
 * enrich_impl.h -- private to an enrichment session: what the waterfall
 * (enrich.c) and its failure accounting and reports (enrich_report.c)
 * share. Not part of the API.
 */
#ifndef ICP_ENRICH_IMPL_H
#define ICP_ENRICH_IMPL_H

#include <time.h>

#include "base/buf.h"
#include "data/schema.h"
#include "net/cache.h"
#include "net/enrich.h"
#include "net/host.h"
#include "net/loader.h"
#include "net/providers.h"
#include "net/scheduler.h"

#define CAUSE_DOMAINS 3       /* domains shown per cause in the summary */
#define CAUSES_MAX 32
#define WAIT_LINES_MAX 5      /* long-wait lines per provider */

/* Failures of one provider for one cause ("HTTP 401", "timeout" ...). */
struct cause {
  char label[96];
  long n;
  char dom[CAUSE_DOMAINS][72]; /* the first ones in input order (answers */
  long line[CAUSE_DOMAINS];    /* come in any order), with their lines */
  int ndom;
};

struct pstat {
  long cache_hits, not_found, failures, fields;
  long found, live_not_found; /* answers of the provider itself */
  long misses;             /* --offline: not in the cache */
  long skipped;            /* breaker open or max_requests reached */
  long predicted, maybe;   /* --dry-run: sure / depending on answers */
  long wait_lines;
  struct cause causes[CAUSES_MAX];
  int ncauses;
  long other;              /* failures past CAUSES_MAX causes */
};

struct chain {
  const char *kind;
  int *plug;               /* indexes into e->pl */
  size_t n;
};

struct icp_enrich {
  struct icp_schema *schema;
  struct icp_enrich_opts opts;
  struct icp_providers *pv;
  struct icp_plugin *pl;
  int *sched_id, *src_live, *src_cache;
  struct pstat *st;
  size_t npl;
  struct chain *chains;
  size_t nchains;
  struct icp_cache *cache;
  struct job **parked;     /* waiting for another process's answer */
  struct job **again;      /* the parked, taken up again */
  size_t nparked;
  struct icp_sched *sched;
  struct icp_host_log log;
  struct icp_enr_output out;
  struct icp_buf json;
  int refused, failed_accounts;
  long problems;           /* failures, skips and misses: exit status 2 */
  int errors_id;           /* the enrich_errors field */
  int src_icp;             /* its source */
  size_t done, total, seen;
  long long t0;
  int tty;
  /* the batch running (icp_enrich_batch_until .. icp_enrich_finish) */
  struct acct_state *bas;
  struct job *bjobs;
  size_t bn;
};

struct acct_state {
  struct icp_account *a;
  int pending;             /* 1 until its job is finished */
  int asked, ok;           /* providers asked / answered usefully */
  uint64_t predicted;      /* --dry-run: plugins (by index, the first
                              64) that would be asked for it */
};

struct job {
  struct icp_enrich *e;
  struct acct_state *as;
  size_t chain, pos;
};

static inline long long icp_enrich_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* enrich_report.c: counts a failure, skip or miss of provider p for
 * account a under label (its cause; detail, when given, is what
 * --verbose adds), and notes it on the account; */
void icp_enrich_record(struct icp_enrich *e, int p, struct icp_account *a,
                       const char *label, const char *detail);
/* the label of a failed answer ("HTTP 401 (check CLEARBIT_API_KEY)",
 * "timeout" ...), written into buf when it is made up. */
const char *icp_enrich_cause_label(const struct icp_sched_answer *a,
                                   const struct icp_plugin *pl, char *buf,
                                   size_t cap);
void icp_enrich_status_label(const struct icp_plugin *pl, long status,
                             char *out, size_t cap);

#endif
