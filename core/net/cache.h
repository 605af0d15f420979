/*
 * cache.h -- the enrichment cache (DESIGN §6): SQLite, the embedded
 * default, or PostgreSQL shared by many machines (net/cache_pg.h), chosen
 * by what icp_cache_open is given (a file path or a postgresql:// URL).
 *
 * One row per (provider, domain): the normalized fields the provider gave
 * as a JSON object (numbers written with icp_fmt_num, dates as
 * "YYYY-MM-DD" strings, lists as arrays), or a negative answer (the
 * provider does not know the domain), and the time it was fetched. Rows
 * older than the provider's TTL are misses. Secrets are never written: the
 * caller stores only normalized fields, already redacted.
 *
 * The file is opened in defensive mode with tight limits, in WAL mode with
 * a busy timeout, so two icp processes can share it. A cache handle is used
 * by one thread at a time.
 */
#ifndef ICP_CACHE_H
#define ICP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "base/err.h"  /* icp_err_set */

struct icp_cache;

#define ICP_CACHE_ROW_MAX (4 << 20)  /* the largest fields text kept */

enum icp_cache_mode {
  ICP_CACHE_NORMAL = 0,  /* read and write */
  ICP_CACHE_OFFLINE,     /* read only: the caller makes no request */
  ICP_CACHE_REFRESH      /* reads miss, answers are still written */
};

enum icp_cache_hit {
  ICP_CACHE_MISS = 0,
  ICP_CACHE_FOUND,       /* *json holds the fields */
  ICP_CACHE_NOT_FOUND,   /* a fresh negative answer */
  ICP_CACHE_PENDING      /* another process is asking (shared caches):
                            icp_cache_wait, then ask again */
};

/* Opens (creating the file and its parent directory when missing) the
 * cache at path, or connects to the PostgreSQL cache when path is a
 * postgresql:// URL (a server that cannot be reached: see
 * icp_cache_fault). *out is owned by the caller: icp_cache_close. */
enum icp_status icp_cache_open(struct icp_cache **out, const char *path,
                               enum icp_cache_mode mode,
                               struct icp_err *err);
void icp_cache_close(struct icp_cache *c);

/* Faults: a SQLite cache file that is read-only, a disk that is full and
 * a lock another process holds past the busy timeout do not stop a run,
 * nor a PostgreSQL server that vanishes. Outside offline mode, the cache
 * then stops caching for the rest of the run: the call that met the fault
 * returns ICP_EIO with the reason (once: say it), every later call is a
 * quiet miss or no-op, and icp_cache_fault gives the reason (NULL while
 * the cache works); callers make the exit status 2. A file that is not a
 * cache is still refused at open. */
const char *icp_cache_fault(const struct icp_cache *c);

/* Looks up (provider, domain), fresh when fetched within ttl_s seconds of
 * now (epoch seconds); ttl_s <= 0 means never stale. A PostgreSQL cache
 * ignores now and judges by the server's clock (cache_pg.h, Time). On
 * ICP_CACHE_FOUND, *json is a malloc'd NUL-terminated copy the caller
 * frees. Errors (a
 * corrupt file) are reported in err and read as a miss (*hit). */
enum icp_status icp_cache_get(struct icp_cache *c, const char *provider,
                              const char *domain, int64_t ttl_s,
                              int64_t now, enum icp_cache_hit *hit,
                              char **json, struct icp_err *err);

/* Stores fields (a JSON object) or, with json NULL, a negative answer for
 * (provider, domain) at time now (a PostgreSQL cache: the server's time),
 * replacing any older row. A no-op in
 * offline mode. */
enum icp_status icp_cache_put(struct icp_cache *c, const char *provider,
                              const char *domain, const char *json,
                              int64_t now, struct icp_err *err);

/* 1 when a row fetched at `at` is fresh at now for ttl_s (<= 0: always). */
int icp_cache_fresh(int64_t at, int64_t now, int64_t ttl_s);

/* Shared caches only (no-ops for SQLite). A lookup that misses claims
 * the request for this handle until its answer is put; another handle
 * then gets ICP_CACHE_PENDING. icp_cache_wait blocks until the claim on
 * (provider, domain) is resolved or its lease ran out; never call it
 * while holding claims of your own (two waiting processes would wait for
 * each other): release them first. icp_cache_release drops the claims of
 * requests that got no answer (failures). icp_cache_keepalive renews the
 * leases of the claims held (call it often; it talks to the server every
 * lease/3). icp_cache_lease sets the lease (default 30 s): how long the
 * claims of a process that stopped renewing them (died) block others. */
enum icp_status icp_cache_wait(struct icp_cache *c, const char *provider,
                               const char *domain, struct icp_err *err);
void icp_cache_release(struct icp_cache *c);
enum icp_status icp_cache_keepalive(struct icp_cache *c,
                                    struct icp_err *err);
void icp_cache_lease(struct icp_cache *c, long ms);

/* A read transaction around a run of lookups (one snapshot, one lock,
 * instead of one per lookup). In WAL mode it never blocks a writer of
 * another process. No put may happen in between. */
void icp_cache_read_begin(struct icp_cache *c);
void icp_cache_read_end(struct icp_cache *c);

/* Groups the puts that follow into one transaction until icp_cache_commit
 * (faster; other processes still read the last committed state). */
enum icp_status icp_cache_begin(struct icp_cache *c, struct icp_err *err);
enum icp_status icp_cache_commit(struct icp_cache *c, struct icp_err *err);

#endif
