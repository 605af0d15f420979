/* typing.c -- input text to typed values, through the one normaliser. */
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "data/normalize.h"
#include "data/typing.h"
#include "data/value.h"

static enum icp_status bad(struct icp_account *a, int id, const char *s,
                           size_t n, const char *what, struct icp_err *err)
{
  int shown = n > 40 ? 40 : (int)n;
  /* an invalid UTF-8 sequence cut by the 40-byte cap stays in the
   * message as it is: messages go to a terminal, not to an output */
  return icp_err_set(err, ICP_EINVAL, "column '%s': '%.*s%s' is not %s",
                     icp_schema_name(a->schema, id), shown, s,
                     n > 40 ? "..." : "", what);
}

/* 1 when s[0..n) is valid UTF-8 without NUL: ASCII eight bytes at a time,
 * the rest by sequence. */
static int text_ok(const char *s, size_t n)
{
  size_t i = 0;
  while(i + 8 <= n) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if(w & 0x8080808080808080ULL)
      break;
    i += 8;
  }
  return icp_utf8_valid(s + i, n - i);
}

/* A copy of s[0..n) in the account's arena with every byte that does not
 * start a valid sequence (and every NUL) replaced by U+FFFD, which is how
 * both the CSV and the JSONL outputs then write it. NULL when the arena
 * is full. */
static char *repair(struct icp_account *a, const char *s, size_t n,
                    size_t *out_n)
{
  char *o = icp_arena_alloc(&a->arena, 3 * n + 1);
  size_t i = 0, k = 0;
  if(!o)
    return NULL;
  while(i < n) {
    size_t q = s[i] ? icp_utf8_seq(s + i, n - i) : 0;
    if(q) {
      memcpy(o + k, s + i, q);
      k += q;
      i += q;
    }
    else {
      memcpy(o + k, "\xef\xbf\xbd", 3);
      k += 3;
      i++;
    }
  }
  o[k] = 0;
  *out_n = k;
  return o;
}

const char *icp_account_text(struct icp_account *a, const char *s, size_t n,
                             size_t *out_n)
{
  const char *r;
  *out_n = n;
  if(a->ascii || text_ok(s, n))
    return s;
  r = repair(a, s, n, out_n);
  if(r)
    a->utf8_fixed = 1;
  return r;
}

enum icp_status icp_account_set_text(struct icp_account *a, int id,
                                     const char *s, size_t n, int source,
                                     struct icp_err *err)
{
  struct icp_norm_cell c;
  enum icp_status st;
  if(!n || !icp_schema_needed(a->schema, id))
    return ICP_OK; /* empty, or a column no rule of the run reads */
  icp_norm_cell(icp_schema_type(a->schema, id), id, s, n, &c);
  if(c.what)
    return bad(a, id, c.text, c.tn, c.what, err);
  switch(c.v.type) {
  case ICP_T_MISSING:
    return ICP_OK; /* only spaces */
  case ICP_T_STRING:
  case ICP_T_LIST:
    if(c.v.u.str != c.buf) {
      size_t rn;
      const char *r = icp_account_text(a, c.v.u.str, c.v.n, &rn);
      if(!r)
        return ICP_ELIMIT;
      c.v.u.str = r;
      c.v.n = (uint32_t)rn;
    }
    if(c.v.type == ICP_T_LIST)
      return icp_account_set_list_text(a, id, c.v.u.str, c.v.n, source);
    break;
  default:
    break;
  }
  st = icp_account_put(a, id, &c.v, source);
  if(st || !c.range || icp_norm_range_field(id) < 0)
    return st;
  /* "51-200" in employees: the midpoint, and the text in employees_range
   * unless the record has its own */
  id = icp_norm_range_field(id);
  if(!icp_schema_needed(a->schema, id) ||
     icp_account_get(a, id)->type != ICP_T_MISSING ||
     !(a->ascii || text_ok(c.text, c.tn)))
    return ICP_OK;
  return icp_account_set_str(a, id, c.text, c.tn, source);
}

/* ---- undeclared columns ------------------------------------------------ */

enum icp_type icp_type_infer(const char *s, size_t n, struct icp_value *v)
{
  struct icp_norm_cell c;
  icp_norm_cell(ICP_T_ANY, -1, s, n, &c);
  *v = c.v;
  return c.v.type;
}

enum icp_type icp_type_column(const struct icp_type_counts *c)
{
  double share = ICP_TYPE_SHARE * (double)c->cells;
  if(!c->cells)
    return ICP_T_MISSING;
  if((double)c->list >= share)
    return ICP_T_LIST;
  if((double)c->num >= share)
    return ICP_T_NUMBER;
  if((double)c->bool_ >= share)
    return ICP_T_BOOL;
  if((double)c->date >= share)
    return ICP_T_DATE;
  return ICP_T_STRING;
}

int icp_value_number(const struct icp_value *v, double *x)
{
  if(v->type == ICP_T_NUMBER) {
    *x = v->u.num;
    return 1;
  }
  return v->type == ICP_T_STRING && icp_parse_number(v->u.str, v->n, x);
}

int icp_value_day(const struct icp_value *v, int32_t *day)
{
  if(v->type == ICP_T_DATE) {
    *day = v->u.day;
    return 1;
  }
  return v->type == ICP_T_STRING && v->n >= 10 &&
         icp_parse_date(v->u.str, 10, day);
}
