/* domain.h -- the account key: a normalized domain (DESIGN §3). */
#ifndef ICP_DOMAIN_H
#define ICP_DOMAIN_H

#include <stddef.h>

#define ICP_DOMAIN_MAX 253

/* Normalizes a domain, URL or e-mail address into out (cap bytes,
 * NUL-terminated): lowercase, no scheme, no user info, no "www.", no port,
 * path, query or trailing dot. Returns the length, or 0 when nothing that
 * looks like a domain remains (empty, too long, bad characters). */
size_t icp_domain_normalize(const char *s, size_t n, char *out, size_t cap);

#endif
