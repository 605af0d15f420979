/*
 * bytes.h -- looking for a few byte values in a buffer, sixteen bytes at
 * a time where SSE2 is (every x86-64). The one place of the tree that
 * compares bytes sixteen at a time: the CSV and JSONL scanners, the CSV
 * writer's quoting test and the CSV chunk cutter use it.
 */
#ifndef ICP_BYTES_H
#define ICP_BYTES_H

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#ifdef __SSE2__
/* Bit i set when byte i of the sixty-four at p is a, in *a; b or c, in
 * *bc; d, in *d. */
static inline void icp_bytes_mask64(const char *p, char a, char b, char c,
                                    char d, uint64_t *ma, uint64_t *mbc,
                                    uint64_t *md)
{
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b),
                vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  uint64_t ra = 0, rbc = 0, rd = 0;
  int k;
  for(k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    ra |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, va))
          << (16 * k);
    rbc |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
             _mm_cmpeq_epi8(x, vb), _mm_cmpeq_epi8(x, vc))) << (16 * k);
    rd |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd))
          << (16 * k);
  }
  *ma = ra;
  *mbc = rbc;
  *md = rd;
}

/* Bit i set when byte i of the sixteen at p is a, b or c. */
static inline unsigned icp_bytes_mask3(const char *p, char a, char b, char c)
{
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  return (unsigned)_mm_movemask_epi8(_mm_or_si128(
    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(a)),
                 _mm_cmpeq_epi8(x, _mm_set1_epi8(b))),
    _mm_cmpeq_epi8(x, _mm_set1_epi8(c))));
}
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

/* How many bytes of [p, e) are c: sixteen byte counters, summed before
 * any can wrap. */
static inline long icp_bytes_count(const char *p, const char *e, char c)
{
  long n = 0;
#ifdef __SSE2__
  const __m128i vc = _mm_set1_epi8(c), zero = _mm_setzero_si128();
  while(e - p >= 16) {
    __m128i acc = zero, sum;
    int k;
    for(k = 0; k < 255 && e - p >= 16; k++, p += 16)
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)p), vc));
    sum = _mm_sad_epu8(acc, zero);
    n += _mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4);
  }
#endif
  for(; p < e; p++)
    n += *p == c;
  return n;
}

/* Whether every byte of [p, e) is below 0x80 (ASCII). */
static inline int icp_bytes_ascii(const char *p, const char *e)
{
  const uint64_t high = 0x8080808080808080ULL;
  uint64_t w;
#ifdef __SSE2__
  while(e - p >= 64) {
    const __m128i *q = (const __m128i *)(const void *)p;
    __m128i x = _mm_or_si128(
      _mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
      _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
    if(_mm_movemask_epi8(x))
      return 0;
    p += 64;
  }
#endif
  for(; e - p >= 8; p += 8) {
    memcpy(&w, p, 8);
    if(w & high)
      return 0;
  }
  for(; p < e; p++)
    if((unsigned char)*p >= 0x80)
      return 0;
  return 1;
}

#endif
