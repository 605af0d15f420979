/* acct_writer.c -- accounts out with every field and its source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/provenance.h"
#include "data/value.h"
#include "io/acct_writer.h"
#include "io/reader.h"

#define LINE_MAX_BYTES ((size_t)64 << 20)  /* output of one batch */
#define FLUSH_AT ((size_t)1 << 20)

/* ',"name":' (no comma for the first member of an object). */
static enum icp_status json_key(struct icp_buf *b, int *first,
                                const char *name)
{
  enum icp_status st = *first ? ICP_OK : icp_buf_addc(b, ',');
  *first = 0;
  if(!st)
    st = icp_buf_json_str(b, name, strlen(name));
  return st ? st : icp_buf_addc(b, ':');
}

static enum icp_status write_jsonl(struct icp_acct_writer *w,
                                   const struct icp_account *a)
{
  struct icp_buf *b = &w->line;
  int id, n = icp_schema_count(w->schema), first = 1;
  enum icp_status st = icp_buf_addc(b, '{');
  for(id = 0; !st && id < n; id++) {
    const struct icp_value *v = icp_account_get(a, id);
    const char *name = icp_schema_name(w->schema, id);
    if(v->type == ICP_T_MISSING || icp_provenance_is_cell(w->schema, id))
      continue;
    st = json_key(b, &first, name);
    if(!st)
      st = icp_json_value(b, v);
  }
  if(!st)
    st = icp_buf_adds(b, first ? "\"_sources\":{" : ",\"_sources\":{");
  first = 1;
  for(id = 0; !st && id < n; id++) {
    const char *name = icp_schema_name(w->schema, id);
    const char *src;
    int s = icp_account_source(a, id);
    if(s < 0 || id == w->no_source)
      continue;
    src = icp_schema_source_name(w->schema, s);
    st = json_key(b, &first, name);
    if(!st)
      st = icp_buf_json_str(b, src ? src : "", src ? strlen(src) : 0);
  }
  if(!st)
    st = icp_buf_adds(b, "}}\n");
  return st;
}

static enum icp_status csv_header(struct icp_acct_writer *w)
{
  int id, n = icp_schema_count(w->schema);
  enum icp_status st = ICP_OK;
  w->cols = malloc((size_t)(n ? n : 1) * sizeof(int));
  if(!w->cols)
    return ICP_ENOMEM;
  for(id = 0; !st && id < n; id++) {
    const char *name = icp_schema_name(w->schema, id);
    if(icp_provenance_is_cell(w->schema, id))
      continue; /* written once, as this run's _sources */
    if(w->ncols)
      st = icp_buf_addc(&w->line, ',');
    w->cols[w->ncols++] = id;
    if(!st)
      st = icp_csv_cell(&w->line, name, strlen(name), 1);
  }
  if(!st)
    st = icp_buf_adds(&w->line, ",_sources\r\n");
  return st;
}

