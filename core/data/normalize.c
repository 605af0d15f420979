/* normalize.c -- one cell to its canonical value (the value normaliser);
 * ranges, countries and dates are in normalize_{range,country,date}.c. */
#include <string.h>

#include "data/domain.h"
#include "data/normalize.h"
#include "data/value.h"

/* ---- domains ------------------------------------------------------------ */

size_t icp_norm_domain(const char *s, size_t n, char *out, size_t cap)
{
  return icp_domain_normalize(s, n, out, cap);
}

/* ---- one cell: the value normaliser ------------------------------------ */

/* Space, tab, CR, LF and U+00A0 (no-break space, common in exports) at
 * either end. */
static void trim_cell(const char **s, size_t *n)
{
  for(;;) {
    if(*n && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) {
      (*s)++;
      (*n)--;
    }
    else if(*n >= 2 && (unsigned char)(*s)[0] == 0xc2 &&
            (unsigned char)(*s)[1] == 0xa0) {
      *s += 2;
      *n -= 2;
    }
    else
      break;
  }
  for(;;) {
    const char *e = *s + *n;
    if(*n && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
              e[-1] == '\n'))
      (*n)--;
    else if(*n >= 2 && (unsigned char)e[-2] == 0xc2 &&
            (unsigned char)e[-1] == 0xa0)
      *n -= 2;
    else
      break;
  }
}

static int all_digits_cell(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return n > 0;
}

void icp_norm_cell(enum icp_type t, int field, const char *s, size_t n,
                   struct icp_norm_cell *c)
{
  enum icp_norm_kind k;
  c->range = 0;
  c->what = NULL;
  c->v.n = 0;
  c->v.type = ICP_T_MISSING;
  trim_cell(&s, &n);
  c->text = s;
  c->tn = n;
  if(!n)
    return;
  if(field == ICP_F_DOMAIN) {
    size_t len = icp_domain_normalize(s, n, c->buf, sizeof(c->buf));
    if(!len) {
      c->what = "a domain";
      return;
    }
    c->v.type = ICP_T_STRING;
    c->v.n = (uint32_t)len;
    c->v.u.str = c->buf;
    return;
  }
  switch(t) {
  case ICP_T_NUMBER:
    /* plain decimals first: the common case stays as fast as it was */
    if(icp_parse_number(s, n, &c->v.u.num)) {
      c->v.type = ICP_T_NUMBER;
      return;
    }
    k = icp_norm_range(s, n, &c->v.u.num);
    if(k == ICP_NORM_NONE) {
      c->what = "a number";
      return;
    }
    c->v.type = ICP_T_NUMBER;
    c->range = k == ICP_NORM_RANGE;
    return;
  case ICP_T_BOOL:
    if(!icp_parse_bool_loose(s, n, &c->v.u.b)) {
      c->what = "a bool";
      return;
    }
    c->v.type = ICP_T_BOOL;
    return;
  case ICP_T_DATE:
    if(!icp_parse_date(s, n, &c->v.u.day) &&
       !icp_norm_date(s, n, &c->v.u.day)) {
      c->what = "a date";
      return;
    }
    c->v.type = ICP_T_DATE;
    return;
  case ICP_T_ANY:
    /* inferred strictly: a plain number, true/false/yes/no, an ISO date
     * or timestamp; money and ranges only in number fields */
    if(icp_parse_number(s, n, &c->v.u.num))
      c->v.type = ICP_T_NUMBER;
    else if(icp_parse_bool(s, n, &c->v.u.b))
      c->v.type = ICP_T_BOOL;
    else if(icp_parse_date(s, n, &c->v.u.day) ||
            (n > 10 && n <= 40 && s[4] == '-' && all_digits_cell(s, 4) &&
             icp_norm_date(s, n, &c->v.u.day)))
      c->v.type = ICP_T_DATE;
    else
      break;
    return;
  default:
    break;
  }
  if(field == ICP_F_COUNTRY) {
    if(icp_norm_country(s, n, c->buf)) {
      c->v.type = ICP_T_STRING;
      c->v.n = 2;
      c->v.u.str = c->buf;
      return;
    }
    c->what = "a country";
    return;
  }
  /* strings and lists: the trimmed text, for the caller to store */
  c->v.type = t == ICP_T_LIST ? ICP_T_LIST : ICP_T_STRING;
  c->v.n = (uint32_t)n;
  c->v.u.str = s;
}

int icp_norm_range_field(int field)
{
  if(field == ICP_F_EMPLOYEES)
    return ICP_F_EMPLOYEES_RANGE;
  if(field == ICP_F_REVENUE_USD)
    return ICP_F_REVENUE_RANGE;
  return -1;
}
