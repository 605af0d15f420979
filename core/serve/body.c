/* body.c -- a request body scored into the answer of POST /v1/score. */
#include <stdlib.h>
#include <string.h>

#include "data/account.h"
#include "io/reader.h"
#include "score/emit.h"
#include "serve/body.h"

struct pass {
  struct icp_body *b;
  struct icp_buf *out;
  size_t count;          /* accounts answered or held */
};

/* Appends the line of one scored account to the answer. */
static enum icp_status answer(struct pass *ps, const struct icp_account *a,
                              struct icp_err *err)
{
  struct icp_body *b = ps->b;
  struct icp_buf *out = ps->out;
  if(icp_score(b->pack, a, b->res, b->explain))
    return icp_err_set(err, ICP_ENOMEM, "scoring: out of memory");
  if(b->scored)
    b->scored(b->scored_ud, b->res);
  if(ps->count) { /* the previous line of the array gets its comma */
    out->p[out->len - 1] = ',';
    if(icp_buf_addc(out, '\n'))
      return icp_err_set(err, ICP_ENOMEM, "answer too large");
  }
  else if(a->line && icp_buf_add(out, "[\n", 2)) /* an array begins */
    return icp_err_set(err, ICP_ENOMEM, "answer too large");
  if(b->extra) {
    if(!b->x.cap) /* zeroed with the rest of b */
      icp_buf_init(&b->x, (size_t)1 << 20);
    icp_buf_reset(&b->x);
    if(b->extra(b->extra_ud, a, &b->x))
      return icp_err_set(err, ICP_ENOMEM, "answer too large");
  }
  if(icp_emit_jsonl(out, b->pack, a, b->res, b->explain,
                    b->extra && b->x.len ? b->x.p : NULL))
    return icp_err_set(err, ICP_ENOMEM, "answer too large");
  ps->count++;
  return ICP_OK;
}

static enum icp_status score_now(void *ud, struct icp_account *a,
                                 struct icp_err *err)
{
  return answer(ud, a, err);
}

/* Keeps a copy of a for the enrichment of the whole body. */
static enum icp_status hold(void *ud, struct icp_account *a,
                            struct icp_err *err)
{
  struct pass *ps = ud;
  struct icp_body *b = ps->b;
  struct icp_account *h;
  if(icp_grow(b->held, b->capheld, ps->count + 1))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  if(ps->count == b->nheld) {
    b->held[b->nheld] = icp_account_new(b->a->schema);
    if(!b->held[b->nheld])
      return icp_err_set(err, ICP_ENOMEM, "out of memory");
    b->nheld++;
  }
  h = b->held[ps->count];
  icp_account_clear(h);
  if(icp_account_merge(h, a, 1))
    return icp_err_set(err, ICP_ENOMEM, "out of memory");
  h->file = a->file;
  h->line = a->line;
  ps->count++;
  return ICP_OK;
}

enum icp_status icp_body_score(struct icp_body *b, const char *text,
                               size_t n, struct icp_buf *out,
                               struct icp_err *err)
{
  struct pass ps;
  enum icp_status st;
  int array = 0;
  size_t i, held;

  ps.b = b;
  ps.out = out;
  ps.count = 0;
  st = icp_reader_read_text(b->rd, text, n, b->max_items, b->a,
                            b->enrich ? hold : score_now, &ps, &array,
                            err);
  if(st)
    return st;
  if(b->enrich && ps.count) {
    held = ps.count;
    st = b->enrich(b->enrich_ud, b->held, held, err);
    if(st)
      return st;
    ps.count = 0;
    for(i = 0; i < held && !st; i++)
      st = answer(&ps, b->held[i], err);
    if(st)
      return st;
  }
  if(array && !ps.count && icp_buf_add(out, "[\n", 2)) /* [] */
    return icp_err_set(err, ICP_ENOMEM, "answer too large");
  if(array && icp_buf_add(out, "]\n", 2))
    return icp_err_set(err, ICP_ENOMEM, "answer too large");
  return ICP_OK;
}

int icp_body_http_status(enum icp_status st)
{
  switch(st) {
  case ICP_OK:
    return 200;
  case ICP_ESKIP:
  case ICP_EINVAL:
    return 400;
  case ICP_ELIMIT:
    return 413;
  default:
    return 500;
  }
}

enum icp_status icp_body_error_json(struct icp_buf *out, const char *msg)
{
  enum icp_status st = icp_buf_add(out, "{\"error\":", 9);
  if(!st)
    st = icp_buf_json_str(out, msg, strlen(msg));
  if(!st)
    st = icp_buf_add(out, "}\n", 2);
  return st;
}

void icp_body_release(struct icp_body *b)
{
  size_t i;
  for(i = 0; i < b->nheld; i++)
    icp_account_free(b->held[i]);
  free(b->held);
  b->held = NULL;
  b->nheld = b->capheld = 0;
  icp_buf_free(&b->x);
}
