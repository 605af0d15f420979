/* domain.c -- normalize domains, URLs and e-mail addresses to a key. */
#include <string.h>

#include "data/domain.h"

/* 1 when s is already a normalized domain: lowercase letters, digits,
 * '-', '.', '_' only, no "www." in front, no trailing dot. */
static int plain(const char *s, size_t n)
{
  size_t i;
  if(!n || n > ICP_DOMAIN_MAX || s[n - 1] == '.')
    return 0;
  if(n >= 4 && s[0] == 'w' && s[1] == 'w' && s[2] == 'w' && s[3] == '.')
    return 0;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_'))
      return 0;
  }
  return 1;
}

size_t icp_domain_normalize(const char *s, size_t n, char *out, size_t cap)
{
  size_t b = 0, e = n, i, len;
  const char *p;

  if(plain(s, n) && n + 1 <= cap) {
    memcpy(out, s, n);
    out[n] = 0;
    return n;
  }
  while(b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '<'))
    b++;
  while(e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '>'))
    e--;
  /* mailto: and e-mail: keep what follows the last '@' */
  for(i = e; i > b; i--)
    if(s[i - 1] == '@') {
      b = i;
      break;
    }
  /* scheme */
  for(i = b; i < e && i < b + 16; i++) {
    if(s[i] == ':' && i + 2 < e && s[i + 1] == '/' && s[i + 2] == '/') {
      b = i + 3;
      break;
    }
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         s[i] == '+' || s[i] == '.' || s[i] == '-'))
      break;
  }
  if(e - b >= 2 && s[b] == '/' && s[b + 1] == '/')
    b += 2;
  /* host ends at path, query, fragment or port */
  for(i = b; i < e; i++)
    if(s[i] == '/' || s[i] == '?' || s[i] == '#' || s[i] == ':')
      break;
  e = i;
  while(e > b && s[e - 1] == '.')
    e--;
  p = s + b;
  len = e - b;
  if(len >= 4 && (p[0] | 32) == 'w' && (p[1] | 32) == 'w' &&
     (p[2] | 32) == 'w' && p[3] == '.') {
    p += 4;
    len -= 4;
  }
  if(!len || len > ICP_DOMAIN_MAX || len + 1 > cap)
    return 0;
  for(i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if(c >= 'A' && c <= 'Z')
      c = (unsigned char)(c + 32);
    if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c >= 0x80))
      return 0;
    out[i] = (char)c;
  }
  out[len] = 0;
  return len;
}
