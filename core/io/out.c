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

int icp_csv_needs_quotes(const char *s, size_t n, int is_text)
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

/* What quoting the cell from..end adds: 0 when it needs none, else the
 * two quotes, the formula's mark and one per quote inside (*f: whether
 * the mark is due). */
static size_t quote_extra(const char *from, const char *end, int is_text,
                          int *f)
{
  size_t n = (size_t)(end - from), extra;
  const char *q;
  *f = 0;
  if(!n || !icp_csv_needs_quotes(from, n, is_text))
    return 0;
  *f = formula(from, n, is_text);
  extra = 2 + (size_t)*f;
  for(q = from; (q = memchr(q, '"', (size_t)(end - q))) != NULL; q++)
    extra++;
  return extra;
}

/* The cell from..end quoted in place, moved right by extra (quote_extra's,
 * not 0), each byte from the last and each quote doubled; the new end. */
static char *quote_move(char *from, char *end, size_t extra, int f)
{
  char *i, *j = end + extra;
  *--j = '"';
  for(i = end; i-- > from;) {
    *--j = *i;
    if(*i == '"')
      *--j = '"';
  }
  if(f)
    *--j = '\'';
  *--j = '"';
  return end + extra;
}

/* The bytes from..end made one cell in place, with room past end for
 * what quoting adds; the new end. */
static char *quote_in_place(char *from, char *end, int is_text)
{
  int f;
  size_t extra = quote_extra(from, end, is_text, &f);
  return extra ? quote_move(from, end, extra, f) : end;
}

char *icp_put_csv_cell(char *o, const char *s, size_t n, int is_text)
{
  return quote_in_place(o, icp_put(o, s, n), is_text);
}

char *icp_put_csv_since(char *from, char *o, int is_text)
{
  return quote_in_place(from, o, is_text);
}

enum icp_status icp_csv_cell(struct icp_buf *b, const char *s, size_t n,
                             int is_text)
{
  size_t from = b->len;
  enum icp_status st = icp_buf_add(b, s, n);
  return st ? st : icp_csv_cell_since(b, from, is_text);
}

enum icp_status icp_csv_cell_since(struct icp_buf *b, size_t from,
                                   int is_text)
{
  int f;
  size_t extra;
  if(b->len == from) /* an empty cell: nothing to quote (p may be NULL) */
    return ICP_OK;
  extra = quote_extra(b->p + from, b->p + b->len, is_text, &f);
  if(!extra)
    return ICP_OK;
  if(icp_buf_room(b, extra))
    return icp_buf_status(b);
  icp_buf_put_end(b, quote_move(b->p + from, b->p + b->len, extra, f));
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
