/*
 * providers.h -- the providers config (DESIGN §6), loaded in a sandbox.
 *
 *   provider "clearbit" { enricher = "clearbit", api_key = env "KEY",
 *     base_url = "...", timeout_ms = 5000, max_rps = 10, ttl_days = 30 }
 *   enrich { firmographic = { "clearbit", "pdl" },
 *            technographic = { "builtwith" } }
 *   cache { path = ".icp/cache.sqlite" }
 *   cache { url = env "ICP_CACHE_URL", lease_ms = 30000 }   (PostgreSQL)
 *
 * The file is Lua 5.4 text run in the one sandbox (core/rules/sandbox.c,
 * provider-config profile): the same allow-list, guards, memory cap and
 * instruction budget as a rule pack, plus the DSL (provider, enrich,
 * cache, env). Every problem of the file is reported, each once, with
 * file:line; an unknown key gets a did-you-mean.
 * `env "NAME"` reads the environment; a missing variable is an error that
 * names the variable, never a value. Every value read by env is a secret
 * (added to the redaction list), and a key an enricher marks secret must
 * come from env, never from a literal.
 *
 * Keys the host consumes (never passed to the enricher's key check):
 *   enricher             plugin name (default: the provider name)
 *   timeout_ms           total per attempt (default 10000)
 *   connect_timeout_ms   (default 5000)
 *   max_rps              requests per second (default: no limit)
 *   max_requests         hard cap on transfers per run (default: none)
 *   cost_per_request     for the end summary and --dry-run (default 0)
 *   ttl_days             cache freshness (default 30; 0: forever)
 *   overwrite            replace input values (default false)
 *   max_attempts         tries per request (default 4)
 *   max_polls            re-asks of "queued" answers (default 5)
 *   max_body_bytes       decoded answer cap (default 8 MiB)
 *   low_speed_bytes, low_speed_time_s   drip limit (default 64 B/s, 10 s)
 *   backoff_base_ms, backoff_cap_ms (250, 10000)
 *   retry_after_max_ms   cap on Retry-After and rate-limit waits (10000)
 *   breaker_failures     consecutive failures that open it (default 5)
 *   breaker_cooldown_ms  (default 30000)
 *   ca_file              a CA bundle for a private or loopback CA
 */
#ifndef ICP_PROVIDERS_H
#define ICP_PROVIDERS_H

#include <stddef.h>

#include "icp.h"
#include "net/redact.h"
#include "net/scheduler.h"

enum icp_cfg_type {
  ICP_CFG_STRING = 1, ICP_CFG_NUMBER, ICP_CFG_BOOL, ICP_CFG_LIST,
  ICP_CFG_MAP
};

/* One config value, frozen. Lists hold their items as text (numbers in
 * their shortest form); maps hold keys sorted by bytes. */
struct icp_cfg_value {
  int type;             /* enum icp_cfg_type */
  char *str;            /* STRING; NUMBER as text */
  double num;
  int b;
  size_t n;             /* LIST, MAP: item count */
  char **items;         /* LIST items; MAP values */
  char **keys;          /* MAP keys */
  int from_env;         /* STRING (or every MAP value) came from env */
  char *env;            /* the variable a STRING (or a MAP value) was
                           read from, or NULL */
};

struct icp_cfg_entry {
  char *key;
  struct icp_cfg_value v;
};

/* One provider's frozen config; it is also the opaque
 * struct icp_enr_config of the enricher ABI. */
struct icp_enr_config {
  char *name;                  /* provider name */
  char *enricher;              /* plugin name, [a-z0-9_] */
  const char *file;            /* the config file (borrowed) */
  int line;                    /* where it is declared */
  struct icp_cfg_entry *e;     /* the enricher's keys */
  size_t ne;
  struct icp_sched_limits lim; /* host keys (lim.name = name) */
  char *ca_file;
  double ttl_days;
  int overwrite;
  long max_requests;           /* 0: no cap */
  double cost_per_request;
  const struct icp_redact *redact; /* borrowed from icp_providers */
  /* where the loader reports every problem of this provider's keys
   * (NULL: only the first, in err) */
  void (*diag)(void *ud, const char *msg);
  void *diag_ud;
  void *log_ud;                /* set by the session for host->log */
};

struct icp_chain {
  char *kind;                  /* "firmographic", "technographic" */
  char **names;                /* provider names in waterfall order */
  size_t n;
  int line;
};

struct icp_providers {
  char *path;
  struct icp_enr_config *p;
  size_t np, pcap;
  struct icp_chain *chains;    /* NULL when the file has no enrich { } */
  size_t nchains;
  char *cache_path;            /* default ".icp/cache.sqlite" */
  char *cache_url;             /* postgresql://..., instead of the path */
  long cache_lease_ms;         /* claims of a shared cache (0: default) */
  struct icp_redact redact;
};

/* A providers file is read whole, up to this many bytes. */
#define ICP_PROVIDERS_TEXT_MAX (1u << 20)

/* Loads path. *out is owned by the caller (icp_providers_free). On
 * ICP_ELOAD err holds the first problem ("file:line: ..."), followed by
 * "(and N more)" when there were more. */
enum icp_status icp_providers_load(struct icp_providers **out,
                                   const char *path, struct icp_err *err);
/* The same, handing every problem, each once, to diag(ud, msg); err then
 * says how many there were when more than one. */
enum icp_status icp_providers_load_diag(struct icp_providers **out,
                                        const char *path,
                                        void (*diag)(void *, const char *),
                                        void *ud, struct icp_err *err);
/* The same from the file's text, already read (path names it in
 * messages). */
enum icp_status icp_providers_parse_diag(struct icp_providers **out,
                                         const char *path, const char *text,
                                         size_t len,
                                         void (*diag)(void *, const char *),
                                         void *ud, struct icp_err *err);

/* The name of cands (NULL-terminated) closest to name by edit distance,
 * when close enough to be a likely typo; NULL otherwise. */
const char *icp_cfg_suggest(const char *name, const char *const *cands);
/* The keys the host consumes (NULL-terminated). */
extern const char *const icp_cfg_host_keys[];
void icp_providers_free(struct icp_providers *pv);

/* The entry of key in a provider's config, or NULL. */
const struct icp_cfg_entry *icp_cfg_find(const struct icp_enr_config *c,
                                         const char *key);
/* The provider named name, or NULL. */
struct icp_enr_config *icp_providers_find(struct icp_providers *pv,
                                          const char *name);

#endif
