/*
 * discover_cols.c -- the column store of a discovery: each column's cells
 * as compact per-account codes (interned levels, case-insensitive),
 * numbers and list items, growing with the accounts read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/account.h"
#include "data/typing.h"
#include "data/value.h"
#include "stats/discover.h"
#include "stats/discover_impl.h"

#define LEVELS_MAX 65536u    /* distinct values interned per column */

/* ==================================================================== */
/* Growth helpers                                                       */
/* ==================================================================== */

uint64_t icp_disc_hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  size_t i;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/* ==================================================================== */
/* Interning levels                                                     */
/* ==================================================================== */

const char *icp_disc_level_text(const struct icp_disc_col *c, uint32_t code,
                                size_t *len)
{
  if(code >= c->nlv) {
    *len = 5;
    return "other";
  }
  *len = c->lv[code].len;
  return c->text + c->lv[code].off;
}

static int ht_rehash(struct icp_disc_col *c)
{
  uint32_t ncap = c->htcap ? c->htcap * 2 : 64, i;
  uint32_t *nt = calloc(ncap, sizeof(*nt));
  if(!nt)
    return -1;
  for(i = 0; i < c->nlv; i++) {
    uint64_t h = icp_disc_hash(c->text + c->lv[i].off, c->lv[i].len);
    uint32_t k = (uint32_t)h & (ncap - 1);
    while(nt[k])
      k = (k + 1) & (ncap - 1);
    nt[k] = i + 1;
  }
  free(c->ht);
  c->ht = nt;
  c->htcap = ncap;
  return 0;
}

/* Code of s (case-insensitive), interning it when new; ICP_DISC_RARE when
 * the column already holds LEVELS_MAX values; ICP_DISC_NONE when out of
 * memory. */
static uint32_t intern(struct icp_disc_col *c, const char *s, size_t n)
{
  uint64_t h;
  uint32_t k;
  if(c->nlv * 2 + 2 > c->htcap && ht_rehash(c))
    return ICP_DISC_NONE;
  h = icp_disc_hash(s, n);
  k = (uint32_t)h & (c->htcap - 1);
  while(c->ht[k]) {
    const struct icp_disc_level *l = &c->lv[c->ht[k] - 1];
    if(icp_str_ieq(c->text + l->off, l->len, s, n))
      return c->ht[k] - 1;
    k = (k + 1) & (c->htcap - 1);
  }
  if(c->nlv >= LEVELS_MAX)
    return ICP_DISC_RARE;
  if(icp_grow(c->lv, c->caplv, (size_t)c->nlv + 1) ||
     icp_grow(c->text, c->captext, c->ntext + n + 1))
    return ICP_DISC_NONE;
  memcpy(c->text + c->ntext, s, n);
  c->text[c->ntext + n] = 0;
  c->lv[c->nlv].off = (uint32_t)c->ntext;
  c->lv[c->nlv].len = (uint32_t)n;
  c->ntext += n + 1;
  c->ht[k] = c->nlv + 1;
  return c->nlv++;
}

/* ==================================================================== */
/* Columns                                                              */
/* ==================================================================== */


/* Makes sure the column's arrays hold capacct entries. */
static int col_fit(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t cap = d->capacct;
  if(c->code) {
    uint32_t *p = realloc(c->code, cap * sizeof(*p));
    if(!p)
      return -1;
    c->code = p;
  }
  if(c->num) {
    double *p = realloc(c->num, cap * sizeof(*p));
    if(!p)
      return -1;
    c->num = p;
  }
  if(c->loff) {
    uint32_t *p = realloc(c->loff, (cap + 1) * sizeof(*p));
    if(!p)
      return -1;
    c->loff = p;
  }
  return 0;
}

static int need_code(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->code)
    return 0;
  c->code = malloc(d->capacct * sizeof(*c->code));
  if(!c->code)
    return -1;
  for(i = 0; i <= d->nacct - 1; i++)
    c->code[i] = ICP_DISC_NONE;
  return 0;
}

static int need_num(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->num)
    return 0;
  c->num = malloc(d->capacct * sizeof(*c->num));
  if(!c->num)
    return -1;
  for(i = 0; i <= d->nacct - 1; i++)
    c->num[i] = NAN;
  return 0;
}

static int need_list(struct icp_disc *d, struct icp_disc_col *c)
{
  size_t i;
  if(c->loff)
    return 0;
  c->loff = malloc((d->capacct + 1) * sizeof(*c->loff));
  if(!c->loff)
    return -1;
  for(i = 0; i <= d->nacct; i++)
    c->loff[i] = 0;
  return 0;
}


