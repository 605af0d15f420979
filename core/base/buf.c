/* buf.c -- growable byte buffer with a hard cap, and JSON text helpers. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum icp_status icp_buf_json_str(struct icp_buf *b, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  enum icp_status st;
  size_t i = 0, run;

  st = icp_buf_addc(b, '"');
  while(!st && i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t k;
    /* copy the longest run of plain printable ASCII at once */
    for(run = i; run < n && !special[(unsigned char)s[run]]; run++)
      ;
    if(run < n)
      c = (unsigned char)s[run];
    if(run > i) {
      st = icp_buf_add(b, s + i, run - i);
      i = run;
      continue;
    }
    if(c >= 0x80) {
      k = icp_utf8_seq(s + i, n - i);
      if(k)
        st = icp_buf_add(b, s + i, k);
      else {
        st = icp_buf_add(b, "\xef\xbf\xbd", 3);
        k = 1;
      }
      i += k;
      continue;
    }
    switch(c) {
    case '"': st = icp_buf_add(b, "\\\"", 2); break;
    case '\\': st = icp_buf_add(b, "\\\\", 2); break;
    case '\n': st = icp_buf_add(b, "\\n", 2); break;
    case '\r': st = icp_buf_add(b, "\\r", 2); break;
    case '\t': st = icp_buf_add(b, "\\t", 2); break;
    default: {
      char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
      st = icp_buf_add(b, u, 6);
    }
    }
    i++;
  }
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

enum icp_status icp_buf_json_fixed(struct icp_buf *b, double v)
{
  char tmp[48], *q = tmp + sizeof(tmp);
  int n;
  if(!isfinite(v))
    v = 0;
  if(fabs(v) < 9e12) {
    /* rounded to 6 decimals in integers, digits written right to left:
     * no libc float formatting */
    long long k = millionths(v);
    unsigned long long u = (unsigned long long)(k < 0 ? -k : k);
    unsigned long long ip = u / 1000000ULL, fp = u % 1000000ULL;
    if(fp) {
      int w = 6;
      while(fp % 10 == 0) {
        fp /= 10;
        w--;
      }
      while(w--) {
        *--q = (char)('0' + fp % 10);
        fp /= 10;
      }
      *--q = '.';
    }
    do {
      *--q = (char)('0' + ip % 10);
      ip /= 10;
    } while(ip);
    if(k < 0)
      *--q = '-';
    return icp_buf_add(b, q, (size_t)(tmp + sizeof(tmp) - q));
  }
  n = icp_fmt_num(tmp, sizeof(tmp), v);
  return icp_buf_add(b, tmp, (size_t)n);
}

enum icp_status icp_buf_json_num(struct icp_buf *b, double v)
{
  char tmp[40];
  int n = icp_fmt_num(tmp, sizeof(tmp), v);
  return icp_buf_add(b, tmp, (size_t)n);
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
  memcpy(arrp, &np, sizeof(np));
  *cap = n;
  return ICP_OK;
}
