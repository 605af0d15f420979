/* domain.h -- the account key: a normalized domain (DESIGN §3). */
#ifndef ICP_DOMAIN_H
#define ICP_DOMAIN_H

#include <stddef.h>

#define ICP_DOMAIN_MAX 253

/* Normalizes a domain, URL or e-mail address into out (cap bytes, at
 * least ICP_DOMAIN_MAX + 1, NUL-terminated): a valid hostname, lowercase,
 * IDN labels as punycode, no scheme, user info, port, path, "www." or
 * trailing dot. From a URL only its host counts; from an e-mail address
 * ("jane@acme.io", "Jane <jane@acme.io>", "mailto:...") only what follows
 * its single '@'. Returns the length, or 0 when the text is not a valid
 * hostname of at least two labels (an IP literal, "localhost", a label
 * over 63 bytes or with other characters, a numeric last label, ...). */
size_t icp_domain_normalize(const char *s, size_t n, char *out, size_t cap);

#endif
