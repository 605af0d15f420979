/* hooks.c -- enrichment and A/B selection for `icp score`. */
#include <string.h>

#include "cli/hooks.h"
#include "net/enrich.h"

enum icp_status icp_hooks_setup(struct icp_hooks *h, struct icp_run_opts *ro,
                                const char *providers,
                                struct icp_schema *schema, int offline,
                                int refresh, int explain,
                                struct icp_err *err)
{
  icp_ab_attach(&h->ab, ro);
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
    icp_enrich_attach(h->enrich, ro);
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
