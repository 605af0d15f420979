/*
 * domain.c -- the account key: a valid hostname from a domain, a URL or an
 * e-mail address (DESIGN §3, issue 13).
 *
 * What comes out is a hostname or nothing: labels of 1-63 letters, digits
 * and hyphens (not at either end), at most 253 bytes, at least two labels,
 * a last label that is not all digits (so no IPv4 literal in any of its
 * spellings), never "localhost"; non-ASCII labels become punycode
 * ("xn--..."). From a URL only the host counts (a user-info part or an '@'
 * in the path never does); from an e-mail address only what follows its
 * single '@'. Anything else is refused, and the caller reports it.
 */
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "data/domain.h"

/* ---- punycode (RFC 3492) ----------------------------------------------- */

static char puny_digit(uint32_t d)
{
  return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

static uint32_t adapt(uint32_t delta, uint32_t npoints, int first)
{
  uint32_t k = 0;
  delta = first ? delta / 700 : delta / 2;
  delta += delta / npoints;
  while(delta > ((36 - 1) * 26) / 2) {
    delta /= 36 - 1;
    k += 36;
  }
  return k + (36 * delta) / (delta + 38);
}

/* Encodes code points cp[0..n) after "xn--" into out; returns the length
 * written, 0 when it does not fit. */
static size_t puny(const uint32_t *cp, size_t n, char *out, size_t cap)
{
  uint32_t code = 128, delta = 0, bias = 72, h, b = 0;
  size_t k = 0, i;
  if(cap < 5)
    return 0;
  memcpy(out, "xn--", 4);
  k = 4;
  for(i = 0; i < n; i++)
    if(cp[i] < 128) {
      if(k + 1 >= cap)
        return 0;
      out[k++] = (char)cp[i];
      b++;
    }
  h = b;
  if(b) {
    if(k + 1 >= cap)
      return 0;
    out[k++] = '-';
  }
  while(h < n) {
    uint32_t m = UINT32_MAX;
    for(i = 0; i < n; i++)
      if(cp[i] >= code && cp[i] < m)
        m = cp[i];
    if((uint64_t)(m - code) * (h + 1) + delta > UINT32_MAX / 2)
      return 0;
    delta += (m - code) * (h + 1);
    code = m;
    for(i = 0; i < n; i++) {
      if(cp[i] < code)
        delta++;
      if(cp[i] == code) {
        uint32_t q = delta, t, kk;
        for(kk = 36;; kk += 36) {
          t = kk <= bias ? 1 : (kk >= bias + 26 ? 26 : kk - bias);
          if(q < t)
            break;
          if(k + 1 >= cap)
            return 0;
          out[k++] = puny_digit(t + (q - t) % (36 - t));
          q = (q - t) / (36 - t);
        }
        if(k + 1 >= cap)
          return 0;
        out[k++] = puny_digit(q);
        bias = adapt(delta, h + 1, h == b);
        delta = 0;
        h++;
      }
    }
    delta++;
    code++;
  }
  return k;
}

/* ---- one label --------------------------------------------------------- */

static uint32_t decode(const unsigned char *s, size_t k)
{
  if(k == 2)
    return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
  if(k == 3)
    return ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
           (s[2] & 0x3f);
  return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
         ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

/* Appends label s[0..n) (lowercased, punycode when not ASCII) to out at
 * *k. 0 when it is not a valid label. */
static int label(const char *s, size_t n, char *out, size_t cap, size_t *k)
{
  uint32_t cp[64];
  size_t i, ncp = 0, len;
  int ascii = 1;
  if(!n || n > 252)
    return 0;
  for(i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    size_t q = c < 0x80 ? 1 : icp_utf8_seq(s + i, n - i);
    uint32_t u;
    if(!q || ncp == 64)
      return 0;
    u = q == 1 ? c : decode((const unsigned char *)s + i, q);
    if(u >= 'A' && u <= 'Z')
      u += 32;
    else if((u >= 0xc0 && u <= 0xde && u != 0xd7) || (u >= 0x391 &&
            u <= 0x3ab && u != 0x3a2) || (u >= 0x410 && u <= 0x42f))
      u += 0x20; /* Latin-1, Greek and Cyrillic capitals */
    if(u < 0x80 && !((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                     u == '-'))
      return 0;
    if(u >= 0x80 && (u < 0xa0 || u == 0xfffd || (u >= 0x2000 &&
                     u <= 0x206f) || (u >= 0x3000 && u <= 0x303f)))
      return 0; /* controls, replacement char, punctuation and spaces */
    ascii &= u < 0x80;
    cp[ncp++] = u;
    i += q;
  }
  if(cp[0] == '-' || cp[ncp - 1] == '-')
    return 0;
  if(ascii) {
    if(ncp > 63 || *k + ncp + 1 > cap)
      return 0;
    for(i = 0; i < ncp; i++)
      out[(*k)++] = (char)cp[i];
    return 1;
  }
  len = puny(cp, ncp, out + *k, cap - *k);
  if(!len || len > 63)
    return 0;
  *k += len;
  return 1;
}

/* Validates host s[0..n) into out: see the top of the file. */
static size_t host(const char *s, size_t n, char *out, size_t cap)
{
  size_t k = 0, b = 0, i, labels = 0, last = 0;
  int digits_only = 1;
  if(n && s[n - 1] == '.')
    n--; /* the root */
  if(!n || n > 4 * ICP_DOMAIN_MAX)
    return 0;
  for(i = 0; i <= n; i++) {
    if(i < n && s[i] != '.')
      continue;
    if(labels && k + 1 < cap)
      out[k++] = '.';
    last = k;
    if(!label(s + b, i - b, out, cap, &k))
      return 0;
    labels++;
    b = i + 1;
  }
  if(labels < 2 || k > ICP_DOMAIN_MAX || k + 1 > cap)
    return 0;
  for(i = last; i < k; i++)
    if(out[i] < '0' || out[i] > '9')
      digits_only = 0;
  if(digits_only || (k - last == 9 && !memcmp(out + last, "localhost", 9)))
    return 0;
  out[k] = 0;
  /* "www.acme.io" is acme.io; "www.io" stays itself */
  if(k > 4 && !memcmp(out, "www.", 4) && memchr(out + 4, '.', k - 4)) {
    memmove(out, out + 4, k - 4 + 1);
    k -= 4;
  }
  return k;
}

/* The common case, a key already written as one: lowercase ASCII labels
 * of letters, digits and inner hyphens. Copies it and returns its length,
 * or 0 to let the full path decide. */
static size_t plain(const char *s, size_t n, char *out, size_t cap)
{
  size_t i, b = 0, labels = 0;
  int digits = 1, last_digits = 1;
  if(!n || n > ICP_DOMAIN_MAX || n + 1 > cap || s[0] == 'w')
    return 0; /* "www." is the full path's */
  for(i = 0; i <= n; i++) {
    unsigned char c = i < n ? (unsigned char)s[i] : '.';
    if(c == '.') {
      if(i == b || i - b > 63 || s[b] == '-' || s[i - 1] == '-')
        return 0;
      labels++;
      b = i + 1;
      last_digits = digits;
      digits = 1;
      continue;
    }
    if(c >= '0' && c <= '9')
      continue;
    if(!((c >= 'a' && c <= 'z') || c == '-'))
      return 0;
    digits = 0;
  }
  if(labels < 2 || last_digits || (n >= 10 && !memcmp(s + n - 10, ".localhost",
                                                    10)))
    return 0;
  memcpy(out, s, n);
  out[n] = 0;
  return n;
}

/* ---- URL, e-mail address or bare domain -------------------------------- */

static int ieq_prefix(const char *s, size_t n, const char *p)
{
  size_t i, m = strlen(p);
  if(n < m)
    return 0;
  for(i = 0; i < m; i++) {
    char c = s[i];
    if(c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    if(c != p[i])
      return 0;
  }
  return 1;
}

/* Length of a "scheme://" prefix, 0 when none. */
static size_t scheme(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n && i < 32; i++) {
    char c = s[i];
    if(c == ':')
      return i && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/' ? i + 3 :
             0;
    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (i && ((c >= '0' && c <= '9') || c == '+' || c == '.' ||
                c == '-'))))
      return 0;
  }
  return 0;
}

/* Strips ":port" (digits only) from the end of a host; 0 when a ':' is
 * followed by anything else. */
static int strip_port(const char *s, size_t *n)
{
  const char *c = memchr(s, ':', *n);
  size_t i;
  if(!c)
    return 1;
  for(i = (size_t)(c - s) + 1; i < *n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  *n = (size_t)(c - s);
  return 1;
}

size_t icp_domain_normalize(const char *s, size_t n, char *out, size_t cap)
{
  const char *at;
  size_t i, skip = plain(s, n, out, cap);
  if(skip)
    return skip;
  while(n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  /* "Jane Doe <jane@acme.io>" */
  if(n > 2 && s[n - 1] == '>') {
    const char *lt = memchr(s, '<', n);
    if(!lt)
      return 0;
    n = n - 1 - (size_t)(lt + 1 - s);
    s = lt + 1;
  }
  if(ieq_prefix(s, n, "mailto:")) {
    s += 7;
    n -= 7;
    if(!memchr(s, '@', n))
      return 0;
  }
  skip = scheme(s, n);
  if(!skip && n >= 2 && s[0] == '/' && s[1] == '/')
    skip = 2;
  if(skip) {
    /* a URL: the authority ends at the path, query or fragment */
    s += skip;
    n -= skip;
    for(i = 0; i < n; i++)
      if(s[i] == '/' || s[i] == '?' || s[i] == '#' || s[i] == '\\')
        break;
    n = i;
    at = NULL;
    for(i = 0; i < n; i++)
      if(s[i] == '@')
        at = s + i; /* user info */
    if(at) {
      n -= (size_t)(at + 1 - s);
      s = at + 1;
    }
    if(n && s[0] == '[')
      return 0; /* an IPv6 literal */
    if(!strip_port(s, &n))
      return 0;
    return host(s, n, out, cap);
  }
  at = memchr(s, '@', n);
  if(at) {
    /* an e-mail address: one '@', a plain local part, a host after it */
    size_t local = (size_t)(at - s);
    if(!local || local > 64 || memchr(at + 1, '@', n - local - 1))
      return 0;
    for(i = 0; i < local; i++)
      if(s[i] == ' ' || s[i] == '\t' || s[i] == ':' || s[i] == '/' ||
         s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == ',')
        return 0;
    s = at + 1;
    n -= local + 1;
    for(i = 0; i < n; i++)
      if(s[i] == '/' || s[i] == ':' || s[i] == '?' || s[i] == '#')
        return 0;
    return host(s, n, out, cap);
  }
  /* a bare host, perhaps with a path ("www.acme.io/about") */
  for(i = 0; i < n; i++)
    if(s[i] == '/' || s[i] == '?' || s[i] == '#')
      break;
  n = i;
  if(!strip_port(s, &n))
    return 0;
  return host(s, n, out, cap);
}
