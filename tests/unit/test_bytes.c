/* test_bytes.c -- the sixteen-bytes-at-a-time helpers (base/bytes.h),
 * against a byte-by-byte reference at every length and position. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"

#define N 200

Test(bytes, ascii_is_found_false_by_any_high_byte_anywhere)
{
  char b[N];
  size_t len, at;
  memset(b, 'a', sizeof(b));
  for(len = 0; len <= N; len++) {
    cr_assert(icp_bytes_ascii(b, b + len), "length %zu", len);
    for(at = 0; at < len; at++) {
      b[at] = (char)(at % 2 ? 0x80 : 0xff);
      cr_assert(!icp_bytes_ascii(b, b + len), "length %zu, byte %zu", len,
                at);
      cr_assert(icp_bytes_ascii(b, b + at), "before it: %zu", at);
      b[at] = 0x7f;
      cr_assert(icp_bytes_ascii(b, b + len), "0x7f at %zu", at);
      b[at] = 'a';
    }
  }
}

Test(bytes, count_agrees_with_a_loop)
{
  char b[N * 3];
  size_t i, len;
  unsigned x = 12345;
  for(i = 0; i < sizeof(b); i++) {
    x = x * 1103515245u + 12345u;
    b[i] = (char)(x >> 16) % 4 ? 'x' : '\n';
  }
  for(len = 0; len <= sizeof(b); len += 7) {
    long want = 0;
    for(i = 0; i < len; i++)
      want += b[i] == '\n';
    cr_assert_eq(icp_bytes_count(b, b + len, '\n'), want, "length %zu", len);
  }
}

Test(bytes, skip_stops_at_the_first_of_its_bytes_or_near_the_end)
{
  char b[N];
  size_t len, at;
  for(len = 0; len <= N; len++)
    for(at = 0; at <= len; at++) {
      const char *p;
      memset(b, 'a', sizeof(b));
      if(at < len)
        b[at] = '"';
      p = icp_bytes_skip(b, b + len, '"', '\\', 0, 0);
      /* at the byte when its block was whole, else where fewer than
       * sixteen bytes are left (or at b without SSE2), never past it */
      cr_assert(p <= b + (at < len ? at : len), "length %zu, byte %zu",
                len, at);
      cr_assert(p == b + at || b + len - p < 16, "length %zu, byte %zu",
                len, at);
#ifdef __SSE2__
      if(at + 16 <= len)
        cr_assert_eq(p, b + at, "length %zu, byte %zu", len, at);
#endif
    }
}
