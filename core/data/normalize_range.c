/* normalize_range.c -- amounts ("$1.2M", "12k") and ranges ("51-200",
 * "$10M-$50M", "10,001+") to one number (normalize.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "data/normalize.h"
#include "data/value.h"

/* ---- amounts and ranges ------------------------------------------------- */

struct cur {
  const char *p;
  size_t i, n;
};

static int at(const struct cur *c, size_t k)
{
  return c->i + k < c->n ? (unsigned char)c->p[c->i + k] : 0;
}

static void skip_space(struct cur *c)
{
  while(at(c, 0) == ' ' || at(c, 0) == '\t')
    c->i++;
}

/* Consumes word w (lowercase) when the text continues with it. */
static int eat(struct cur *c, const char *w)
{
  size_t k, wn = strlen(w);
  if(c->i + wn > c->n)
    return 0;
  for(k = 0; k < wn; k++) {
    int ch = (unsigned char)c->p[c->i + k];
    if(ch >= 'A' && ch <= 'Z')
      ch += 32;
    if(ch != (unsigned char)w[k])
      return 0;
  }
  c->i += wn;
  return 1;
}

static int is_dash(struct cur *c)
{
  if(eat(c, "-") || eat(c, "\xe2\x80\x93") || eat(c, "\xe2\x80\x94") ||
     eat(c, "_"))
    return 1;
  if(eat(c, "to ") || eat(c, "to$"))
    return 1;
  return 0;
}

static const struct {
  const char *w;
  int exp10;
} suffixes[] = {
  { "thousand", 3 }, { "million", 6 }, { "billion", 9 },
  { "trillion", 12 }, { "mm", 6 }, { "bn", 9 }, { "k", 3 },
  { "m", 6 }, { "b", 9 }, { "t", 12 },
};

static int isdigit3(const struct cur *c)
{
  int k;
  for(k = 1; k <= 3; k++)
    if(at(c, k) < '0' || at(c, k) > '9')
      return 0;
  return 1;
}

/* An amount: [$|usd] digits[,digits][.digits] [suffix]. *scaled is set
 * when a suffix was read. */
static int amount(struct cur *c, double *v, int *scaled)
{
  char tmp[48];
  size_t k = 0, tn;
  int digits = 0, dot = 0;
  int group = 0, grouped = 0;
  double x;
  skip_space(c);
  if(eat(c, "$") || eat(c, "usd"))
    skip_space(c);
  while(c->i < c->n) {
    int ch = at(c, 0);
    if(ch >= '0' && ch <= '9') {
      if(k + 1 >= sizeof(tmp))
        return 0;
      tmp[k++] = (char)ch;
      digits++;
      group++;
    }
    else if(ch == ',' && !dot) {
      /* a thousands separator: 1 to 3 digits, then groups of exactly 3
       * ("1,234,567"); "1,5" is no number */
      if(!group || group > 3 || (grouped && group != 3) ||
         !isdigit3(c) || (at(c, 4) >= '0' && at(c, 4) <= '9'))
        return 0;
      grouped = 1;
      group = 0;
    }
    else if(ch == '.' && !dot && at(c, 1) >= '0' && at(c, 1) <= '9') {
      if(k + 1 >= sizeof(tmp) || (grouped && group != 3))
        return 0;
      tmp[k++] = '.';
      dot = 1;
      group = 0;
    }
    else
      break;
    c->i++;
  }
  if(!digits || !icp_parse_number(tmp, k, &x))
    return 0;
  tn = k;
  skip_space(c);
  *scaled = 0;
  if(eat(c, "%")) { /* "2.8%" is the number 2.8 */
    *v = x;
    skip_space(c);
    return isfinite(x);
  }
  for(k = 0; ((at(c, 0) | 32) >= 'a' && (at(c, 0) | 32) <= 'z') &&
      k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
    size_t save = c->i;
    int next;
    if(!eat(c, suffixes[k].w))
      continue;
    next = at(c, 0) | 32;
    if(next >= 'a' && next <= 'z') {
      c->i = save; /* "to", "tons": not a suffix */
      continue;
    }
    /* "1.2M" is 1.2e6 read as one decimal, so that it is exactly the
     * number "1200000" gives (1.2 * 1e6 is not) */
    tn += (size_t)snprintf(tmp + tn, sizeof(tmp) - tn, "e%d",
                           suffixes[k].exp10);
    if(tn >= sizeof(tmp) || !icp_parse_number(tmp, tn, &x))
      return 0;
    *scaled = 1;
    break;
  }
  skip_space(c);
  if(eat(c, "usd"))
    skip_space(c);
  *v = x;
  return isfinite(*v);
}

