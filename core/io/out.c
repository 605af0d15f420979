/* out.c -- result sinks and CSV cells. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

enum icp_status icp_csv_cell(struct icp_buf *b, const char *s, size_t n,
                             int is_text)
{
  int formula = is_text && n && (s[0] == '=' || s[0] == '+' ||
                                 s[0] == '-' || s[0] == '@' ||
                                 s[0] == '\t' || s[0] == '\r');
  int quote = formula;
  size_t i;
  enum icp_status st = ICP_OK;
  for(i = 0; i < n && !quote; i++)
    if(s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      quote = 1;
  if(!quote)
    return icp_buf_add(b, s, n);
  st = icp_buf_addc(b, '"');
  if(!st && formula)
    st = icp_buf_addc(b, '\'');
  for(i = 0; i < n && !st; i++) {
    if(s[i] == '"')
      st = icp_buf_addc(b, '"');
    if(!st)
      st = icp_buf_addc(b, s[i]);
  }
  if(!st)
    st = icp_buf_addc(b, '"');
  return st;
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
