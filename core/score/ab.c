/* ab.c -- the A/B arm of an account and the select hook of a run. */
#include <stdint.h>

#include "data/account.h"
#include "score/ab.h"

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

/* The select hook: bit 1 scores with pack A, bit 2 with pack B. */
static unsigned select_arm(void *ud, const struct icp_account *a)
{
  const struct icp_ab *ab = ud;
  return icp_ab_arm(icp_account_domain(a), ab->salt, ab->split) ? 2u : 1u;
}

void icp_ab_attach(struct icp_ab *ab, struct icp_run_opts *ro)
{
  if(!ab->salt)
    return;
  ro->select = select_arm;
  ro->select_ud = ab;
}
