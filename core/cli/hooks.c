/* hooks.c -- enrichment and A/B selection for a scoring run. */
#include <string.h>

#include "cli/hooks.h"
#include "data/account.h"

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

enum icp_status icp_hooks_setup(struct icp_hooks *h, struct icp_run_opts *ro,
                                const char *providers,
                                struct icp_schema *schema, int offline,
                                int refresh, int explain,
                                struct icp_err *err)
{
  (void)schema;
  (void)offline;
  (void)refresh;
  (void)explain;
  if(h->ab_salt) {
    ro->select = select_arm;
    ro->select_ud = h;
  }
  if(providers)
    return icp_err_set(err, ICP_EINVAL, "--providers: enrichment is not "
                       "available in this build");
  return ICP_OK;
}

int icp_hooks_failures(const struct icp_hooks *h)
{
  (void)h;
  return 0;
}

void icp_hooks_summary(const struct icp_hooks *h, FILE *fp)
{
  (void)h;
  (void)fp;
}

void icp_hooks_free(struct icp_hooks *h)
{
  (void)h;
}
