/* buf.c -- growable byte buffer with a hard cap, and JSON text helpers. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/buf.h"
#include "base/utf8.h"

void icp_buf_init(struct icp_buf *b, size_t cap)
{
  b->p = NULL;
  b->len = 0;
  b->alloc = 0;
  b->cap = cap;
  b->err = ICP_OK;
}

void icp_buf_free(struct icp_buf *b)
{
  free(b->p);
  b->p = NULL;
  b->len = b->alloc = 0;
  b->err = ICP_OK;
}

void icp_buf_reset(struct icp_buf *b)
{
  b->len = 0;
  b->err = ICP_OK;
  if(b->p)
    b->p[0] = 0;
}

/* Makes st the buffer's sticky error (the first one wins). */
static enum icp_status fail(struct icp_buf *b, enum icp_status st)
{
  if(!b->err)
    b->err = st;
  return b->err;
}

static enum icp_status grow(struct icp_buf *b, size_t need)
{
  size_t want;
  char *np;
  if(b->err)
    return b->err;
  if(need > b->cap || need < b->len)
    return fail(b, ICP_ELIMIT);
  if(need + 1 <= b->alloc)
    return ICP_OK;
  want = b->alloc ? b->alloc : 64;
  while(want < need + 1)
    want *= 2;
  if(want > b->cap + 1)
    want = b->cap + 1;
  np = realloc(b->p, want);
  if(!np)
    return fail(b, ICP_ENOMEM);
  b->p = np;
  b->alloc = want;
  return ICP_OK;
}

enum icp_status icp_buf_room(struct icp_buf *b, size_t n)
{
  return n > b->cap - b->len ? fail(b, ICP_ELIMIT) : grow(b, b->len + n);
}

enum icp_status icp_buf_add_slow(struct icp_buf *b, const void *p,
                                 size_t n)
{
  enum icp_status st = grow(b, b->len + n);
  if(st)
    return st;
  if(n)
    memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = 0;
  return ICP_OK;
}

enum icp_status icp_buf_adds(struct icp_buf *b, const char *s)
{
  return icp_buf_add(b, s, strlen(s));
}

enum icp_status icp_buf_printf(struct icp_buf *b, const char *fmt, ...)
{
  char small[256];
  va_list ap;
  int n;
  enum icp_status st;

  va_start(ap, fmt);
  n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if(b->err)
    return b->err;
  if(n < 0)
    return fail(b, ICP_EINVAL);
  if((size_t)n < sizeof(small))
    return icp_buf_add(b, small, (size_t)n);
  st = grow(b, b->len + (size_t)n);
  if(st)
    return st;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return ICP_OK;
}

/* bytes a JSON string cannot hold as they are: controls, '"', '\\' and
 * everything non-ASCII (checked as UTF-8) */
static const unsigned char special[256] = {
#define S1(i) ((i) < 0x20 || (i) == '"' || (i) == '\\' || (i) >= 0x80)
#define S4(i) S1(i), S1(i + 1), S1(i + 2), S1(i + 3)
#define S16(i) S4(i), S4(i + 4), S4(i + 8), S4(i + 12)
#define S64(i) S16(i), S16(i + 16), S16(i + 32), S16(i + 48)
  S64(0), S64(64), S64(128), S64(192)
#undef S64
#undef S16
#undef S4
#undef S1
};

/* The length of the longest prefix of s[0..n) that a JSON string holds as
 * it is (no byte in special[]): eight bytes at a time while they are all
 * below 0x80, where each test below is exact (a borrow between bytes only
 * starts at a byte that is special already). */
static size_t plain_prefix(const char *s, size_t n)
{
  const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
  size_t i = 0;
  while(i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if((w | (w - ones * 0x20) | ((w ^ (ones * '"')) - ones) |
        ((w ^ (ones * '\\')) - ones)) & high)
      break;
    i += 8;
  }
  while(i < n && !special[(unsigned char)s[i]])
    i++;
  return i;
}

/* The escape of the byte or UTF-8 sequence at s (n > 0 bytes left), which
 * plain_prefix stopped at: at most 6 bytes at o; *used is how many bytes
 * of s it stands for. Invalid UTF-8 bytes become U+FFFD. */
static char *put_special(char *o, const char *s, size_t n, size_t *used)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char c = (unsigned char)s[0];
  size_t k;
  *used = 1;
  if(c >= 0x80) {
    k = icp_utf8_seq(s, n);
    if(!k)
      return icp_put(o, "\xef\xbf\xbd", 3);
    *used = k;
    return icp_put(o, s, k);
  }
  switch(c) {
  case '"': return icp_put(o, "\\\"", 2);
  case '\\': return icp_put(o, "\\\\", 2);
  case '\n': return icp_put(o, "\\n", 2);
  case '\r': return icp_put(o, "\\r", 2);
  case '\t': return icp_put(o, "\\t", 2);
  default: {
    char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
    return icp_put(o, u, 6);
  }
  }
}

enum icp_status icp_buf_json_body(struct icp_buf *b, const char *s,
                                  size_t n)
{
  enum icp_status st = ICP_OK;
  size_t i = 0, run, k;
  char e[6];

  while(!st && i < n) {
    /* copy the longest run of plain printable ASCII at once */
    run = i + plain_prefix(s + i, n - i);
    if(run > i) {
      st = icp_buf_add(b, s + i, run - i);
      i = run;
      continue;
    }
    st = icp_buf_add(b, e, (size_t)(put_special(e, s + i, n - i, &k) - e));
    i += k;
  }
  return st;
}