/* Trailing words that say what is counted. */
static void skip_unit(struct cur *c)
{
  skip_space(c);
  if(((at(c, 0) | 32) < 'a' || (at(c, 0) | 32) > 'z'))
    return;
  if(eat(c, "employees") || eat(c, "employee") || eat(c, "people") ||
     eat(c, "staff") || eat(c, "usd") || eat(c, "dollars"))
    skip_space(c);
}

static enum icp_norm_kind crunchbase(struct cur *c, double *mid)
{
  double lo = 0, hi = 0;
  size_t d = 0;
  while(at(c, 0) >= '0' && at(c, 0) <= '9') {
    lo = lo * 10 + (at(c, 0) - '0');
    c->i++;
    d++;
  }
  if(!d || d > 12 || !eat(c, "_"))
    return ICP_NORM_NONE;
  if(eat(c, "max")) {
    if(c->i != c->n)
      return ICP_NORM_NONE;
    *mid = lo;
    return ICP_NORM_RANGE;
  }
  d = 0;
  while(at(c, 0) >= '0' && at(c, 0) <= '9') {
    hi = hi * 10 + (at(c, 0) - '0');
    c->i++;
    d++;
  }
  if(!d || d > 12 || c->i != c->n || hi < lo)
    return ICP_NORM_NONE;
  *mid = (lo + hi) / 2;
  return ICP_NORM_RANGE;
}

enum icp_norm_kind icp_norm_range(const char *s, size_t n, double *mid)
{
  struct cur c = { s, 0, n };
  double lo, hi;
  int slo, shi, under = 0;
  while(c.n && (s[c.n - 1] == ' ' || s[c.n - 1] == '\t'))
    c.n--;
  skip_space(&c);
  if(c.i == c.n || c.n - c.i > 128)
    return ICP_NORM_NONE;
  if(at(&c, 0) == '$' || (at(&c, 0) >= '0' && at(&c, 0) <= '9'))
    ; /* the common case: no prefix word to look for */
  else if(eat(&c, "c_"))
    return crunchbase(&c, mid);
  else if(eat(&c, "<=") || eat(&c, "<") || eat(&c, "under ") ||
     eat(&c, "less than ") || eat(&c, "up to "))
    under = 1;
  else if(eat(&c, ">=") || eat(&c, ">") || eat(&c, "over ") ||
          eat(&c, "more than "))
    under = -1;
  if(!amount(&c, &lo, &slo))
    return ICP_NORM_NONE;
  skip_unit(&c);
  if(under) {
    if(c.i != c.n)
      return ICP_NORM_NONE;
    *mid = under > 0 ? lo / 2 : lo;
    return ICP_NORM_RANGE;
  }
  if(eat(&c, "+")) {
    skip_unit(&c);
    if(c.i != c.n)
      return ICP_NORM_NONE;
    *mid = lo;
    return ICP_NORM_RANGE;
  }
  if(c.i == c.n) {
    *mid = lo;
    return ICP_NORM_NUMBER;
  }
  if(!is_dash(&c) || !amount(&c, &hi, &shi))
    return ICP_NORM_NONE;
  skip_unit(&c);
  if(c.i != c.n)
    return ICP_NORM_NONE;
  if(shi && !slo) {
    /* "10-50M": the suffix applies to both ends */
    double x = 1;
    while(x * 1000 <= hi && x < 1e12)
      x *= 1000;
    if(lo * x <= hi)
      lo *= x;
  }
  if(hi < lo)
    return ICP_NORM_NONE;
  *mid = (lo + hi) / 2;
  return ICP_NORM_RANGE;
}
