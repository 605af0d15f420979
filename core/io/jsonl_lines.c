/*
 * jsonl_lines.c -- the JSONL reader's lines: one JSON object per line,
 * found in the byte range and handed to the reading of an object
 * (jsonl_reader.c), or copied raw into the chunks of a parallel run; and
 * the reader's state, opened and freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/bytes.h"
#include "io/jsonl_impl.h"
#include "io/reader_impl.h"

#define KEY_MAX 1024

/* ---- lines ------------------------------------------------------------- */

/* The next line of the byte range: *pp and *plen (without the newline),
 * *pline its line, *too_long when it is over the cap (its bytes may be
 * gone). ICP_OK, ICP_EOF, or a fatal status. */
static enum icp_status next_line(struct icp_reader *r, char **pp,
                                 size_t *plen, long *pline, int *too_long,
                                 struct icp_err *err)
{
  for(;;) {
    size_t scanned = 0, len, used;
    int skipping = 0, where = icp_reader_where(r, r->pos0 + r->beg);
    const char *nlp;
    long line = r->line;
    enum icp_status st;

    for(;;) {
      nlp = memchr(r->buf + r->beg + scanned, '\n',
                   r->end - r->beg - scanned);
      if(nlp)
        break;
      scanned = r->end - r->beg;
      if(scanned > ICP_READER_RECORD_MAX) {
        skipping = 1;   /* drop what was scanned, keep looking */
        r->beg = r->end;
        scanned = 0;
      }
      st = icp_reader_fill(r, err);
      if(st == ICP_EOF)
        break;
      if(st)
        return st;
    }
    *pp = r->buf + r->beg;
    if(nlp) {
      len = (size_t)(nlp - *pp);
      used = len + 1;
      r->line++;
    }
    else {
      len = used = r->end - r->beg;
      if(!len && !skipping)
        return ICP_EOF;
    }
    if(where > 0)
      return ICP_EOF;
    r->beg += used;
    if(where < 0)
      continue;
    *plen = len;
    *pline = line;
    *too_long = skipping || len > ICP_READER_RECORD_MAX;
    return ICP_OK;
  }
}

static enum icp_status jsonl_next(struct icp_reader *r,
                                  struct icp_account *a, struct icp_err *err)
{
  for(;;) {
    size_t len, b = 0;
    int too_long;
    char *p;
    long line;
    enum icp_status st = next_line(r, &p, &len, &line, &too_long, err);
    if(st)
      return st;
    a->line = line;
    if(too_long)
      return icp_err_set(err, ICP_ESKIP, "%s:%ld: line longer than 1 MiB",
                         r->name, line);
    while(len && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
                  p[len - 1] == '\t'))
      len--;
    while(b < len && (p[b] == ' ' || p[b] == '\t'))
      b++;
    if(b == len)
      continue; /* blank */
    p[len] = 0; /* the newline, or the spare byte after the data */
    return icp_jsonl_read_line(r, a, p, len, line, err);
  }
}

/* Whole lines, raw, into c (see icp_reader_chunk). */
static enum icp_status jsonl_chunk(struct icp_reader *r,
                                   struct icp_chunk *c, size_t want,
                                   struct icp_err *err)
{
  while(c->data.len < want) {
    size_t len;
    int too_long;
    char *p;
    long line;
    enum icp_status st = next_line(r, &p, &len, &line, &too_long, err);
    if(st)
      return st;
    if(!c->data.len)
      c->line = line;
    if(too_long) {
      c->bad_line = line; /* too long to copy: the message stands in */
      snprintf(c->bad, sizeof(c->bad), "%s:%ld: line longer than 1 MiB",
               r->name, line);
      return ICP_OK;
    }
    if(icp_buf_add(&c->data, p, len) || icp_buf_addc(&c->data, '\n'))
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  }
  return ICP_OK;
}

/* icp_reader_cut: a line ends at its newline (JSON text holds none). */
static const char *jsonl_cut(const char *s, const char *e, long *nl)
{
  const char *p = e;
  while(p > s && p[-1] != '\n') /* the last line's end: near e */
    p--;
  if(p == s)
    return NULL;
  p--;
  *nl = icp_bytes_count(s, p + 1, '\n');
  return p + 1;
}

static void jsonl_free(struct icp_reader *r)
{
  struct jsonl_state *js = r->jsonl;
  int i;
  if(!js)
    return;
  icp_buf_free(&js->key);
  for(i = 0; i < KCACHE; i++)
    free(js->kc[i].name);
  free(js->stamp);
  free(js->map);
  free(js->scale);
  free(js->keys);
  free(js->table);
  free(js->keytxt);
  free(js->shape.k);
  free(js->shape.txt);
  free(js->next.k);
  free(js->next.txt);
  free(js->txt);
  free(js->items);
  free(js);
  r->jsonl = NULL;
}

enum icp_status icp_jsonl_open_sub(struct icp_reader *sub,
                                   const struct icp_reader *master,
                                   struct icp_err *err)
{
  (void)master;
  return icp_jsonl_open(sub, err);
}

enum icp_status icp_jsonl_open(struct icp_reader *r, struct icp_err *err)
{
  struct jsonl_state *js = calloc(1, sizeof(*js));
  if(!js)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  r->jsonl = js;
  r->free_impl = jsonl_free;
  r->next = jsonl_next;
  r->chunk = jsonl_chunk;
  r->cut = jsonl_cut;
  r->open_sub = icp_jsonl_open_sub;
  icp_buf_init(&js->key, KEY_MAX);
  js->stamp = calloc(ICP_SCHEMA_MAX, sizeof(*js->stamp));
  js->map = calloc(ICP_SCHEMA_MAX, sizeof(*js->map));
  js->scale = calloc(ICP_SCHEMA_MAX, sizeof(*js->scale));
  if(!js->stamp || !js->map || !js->scale)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  return ICP_OK;
}