static enum icp_status write_csv(struct icp_acct_writer *w,
                                 const struct icp_account *a)
{
  struct icp_buf *b = &w->line, cell, src;
  enum icp_status st = ICP_OK;
  int c;
  icp_buf_init(&cell, ICP_READER_RECORD_MAX);
  icp_buf_init(&src, ICP_READER_RECORD_MAX);
  for(c = 0; !st && c < w->ncols; c++) {
    const struct icp_value *v = icp_account_get(a, w->cols[c]);
    char tmp[40];
    int s = icp_account_source(a, w->cols[c]);
    uint32_t i;
    if(c)
      st = icp_buf_addc(b, ',');
    icp_buf_reset(&cell);
    switch(v->type) {
    case ICP_T_NUMBER:
      icp_fmt_num(tmp, sizeof(tmp), v->u.num);
      st = st ? st : icp_csv_cell(b, tmp, strlen(tmp), 0);
      break;
    case ICP_T_BOOL:
      st = st ? st : icp_buf_adds(b, v->u.b ? "true" : "false");
      break;
    case ICP_T_DATE:
      icp_format_date(v->u.day, tmp);
      st = st ? st : icp_buf_adds(b, tmp);
      break;
    case ICP_T_LIST:
      for(i = 0; !st && i < v->n; i++) {
        if(i)
          st = icp_buf_addc(&cell, ';');
        if(!st)
          st = icp_buf_add(&cell, v->u.list[i].p, v->u.list[i].n);
      }
      st = st ? st : icp_csv_cell(b, cell.p ? cell.p : "", cell.len, 1);
      break;
    case ICP_T_STRING:
      st = st ? st : icp_csv_cell(b, v->u.str, v->n, 1);
      break;
    default:
      break;
    }
    if(!st && s >= 0 && w->cols[c] != w->no_source) {
      const char *sn = icp_schema_source_name(w->schema, s);
      const char *fn = icp_schema_name(w->schema, w->cols[c]);
      st = icp_buf_printf(&src, "%s%s=%s", src.len ? ";" : "", fn,
                          sn ? sn : "");
    }
  }
  if(!st)
    st = icp_buf_addc(b, ',');
  if(!st)
    st = icp_csv_cell(b, src.p ? src.p : "", src.len, 1);
  if(!st)
    st = icp_buf_adds(b, "\r\n");
  icp_buf_free(&cell);
  icp_buf_free(&src);
  return st;
}

enum icp_status icp_acct_writer_open(struct icp_acct_writer *w,
                                     const char *path, enum icp_format fmt,
                                     struct icp_schema *schema,
                                     struct icp_err *err)
{
  memset(w, 0, sizeof(*w));
  w->schema = schema;
  w->no_source = -1;
  icp_buf_init(&w->line, LINE_MAX_BYTES);
  return icp_out_open(&w->out, path, fmt, err);
}

enum icp_status icp_acct_writer_write(struct icp_acct_writer *w,
                                      struct icp_account *const *accts,
                                      size_t n, struct icp_err *err)
{
  size_t i;
  enum icp_status st = ICP_OK;
  icp_buf_reset(&w->line);
  if(w->out.fmt == ICP_FMT_CSV && !w->cols) {
    st = csv_header(w);
    if(st)
      return icp_err_set(err, st, "output: header too large");
  }
  for(i = 0; i < n; i++) {
    size_t mark = w->line.len;
    st = w->out.fmt == ICP_FMT_CSV ? write_csv(w, accts[i])
                                   : write_jsonl(w, accts[i]);
    if(st == ICP_ELIMIT) {
      /* this record alone is too large: what came before it goes out,
       * the buffer starts over (its error is sticky), the record is
       * dropped and said */
      char msg[ICP_ERR_MAX];
      st = mark ? icp_out_write(&w->out, w->line.p, mark, err) : ICP_OK;
      icp_buf_reset(&w->line);
      if(st)
        return st;
      w->dropped++;
      snprintf(msg, sizeof(msg), "%s:%ld: record too large to write",
               accts[i]->file ? accts[i]->file : "", accts[i]->line);
      if(w->warn)
        w->warn(w->warn_ud, msg);
      continue;
    }
    if(st) /* out of memory: never a run that lost records quietly */
      return icp_err_set(err, st, "output: out of memory");
    if(w->line.len > FLUSH_AT) {
      st = icp_out_write(&w->out, w->line.p, w->line.len, err);
      icp_buf_reset(&w->line);
      if(st)
        return st;
    }
  }
  if(w->line.len)
    st = icp_out_write(&w->out, w->line.p, w->line.len, err);
  icp_buf_reset(&w->line);
  return st;
}

enum icp_status icp_acct_writer_close(struct icp_acct_writer *w,
                                      struct icp_err *err)
{
  enum icp_status st = w->out.fp ? icp_out_close(&w->out, err) : ICP_OK;
  icp_buf_free(&w->line);
  free(w->cols);
  w->cols = NULL;
  w->ncols = 0;
  return st;
}