/* Text of a scalar value into buf (or borrowed); 0 when missing/list. */
size_t icp_disc_value_text(const struct icp_value *v, char *buf, size_t cap,
                         const char **out)
{
  switch(v->type) {
  case ICP_T_STRING:
    *out = v->u.str;
    return v->n;
  case ICP_T_NUMBER:
    *out = buf;
    return (size_t)icp_fmt_num(buf, cap, v->u.num);
  case ICP_T_BOOL:
    *out = v->u.b ? "true" : "false";
    return strlen(*out);
  case ICP_T_DATE:
    icp_format_date(v->u.day, buf);
    *out = buf;
    return 10;
  default:
    return 0;
  }
}

int icp_disc_add_account(struct icp_disc *d)
{
  int i;
  size_t need = d->nacct + 1;
  if(need > d->capacct) {
    /* five arrays share capacct: each grows from it to the same capacity
     * (a failure leaves capacct as it was); the lines of a column index
     * by uint32_t, one past the last account included */
    size_t c[5] = { d->capacct, d->capacct, d->capacct, d->capacct,
                    d->capacct };
    if(need > ((size_t)UINT32_MAX + 1) / 2 ||
       icp_grow(d->acct_line, c[0], need) ||
       icp_grow(d->acct_file, c[1], need) ||
       icp_grow(d->acct_value, c[2], need) ||
       icp_grow(d->acct_label, c[3], need) ||
       icp_grow(d->keyoff, c[4], need))
      return -1;
    d->capacct = c[0];
    for(i = 0; i < d->ncols; i++)
      if(col_fit(d, &d->cols[i]))
        return -1;
  }
  d->acct_value[d->nacct] = NAN;
  d->acct_label[d->nacct] = -1;
  d->keyoff[d->nacct] = SIZE_MAX;
  for(i = 0; i < d->ncols; i++) {
    struct icp_disc_col *c = &d->cols[i];
    if(c->code)
      c->code[d->nacct] = ICP_DISC_NONE;
    if(c->num)
      c->num[d->nacct] = NAN;
    if(c->loff)
      c->loff[d->nacct + 1] = c->loff[d->nacct];
  }
  d->nacct++;
  return 0;
}

int icp_disc_col_set(struct icp_disc *d, struct icp_disc_col *c,
                    const struct icp_value *v)
{
  size_t i = d->nacct - 1;
  char buf[48];
  const char *s;
  size_t n;

  c->n_cells++;
  if(v->type == ICP_T_LIST) {
    uint32_t k;
    c->n_list++;
    if(need_list(d, c))
      return -1;
    for(k = 0; k < v->n; k++) {
      uint32_t code = intern(c, v->u.list[k].p, v->u.list[k].n);
      if(code == ICP_DISC_NONE)
        return -1;
      if(icp_grow(c->items, c->capitems, c->nitems + 1))
        return -1;
      c->items[c->nitems++] = code;
    }
    if(c->nitems > UINT32_MAX - 1)
      return -1;
    c->loff[i + 1] = (uint32_t)c->nitems;
    return 0;
  }
  if(v->type == ICP_T_NUMBER || v->type == ICP_T_DATE) {
    if(need_num(d, c))
      return -1;
    c->num[i] = v->type == ICP_T_NUMBER ? v->u.num : (double)v->u.day;
    if(v->type == ICP_T_NUMBER)
      c->n_num++;
    else
      c->n_date++;
    if(c->canonical)
      return 0;
  }
  n = icp_disc_value_text(v, buf, sizeof(buf), &s);
  if(v->type == ICP_T_BOOL)
    c->n_bool++;
  if(v->type == ICP_T_STRING && !c->canonical) {
    /* a column declared string for reading: each cell infers its type
     * by the one policy (typing.h), the column is typed as a whole */
    struct icp_value t;
    switch(icp_type_infer(s, n, &t)) {
    case ICP_T_NUMBER:
      if(need_num(d, c))
        return -1;
      c->num[i] = t.u.num;
      c->n_num++;
      /* a high-cardinality numeric column is a number: stop interning */
      if(c->nlv > 4096 && c->n_num * 10 > c->n_cells * 9)
        return 0;
      break;
    case ICP_T_BOOL:
      c->n_bool++;
      break;
    case ICP_T_DATE:
      if(need_num(d, c))
        return -1;
      c->num[i] = t.u.day;
      c->n_date++;
      break;
    default:
      break;
    }
  }
  if(need_code(d, c))
    return -1;
  c->code[i] = intern(c, s, n);
  return c->code[i] == ICP_DISC_NONE ? -1 : 0;
}
