/* utf8.c -- UTF-8 validation (RFC 3629). */
#include <stdint.h>
#include <string.h>
#include "base/utf8.h"

size_t icp_utf8_seq(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  unsigned c;
  if(!n)
    return 0;
  c = s[0];
  if(c < 0x80)
    return 1;
  if(c >= 0xc2 && c <= 0xdf)
    return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
  if(c >= 0xe0 && c <= 0xef) {
    if(n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
      return 0;
    if(c == 0xe0 && s[1] < 0xa0)
      return 0; /* overlong */
    if(c == 0xed && s[1] >= 0xa0)
      return 0; /* surrogate */
    return 3;
  }
  if(c >= 0xf0 && c <= 0xf4) {
    if(n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
       (s[3] & 0xc0) != 0x80)
      return 0;
    if(c == 0xf0 && s[1] < 0x90)
      return 0;
    if(c == 0xf4 && s[1] >= 0x90)
      return 0;
    return 4;
  }
  return 0;
}

int icp_utf8_valid(const char *s, size_t n)
{
  const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
  size_t i = 0;
  while(i < n) {
    size_t k;
    uint64_t x;
    /* eight ASCII bytes, none NUL, at a time */
    if(n - i >= 8 && (memcpy(&x, s + i, 8), !(x & high)) &&
       !((x - ones) & ~x & high)) {
      i += 8;
      continue;
    }
    if((unsigned char)s[i] < 0x80) {
      if(!s[i])
        return 0;
      i++;
      continue;
    }
    k = icp_utf8_seq(s + i, n - i);
    if(!k)
      return 0;
    i += k;
  }
  return 1;
}
