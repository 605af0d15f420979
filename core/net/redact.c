/* redact.c -- the list of secrets of a run, and their removal from text. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "net/redact.h"

void icp_redact_init(struct icp_redact *r)
{
  memset(r, 0, sizeof(*r));
}

void icp_redact_free(struct icp_redact *r)
{
  size_t i;
  for(i = 0; i < r->n; i++)
    free(r->s[i]);
  free(r->s);
  memset(r, 0, sizeof(*r));
}

static enum icp_status push(struct icp_redact *r, const char *s, size_t n)
{
  size_t i;
  char *c;
  for(i = 0; i < r->n; i++)
    if(strlen(r->s[i]) == n && !memcmp(r->s[i], s, n))
      return ICP_OK;
  if(icp_grow(r->s, r->cap, r->n + 1))
    return ICP_ENOMEM;
  c = malloc(n + 1);
  if(!c)
    return ICP_ENOMEM;
  memcpy(c, s, n);
  c[n] = 0;
  r->s[r->n++] = c;
  return ICP_OK;
}

enum icp_status icp_redact_add(struct icp_redact *r, const char *secret)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(secret), i, k = 0;
  char *enc;
  enum icp_status st;
  if(n < 4)
    return ICP_OK;
  st = push(r, secret, n);
  if(st)
    return st;
  enc = malloc(3 * n + 1);
  if(!enc)
    return ICP_ENOMEM;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)secret[i];
    if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
       c == '~')
      enc[k++] = (char)c;
    else {
      enc[k++] = '%';
      enc[k++] = hex[c >> 4];
      enc[k++] = hex[c & 15];
    }
  }
  st = k != n ? push(r, enc, k) : ICP_OK;
  free(enc);
  return st;
}

/* Length of the secret starting at s (n bytes left), 0 when none. */
static size_t match(const struct icp_redact *r, const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < r->n; i++) {
    size_t k = strlen(r->s[i]);
    if(k <= n && !memcmp(s, r->s[i], k))
      return k;
  }
  return 0;
}

size_t icp_redact(const struct icp_redact *r, const char *s, char *out,
                  size_t cap)
{
  size_t i = 0, k = 0, n = strlen(s);
  if(!cap)
    return 0;
  while(i < n && k + 1 < cap) {
    size_t m = r ? match(r, s + i, n - i) : 0;
    if(m) {
      size_t rl = sizeof(ICP_REDACTED) - 1;
      if(k + rl >= cap)
        break;
      memcpy(out + k, ICP_REDACTED, rl);
      k += rl;
      i += m;
    }
    else
      out[k++] = s[i++];
  }
  out[k] = 0;
  return k;
}

int icp_redact_has(const struct icp_redact *r, const char *s, size_t n)
{
  size_t i;
  for(i = 0; r && i < n; i++)
    if(match(r, s + i, n - i))
      return 1;
  return 0;
}
