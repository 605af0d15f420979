/*
 * cache_pg.h -- the PostgreSQL backend of the enrichment cache, shared by
 * many processes and machines (cache { url = "postgresql://..." }).
 *
 * Internal to core/net: cache.c hands every call of the cache interface
 * (cache.h) to these functions when the cache was opened with a
 * postgresql:// URL. The semantics are those of cache.h; what is added:
 *
 * Claims. A lookup that misses claims the (provider, domain) request for
 * this process (a row in icp_enrich_claim with a lease) before it returns
 * ICP_CACHE_MISS, so that another process asking for the same request
 * gets ICP_CACHE_PENDING instead and waits for the answer (put) rather
 * than sending the request again. A put resolves the claim in the same
 * statement; icp_cache_release drops the claims of requests that failed.
 * A live process renews its leases (icp_cache_keepalive); the claims of a
 * process that died expire after the lease and are taken over.
 *
 * Time. A row is stamped with the server's clock when it is put, and its
 * age is judged by the server's clock when it is read; leases run on it
 * too. So the clocks of the machines that share the cache may disagree
 * (skew) without a row being asked again too soon or served too long. A
 * row stamped after the server's now (by an older icp whose clock ran
 * ahead) is stale: asked again, and stamped right.
 *
 * Faults. A server that cannot be reached, a statement that fails, or
 * one the server does not answer within its statement_timeout and a
 * quarter more (a client-side deadline: poll on the socket) stops caching
 * for the rest of the run (the caller says so once and exits 2), as for
 * the SQLite cache.
 *
 * Secrets. The password libpq reads from the URL never appears in a
 * message: messages name the server from the parsed URL, the password
 * replaced by ICP_REDACTED, and libpq's text goes through the redaction
 * list.
 */
#ifndef ICP_CACHE_PG_H
#define ICP_CACHE_PG_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "net/cache.h"
#include "net/redact.h"

struct icp_cache_pg;

/* 1 when s is a postgresql:// (or postgres://) URL. */
int icp_cache_pg_is_url(const char *s);

/* Writes where url points into out (cap bytes, NUL-terminated, truncated
 * to fit), built from what libpq parses of it, never the text as written:
 * postgresql://user[:ICP_REDACTED]@host:port/dbname, a socket directory
 * as ?host=DIR. Returns the length written. */
size_t icp_cache_pg_where(const char *url, char *out, size_t cap);

/* Adds the password libpq reads from url (however it is written) to r,
 * as is and percent-encoded. Returns 1 when url holds one, 0 when not (or
 * when libpq cannot parse url), -1 when out of memory. */
int icp_cache_pg_secrets(const char *url, struct icp_redact *r);

/* Checks that url is a PostgreSQL connection URL libpq accepts; on a
 * problem writes the reason (no password in it) to why and returns -1. */
int icp_cache_pg_check(const char *url, char *why, size_t cap);

/* Connects and creates the tables when missing (not in offline mode; a
 * role that may only read and write existing tables is enough). A
 * server that cannot be reached is a fault: *out is still returned and
 * icp_cache_pg_fault says why. Other errors (out of memory) fail. */
enum icp_status icp_cache_pg_open(struct icp_cache_pg **out, const char *url,
                                  enum icp_cache_mode mode,
                                  struct icp_err *err);
void icp_cache_pg_close(struct icp_cache_pg *c);
const char *icp_cache_pg_fault(const struct icp_cache_pg *c);
void icp_cache_pg_lease(struct icp_cache_pg *c, long ms);

/* As icp_cache_get and icp_cache_put, without the caller's clock: the
 * server's is used (see Time). */
enum icp_status icp_cache_pg_get(struct icp_cache_pg *c,
                                 const char *provider, const char *domain,
                                 int64_t ttl_s, enum icp_cache_hit *hit,
                                 char **json, struct icp_err *err);
enum icp_status icp_cache_pg_put(struct icp_cache_pg *c,
                                 const char *provider, const char *domain,
                                 const char *json, struct icp_err *err);
enum icp_status icp_cache_pg_wait(struct icp_cache_pg *c,
                                  const char *provider, const char *domain,
                                  struct icp_err *err);
void icp_cache_pg_release(struct icp_cache_pg *c);
enum icp_status icp_cache_pg_keepalive(struct icp_cache_pg *c,
                                       struct icp_err *err);

#endif
