/*
 * bytes.h -- looking for a few byte values in a buffer, sixteen bytes at
 * a time where SSE2 is (every x86-64). The one such loop of the tree:
 * the CSV and JSONL scanners and the CSV writer's quoting test use it.
 */
#ifndef ICP_BYTES_H
#define ICP_BYTES_H

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* p moved over the whole sixteen-byte blocks of [p, e) that hold none of
 * a, b, c and d: at the first such byte when a block holds one, else
 * where fewer than sixteen bytes are left, which the caller looks at
 * (all of them without SSE2: then p itself). Three bytes: pass one
 * twice. */
static inline const char *icp_bytes_skip(const char *p, const char *e,
                                         char a, char b, char c, char d)
{
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
                vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  while(e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    int m = _mm_movemask_epi8(_mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
      _mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vd))));
    if(m)
      return p + __builtin_ctz((unsigned)m);
    p += 16;
  }
#else
  (void)e; (void)a; (void)b; (void)c; (void)d;
#endif
  return p;
}

#endif
