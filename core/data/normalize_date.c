/* normalize_date.c -- ISO dates and timestamps, "2026/10/01", "2026-10",
 * "2026" and epoch seconds or milliseconds to a day (normalize.h). */
#include <math.h>

#include "data/normalize.h"
#include "data/value.h"

/* ---- dates -------------------------------------------------------------- */

static int digits(const char *s, size_t n, int *v)
{
  size_t i;
  int x = 0;
  if(n > 9)
    return 0;
  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return 0;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return 1;
}

static int valid_ymd(int y, int m, int d)
{
  int32_t day;
  char tmp[11];
  if(y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return 0;
  day = icp_days_from_civil(y, m, d);
  icp_format_date(day, tmp);
  /* round trip rejects 2021-02-30 */
  return (tmp[8] - '0') * 10 + (tmp[9] - '0') == d;
}

int icp_norm_epoch(double seconds, int32_t *day)
{
  double d;
  if(!isfinite(seconds))
    return 0;
  d = floor(seconds / 86400.0);
  if(d < -719162.0 || d > 2932896.0) /* 0001-01-01 .. 9999-12-31 */
    return 0;
  *day = (int32_t)d;
  return 1;
}

/* "HH:MM[:SS[.frac]]" then "Z", "+HH:MM", "+HHMM", "+HH" or nothing;
 * returns the offset in minutes through *off. */
static int time_part(const char *s, size_t n, int *minutes, int *off)
{
  size_t i = 0;
  int hh, mm, ss = 0, oh = 0, om = 0, sign = 1;
  if(n < 5 || !digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm))
    return 0;
  i = 5;
  if(i < n && s[i] == ':') {
    if(i + 3 > n || !digits(s + i + 1, 2, &ss))
      return 0;
    i += 3;
    if(i < n && (s[i] == '.' || s[i] == ',')) {
      i++;
      while(i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    }
  }
  if(hh > 24 || mm > 59 || ss > 60)
    return 0;
  *minutes = hh * 60 + mm;
  *off = 0;
  if(i == n)
    return 1;
  if((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
    return 1;
  if(s[i] != '+' && s[i] != '-')
    return 0;
  sign = s[i] == '-' ? -1 : 1;
  i++;
  if(n - i == 2 && digits(s + i, 2, &oh))
    ;
  else if(n - i == 4 && digits(s + i, 2, &oh) && digits(s + i + 2, 2, &om))
    ;
  else if(n - i == 5 && s[i + 2] == ':' && digits(s + i, 2, &oh) &&
          digits(s + i + 3, 2, &om))
    ;
  else
    return 0;
  if(oh > 18 || om > 59)
    return 0;
  *off = sign * (oh * 60 + om);
  return 1;
}

static int all_digits(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

int icp_norm_date(const char *s, size_t n, int32_t *day)
{
  int y, m = 1, d = 1;
  while(n && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if(!n || n > 64)
    return 0;
  if(all_digits(s, n)) {
    size_t i;
    double v = 0;
    for(i = 0; i < n; i++)
      v = v * 10 + (s[i] - '0');
    if(n == 4 && digits(s, 4, &y))
      return valid_ymd(y, 1, 1) && (*day = icp_days_from_civil(y, 1, 1), 1);
    if(n >= 9 && n <= 11)
      return icp_norm_epoch(v, day);
    if(n == 12 || n == 13)
      return icp_norm_epoch(v / 1000.0, day);
    return 0;
  }
  if(n < 7 || !digits(s, 4, &y) || (s[4] != '-' && s[4] != '/') ||
     !digits(s + 5, 2, &m))
    return 0;
  if(n == 7) {
    if(!valid_ymd(y, m, 1))
      return 0;
    *day = icp_days_from_civil(y, m, 1);
    return 1;
  }
  if(n < 10 || s[7] != s[4] || !digits(s + 8, 2, &d) || !valid_ymd(y, m, d))
    return 0;
  *day = icp_days_from_civil(y, m, d);
  if(n == 10)
    return 1;
  if(s[10] != 'T' && s[10] != 't' && s[10] != ' ')
    return 0;
  {
    int minutes, off;
    long t;
    if(!time_part(s + 11, n - 11, &minutes, &off))
      return 0;
    t = (long)*day * 1440 + minutes - off;
    *day = (int32_t)(t >= 0 ? t / 1440 : -((-t + 1439) / 1440));
  }
  return 1;
}
