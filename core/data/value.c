/* value.c -- parsing and formatting of typed values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/value.h"

int icp_type_from_name(const char *s)
{
  static const char *names[] = { "string", "number", "bool", "list",
                                 "date" };
  static const int types[] = { ICP_T_STRING, ICP_T_NUMBER, ICP_T_BOOL,
                               ICP_T_LIST, ICP_T_DATE };
  size_t i;
  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if(!strcmp(s, names[i]))
      return types[i];
  return -1;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
  while(*n && is_space(**s)) {
    (*s)++;
    (*n)--;
  }
  while(*n && is_space((*s)[*n - 1]))
    (*n)--;
}

static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                              1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* One pass checks the grammar ([+-] digits [. digits] [(e|E) [+-]
 * digits], at least one digit) and accumulates the digits. Plain
 * decimals of at most 15 significant digits with at most 22 decimals are
 * exact through one division (as strtod would round them); anything else
 * goes through strtod. No hex, inf or nan. */
int icp_parse_number(const char *s, size_t n, double *out)
{
  char tmp[64];
  size_t i = 0;
  uint64_t m = 0;
  int digits = 0, sig = 0, frac = 0, neg = 0, exact = 1;
  double v;
  trim(&s, &n);
  if(!n || n >= sizeof(tmp))
    return 0;
  if(s[i] == '+' || s[i] == '-')
    neg = s[i++] == '-';
  for(; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    digits++;
    if(m || s[i] != '0') {
      if(++sig > 15)
        exact = 0;
      m = m * 10 + (uint64_t)(s[i] - '0');
    }
  }
  if(i < n && s[i] == '.') {
    for(i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
      digits++;
      frac++;
      if(m || s[i] != '0') {
        if(++sig > 15)
          exact = 0;
        m = m * 10 + (uint64_t)(s[i] - '0');
      }
    }
  }
  if(!digits)
    return 0;
  if(i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t ed = 0;
    exact = 0;
    i++;
    if(i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    while(i < n && s[i] >= '0' && s[i] <= '9') {
      i++;
      ed++;
    }
    if(!ed)
      return 0;
  }
  if(i != n)
    return 0;
  if(exact && frac <= 22) {
    v = (double)m / p10[frac];
    *out = neg ? -v : v;
    return 1;
  }
  memcpy(tmp, s, n);
  tmp[n] = 0;
  v = strtod(tmp, NULL);
  if(!isfinite(v))
    return 0;
  *out = v;
  return 1;
}

const unsigned char icp_lower[256] = {
#define L4(i) L1(i), L1(i + 1), L1(i + 2), L1(i + 3)
#define L1(i) ((unsigned char)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i)))
#define L16(i) L4(i), L4(i + 4), L4(i + 8), L4(i + 12)
#define L64(i) L16(i), L16(i + 16), L16(i + 32), L16(i + 48)
  L64(0), L64(64), L64(128), L64(192)
#undef L64
#undef L16
#undef L4
#undef L1
};

int icp_str_icontains(const char *hay, size_t hn, const char *needle,
                      size_t nn)
{
  size_t i;
  if(nn == 0)
    return 1;
  for(i = 0; i + nn <= hn; i++)
    if(icp_str_ieq(hay + i, nn, needle, nn))
      return 1;
  return 0;
}

int icp_parse_bool(const char *s, size_t n, int *out)
{
  trim(&s, &n);
  if(icp_str_ieq(s, n, "true", 4) || icp_str_ieq(s, n, "yes", 3)) {
    *out = 1;
    return 1;
  }
  if(icp_str_ieq(s, n, "false", 5) || icp_str_ieq(s, n, "no", 2)) {
    *out = 0;
    return 1;
  }
  return 0;
}

int icp_parse_bool_loose(const char *s, size_t n, int *out)
{
  if(icp_parse_bool(s, n, out))
    return 1;
  trim(&s, &n);
  if(icp_str_ieq(s, n, "1", 1) || icp_str_ieq(s, n, "y", 1) ||
     icp_str_ieq(s, n, "on", 2)) {
    *out = 1;
    return 1;
  }
  if(icp_str_ieq(s, n, "0", 1) || icp_str_ieq(s, n, "n", 1) ||
     icp_str_ieq(s, n, "off", 3)) {
    *out = 0;
    return 1;
  }
  return 0;
}

/* Howard Hinnant's days_from_civil. */
int32_t icp_days_from_civil(int y, int m, int d)
{
  int era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

void icp_civil_from_days(int32_t z, int *y, int *m, int *d)
{
  int era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  *y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y += *m <= 2;
}

static int days_in_month(int y, int m)
{
  static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if(m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

int icp_parse_date(const char *s, size_t n, int32_t *day)
{
  int y, m, d, i;
  trim(&s, &n);
  if(n != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for(i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
      (s[3] - '0');
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if(y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return 0;
  *day = icp_days_from_civil(y, m, d);
  return 1;
}

void icp_format_date(int32_t day, char out[11])
{
  int y, m, d;
  icp_civil_from_days(day, &y, &m, &d);
  if(y < 0 || y > 9999) {
    y = 0;
    m = d = 1;
  }
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = 0;
}

int32_t icp_today(void)
{
  time_t t = time(NULL);
  return (int32_t)(t / 86400);
}
