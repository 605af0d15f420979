/*
 * loader.h -- finding, loading and checking enricher plugins (DESIGN §6).
 *
 * <enricher>.so is looked for in the directories of ICP_ENRICHER_PATH
 * (colon-separated), then in enrichers/ beside the running binary
 * (/proc/self/exe), then in ICP_PREFIX/lib/icp/enrichers. It is opened
 * RTLD_LOCAL | RTLD_NOW; its icp_enricher_open is called with the host
 * table; the descriptor's ABI and size are checked; the provider's config
 * is checked against the keys the descriptor declares (unknown key,
 * missing required key, wrong type, a secret not read from env); then
 * init runs. Any failure refuses that provider only, with its name and
 * the reason, and leaves nothing open.
 */
#ifndef ICP_LOADER_H
#define ICP_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "icp_enricher.h"
#include "icp.h"
#include "net/providers.h"

#ifndef ICP_PREFIX
#define ICP_PREFIX "/usr/local"
#endif

/* One loaded, initialised provider. */
struct icp_plugin {
  struct icp_enr_config *cfg;        /* borrowed from icp_providers */
  void *dl;                          /* dlopen handle */
  const struct icp_enricher *d;      /* static, in the .so */
  void *state;                       /* from init, freed by fini */
  int *fields;                       /* schema ids it provides */
  size_t nfields;
  uint32_t kind;
  size_t key_size;                   /* stride of d->config */
};

/* Writes the path of <enricher>.so into out (cap bytes). Returns 1 when
 * found. */
int icp_plugin_find(const char *enricher, char *out, size_t cap);

/* Loads and initialises the plugin of cfg into pl (zeroed on failure);
 * field names it provides are interned in schema. On ICP_ELOAD, err says
 * "provider 'x': <reason>" (no secret). */
enum icp_status icp_plugin_load(struct icp_plugin *pl,
                                struct icp_enr_config *cfg,
                                struct icp_schema *schema,
                                struct icp_err *err);

/* Config key i of a loaded plugin, copied into *k: the fields the
 * plugin's key size covers, the others zero (the descriptor's
 * config_key_size is the stride). Returns 0 past the last key (a NULL
 * name). Read keys only through this, never by indexing d->config. */
int icp_plugin_key(const struct icp_plugin *pl, size_t i,
                   struct icp_enr_config_key *k);

/* Calls fini, closes the .so (NULL-safe, idempotent). */
void icp_plugin_unload(struct icp_plugin *pl);

#endif
