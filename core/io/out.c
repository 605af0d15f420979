/* out.c -- result sinks and CSV cells. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "io/out.h"

enum icp_format icp_format_from_name(const char *s)
{
  if(!s)
    return ICP_FMT_UNKNOWN;
  if(!strcmp(s, "csv"))
    return ICP_FMT_CSV;
  if(!strcmp(s, "jsonl") || !strcmp(s, "ndjson") || !strcmp(s, "json"))
    return ICP_FMT_JSONL;
  return ICP_FMT_UNKNOWN;
}

enum icp_format icp_format_from_path(const char *path)
{
  const char *dot = path ? strrchr(path, '.') : NULL;
  if(!dot || strchr(dot, '/'))
    return ICP_FMT_UNKNOWN;
  return icp_format_from_name(dot + 1);
}

enum icp_status icp_out_open(struct icp_out *o, const char *path,
                             enum icp_format fmt, struct icp_err *err)
{
  memset(o, 0, sizeof(*o));
  if(fmt == ICP_FMT_UNKNOWN)
    fmt = icp_format_from_path(path);
  o->fmt = fmt == ICP_FMT_UNKNOWN ? ICP_FMT_JSONL : fmt;
  if(!path || !strcmp(path, "-")) {
    o->fp = stdout;
    o->path = NULL;
    return ICP_OK;
  }
  o->fp = fopen(path, "wb");
  if(!o->fp)
    return icp_err_set(err, ICP_EIO, "%s: %s", path, strerror(errno));
  o->owned = 1;
  o->path = malloc(strlen(path) + 1);
  if(o->path)
    memcpy(o->path, path, strlen(path) + 1);
  setvbuf(o->fp, NULL, _IOFBF, 1 << 16);
  return ICP_OK;
}

enum icp_status icp_out_write(struct icp_out *o, const void *p, size_t n,
                              struct icp_err *err)
{
  if(fwrite(p, 1, n, o->fp) != n)
    return icp_err_set(err, ICP_EIO, "%s: write failed: %s",
                       o->path ? o->path : "stdout", strerror(errno));
  return ICP_OK;
}

enum icp_status icp_out_close(struct icp_out *o, struct icp_err *err)
{
  enum icp_status st = ICP_OK;
  if(!o->fp)
    return ICP_OK;
  if(fflush(o->fp) || ferror(o->fp))
    st = icp_err_set(err, ICP_EIO, "%s: write failed: %s",
                     o->path ? o->path : "stdout", strerror(errno));
  if(o->owned && fclose(o->fp) && !st)
    st = icp_err_set(err, ICP_EIO, "%s: close failed: %s", o->path,
                     strerror(errno));
  free(o->path);
  o->fp = NULL;
  o->path = NULL;
  return st;
}

/* Bytes that make a CSV cell quoted. */
static const unsigned char csv_special[256] = {
  [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1
};

static int formula(const char *s, size_t n, int is_text)
{
  return is_text && n && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
                          s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

/* Whether one of the eight bytes of x is byte c. */
static int has_byte(uint64_t x, unsigned char c)
{
  const uint64_t ones = 0x0101010101010101ULL;
  uint64_t y = x ^ (ones * c);
  return ((y - ones) & ~y & (ones << 7)) != 0;
}

static int needs_quotes(const char *s, size_t n, int is_text)
{
  size_t i = 0;
  if(formula(s, n, is_text))
    return 1;
  i = (size_t)(icp_bytes_skip(s, s + n, ',', '"', '\n', '\r') - s);
  for(; i + 8 <= n; i += 8) { /* eight bytes at a time */
    uint64_t x;
    memcpy(&x, s + i, 8);
    if(has_byte(x, ',') || has_byte(x, '"') || has_byte(x, '\n') ||
       has_byte(x, '\r'))
      return 1;
  }
  for(; i < n; i++)
    if(csv_special[(unsigned char)s[i]])
      return 1;
  return 0;
}

enum icp_status icp_csv_cell(struct icp_buf *b, const char *s, size_t n,
                             int is_text)
{
  const char *q, *e = s + n;
  enum icp_status st;
  if(!needs_quotes(s, n, is_text))
    return icp_buf_add(b, s, n);
  st = icp_buf_addc(b, '"');
  if(!st && formula(s, n, is_text))
    st = icp_buf_addc(b, '\'');
  while(!st && (q = memchr(s, '"', (size_t)(e - s))) != NULL) {
    st = icp_buf_add(b, s, (size_t)(q - s + 1)); /* the quote, doubled */
    st = st ? st : icp_buf_addc(b, '"');
    s = q + 1;
  }
  st = st ? st : icp_buf_add(b, s, (size_t)(e - s));
  return st ? st : icp_buf_addc(b, '"');
}

enum icp_status icp_csv_cell_since(struct icp_buf *b, size_t from,
                                   int is_text)
{
  size_t n = b->len - from, extra, i, j;
  const char *q, *end;
  int f;
  if(!n || !needs_quotes(b->p + from, n, is_text))
    return ICP_OK;
  /* quoted in place: room at the end, then the bytes moved back from
   * the last, each quote doubled */
  f = formula(b->p + from, n, is_text);
  extra = 2 + (size_t)f;
  for(q = b->p + from, end = b->p + b->len;
      (q = memchr(q, '"', (size_t)(end - q))) != NULL; q++)
    extra++;
  for(i = 0; i < extra; i++)
    if(icp_buf_addc(b, '"'))
      return icp_buf_status(b);
  j = b->len - 1; /* the closing quote is there */
  for(i = from + n; i-- > from;) {
    char c = b->p[i];
    b->p[--j] = c;
    if(c == '"')
      b->p[--j] = '"';
  }
  if(f)
    b->p[--j] = '\'';
  b->p[--j] = '"';
  return ICP_OK;
}

enum icp_status icp_json_value(struct icp_buf *b, const struct icp_value *v)
{
  char date[11];
  uint32_t i;
  enum icp_status st;
  switch(v->type) {
  case ICP_T_STRING:
    return icp_buf_json_str(b, v->u.str, v->n);
  case ICP_T_NUMBER:
    return icp_buf_json_num(b, v->u.num);
  case ICP_T_BOOL:
    return icp_buf_adds(b, v->u.b ? "true" : "false");
  case ICP_T_DATE:
    icp_format_date(v->u.day, date);
    return icp_buf_json_str(b, date, 10);
  case ICP_T_LIST:
    st = icp_buf_addc(b, '[');
    for(i = 0; !st && i < v->n; i++) {
      if(i)
        st = icp_buf_addc(b, ',');
      if(!st)
        st = icp_buf_json_str(b, v->u.list[i].p, v->u.list[i].n);
    }
    return st ? st : icp_buf_addc(b, ']');
  default:
    return icp_buf_adds(b, "null");
  }
}
