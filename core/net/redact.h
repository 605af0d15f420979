/*
 * redact.h -- the list of secrets of a run, and their removal from text
 * (HARDENING 21).
 *
 * Every configured secret (values of keys an enricher marks secret, and
 * every value read with env "NAME") is added here, together with its
 * percent-encoded form (a key placed in a URL query). Any text that leaves
 * the process -- log lines, errors, provider error reasons, cached fields,
 * outputs -- goes through icp_redact first.
 */
#ifndef ICP_REDACT_H
#define ICP_REDACT_H

#include <stddef.h>

#include "icp.h"

#define ICP_REDACTED "[redacted]"

struct icp_redact {
  char **s;
  size_t n, cap;
};

void icp_redact_init(struct icp_redact *r);
void icp_redact_free(struct icp_redact *r);
/* Adds secret (copied) and its percent-encoded form. Secrets shorter than
 * 4 bytes are not added (they would shred every text); the config loader
 * refuses them. */
enum icp_status icp_redact_add(struct icp_redact *r, const char *secret);
/* Writes s with every secret replaced by ICP_REDACTED into out (cap bytes,
 * NUL-terminated, truncated to fit). Returns the length written. */
size_t icp_redact(const struct icp_redact *r, const char *s, char *out,
                  size_t cap);
/* 1 when s[0..n) contains a secret. */
int icp_redact_has(const struct icp_redact *r, const char *s, size_t n);

#endif
