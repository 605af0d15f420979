/* hooks.c -- enrichment and A/B selection for a scoring run. */
#include <string.h>

#include "cli/hooks.h"
#include "data/account.h"
#include "net/enrich.h"

int icp_ab_arm(const char *domain, const char *salt, double split_pct)
{
  uint64_t h = 1469598103934665603ULL;
  const char *s;
  for(s = salt ? salt : ""; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  h ^= 0xff; /* separator: ("ab","c") and ("a","bc") differ */
  h *= 1099511628211ULL;
  for(s = domain ? domain : ""; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ULL;
  }
  /* finalize (splitmix64) so that nearby domains spread evenly */
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return (double)(h % 10000) < split_pct * 100.0;
}

static unsigned select_arm(void *ud, const struct icp_account *a)
{
  const struct icp_hooks *h = ud;
  return icp_ab_arm(icp_account_domain(a), h->ab_salt, h->ab_split) ? 2u :
         1u;
}

static enum icp_status enrich_batch(void *ud, struct icp_account **accts,
                                    size_t n, struct icp_err *err)
{
  return icp_enrich_batch(ud, accts, n, err);
}

enum icp_status icp_hooks_setup(struct icp_hooks *h, struct icp_run_opts *ro,
                                const char *providers,
                                struct icp_schema *schema, int offline,
                                int refresh, int explain,
                                struct icp_err *err)
{
  if(h->ab_salt) {
    ro->select = select_arm;
    ro->select_ud = h;
  }
  if(providers) {
    struct icp_enrich_opts eo;
    enum icp_status st;
    memset(&eo, 0, sizeof(eo));
    eo.offline = offline;
    eo.refresh = refresh;
    eo.explain = explain;
    eo.verbose = h->verbose;
    eo.progress = 0; /* the scoring run shows its own progress */
    st = icp_enrich_open(&h->enrich, providers, schema, &eo, err);
    if(st)
      return st;
    ro->enrich = enrich_batch;
    ro->enrich_ud = h->enrich;
  }
  return ICP_OK;
}

int icp_hooks_failures(const struct icp_hooks *h)
{
  return h->enrich ? icp_enrich_failures(h->enrich) +
                     icp_enrich_refused(h->enrich) : 0;
}

void icp_hooks_summary(const struct icp_hooks *h, FILE *fp)
{
  if(h->enrich)
    icp_enrich_summary(h->enrich, fp);
}

void icp_hooks_free(struct icp_hooks *h)
{
  icp_enrich_close(h->enrich);
  h->enrich = NULL;
}