char *icp_put_json_str(char *o, const char *s, size_t n)
{
  size_t i = 0, run, k;
  *o++ = '"';
  while(i < n) {
    run = i + plain_prefix(s + i, n - i);
    o = icp_put(o, s + i, run - i);
    i = run;
    if(i < n) {
      o = put_special(o, s + i, n - i, &k);
      i += k;
    }
  }
  *o++ = '"';
  return o;
}

enum icp_status icp_buf_json_str(struct icp_buf *b, const char *s, size_t n)
{
  enum icp_status st = icp_buf_addc(b, '"');
  if(!st)
    st = icp_buf_json_body(b, s, n);
  if(!st)
    st = icp_buf_addc(b, '"');
  return st;
}

char *icp_strdup(const char *s)
{
  size_t n = strlen(s ? s : "");
  char *c = malloc(n + 1);
  if(c)
    memcpy(c, s ? s : "", n + 1);
  return c;
}

int icp_fmt_num(char *out, size_t cap, double v)
{
  int prec;
  if(!isfinite(v))
    v = 0;
  if(v == 0)
    v = 0; /* no "-0" */
  if(fabs(v) < 1e15 && v == (double)(long long)v)
    return snprintf(out, cap, "%lld", (long long)v);
  for(prec = 15; prec <= 17; prec++) {
    int n = snprintf(out, cap, "%.*g", prec, v);
    if(strtod(out, NULL) == v)
      return n;
  }
  return snprintf(out, cap, "%.17g", v);
}

/* v in millionths, rounded half away from zero; |v| < 9e12 */
static long long millionths(double v)
{
  double x = v * 1e6;
  return (long long)(x < 0 ? x - 0.5 : x + 0.5);
}

double icp_round6(double v)
{
  if(!isfinite(v) || !(fabs(v) < 9e12))
    return v;
  return (double)millionths(v) / 1e6;
}

/* two decimal digits of each number below 100 */
static const char pairs[] =
  "00010203040506070809101112131415161718192021222324"
  "25262728293031323334353637383940414243444546474849"
  "50515253545556575859606162636465666768697071727374"
  "75767778798081828384858687888990919293949596979899";

/* The decimal digits of u, written right to left ending at q, two at a
 * time; where they start. */
static char *digits_before(char *q, uint64_t u)
{
  while(u >= 100) {
    q -= 2;
    memcpy(q, pairs + 2 * (u % 100), 2);
    u /= 100;
  }
  if(u >= 10) {
    q -= 2;
    memcpy(q, pairs + 2 * u, 2);
  }
  else
    *--q = (char)('0' + u);
  return q;
}

char *icp_put_fixed(char *o, double v)
{
  char tmp[48], *q = tmp + sizeof(tmp);
  int n;
  if(v >= 0 && v < 4e9 && v == (double)(uint32_t)v) {
    /* a whole number (points, most scores) */
    q = digits_before(q, (uint32_t)v);
    return icp_put(o, q, (size_t)(tmp + sizeof(tmp) - q));
  }
  if(!isfinite(v))
    v = 0;
  if(fabs(v) < 9e12) {
    /* rounded to 6 decimals in integers: no libc float formatting */
    long long k = millionths(v);
    unsigned long long u = (unsigned long long)(k < 0 ? -k : k);
    unsigned long long fp = u % 1000000ULL;
    if(fp) {
      char d[6];
      int w = 6;
      memcpy(d + 4, pairs + 2 * (fp % 100), 2);
      fp /= 100;
      memcpy(d + 2, pairs + 2 * (fp % 100), 2);
      memcpy(d, pairs + 2 * (fp / 100), 2);
      while(d[w - 1] == '0')
        w--;
      q -= w;
      memcpy(q, d, (size_t)w);
      *--q = '.';
    }
    q = digits_before(q, u / 1000000ULL);
    if(k < 0)
      *--q = '-';
    return icp_put(o, q, (size_t)(tmp + sizeof(tmp) - q));
  }
  n = icp_fmt_num(tmp, sizeof(tmp), v);
  return icp_put(o, tmp, (size_t)n);
}

enum icp_status icp_buf_json_fixed(struct icp_buf *b, double v)
{
  char tmp[ICP_FIXED_MAX];
  return icp_buf_add(b, tmp, (size_t)(icp_put_fixed(tmp, v) - tmp));
}

enum icp_status icp_buf_json_num(struct icp_buf *b, double v)
{
  char tmp[40];
  int n = icp_fmt_num(tmp, sizeof(tmp), v);
  return icp_buf_add(b, tmp, (size_t)n);
}

/* Transparent huge pages for the 2 MiB-aligned part of [p, p + n), when
 * n is large. On a virtual machine the first touch of every 4 KiB page is
 * a trap costing microseconds: filling 180 MiB of deals (icp validate)
 * spent a sixth of its time in them. Only advice: where the kernel has
 * none to give, nothing changes. */
#define HUGE_PAGE ((uintptr_t)2 << 20)
void icp_mem_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
  uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  uintptr_t e = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
  if(p && n >= 2 * HUGE_PAGE && e > a)
    (void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

enum icp_status icp_grow_(void *arrp, size_t *cap, size_t need, size_t elem)
{
  void *arr, *np;
  size_t n;

  if(need <= *cap)
    return ICP_OK;
  n = *cap ? *cap : 8;
  while(n < need) {
    if(n > SIZE_MAX / 2)
      return ICP_ENOMEM;
    n *= 2;
  }
  if(!elem || n > SIZE_MAX / elem)
    return ICP_ENOMEM;
  memcpy(&arr, arrp, sizeof(arr));
  np = realloc(arr, n * elem);
  if(!np)
    return ICP_ENOMEM;
  icp_mem_huge(np, n * elem);
  memcpy(arrp, &np, sizeof(np));
  *cap = n;
  return ICP_OK;
}
