/*
 * value.h -- parsing and formatting of typed values (DESIGN §3).
 *
 * All parsers take a byte range (not NUL-terminated) and return 1 on
 * success, 0 when the text is not of that type. Numbers are finite
 * decimals only: no hex, no inf/nan, no empty string.
 */
#ifndef ICP_VALUE_H
#define ICP_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"

int icp_parse_number(const char *s, size_t n, double *out);
int icp_parse_bool(const char *s, size_t n, int *out);
/* Declared bool columns also take 1/0, y/n and on/off. */
int icp_parse_bool_loose(const char *s, size_t n, int *out);
int icp_parse_date(const char *s, size_t n, int32_t *day);
/* "YYYY-MM-DD" into out (11 bytes). */
void icp_format_date(int32_t day, char out[11]);
int32_t icp_days_from_civil(int y, int m, int d);
void icp_civil_from_days(int32_t day, int *y, int *m, int *d);
/* Today (UTC) in days since the epoch. */
int32_t icp_today(void);
/* Type name from its DSL spelling ("string", "number", ...), or -1. */
int icp_type_from_name(const char *s);

/* ASCII case-insensitive equality (inline: the predicates' hot path) and
 * substring search. */
extern const unsigned char icp_lower[256];

static inline int icp_str_ieq(const char *a, size_t an, const char *b,
                              size_t bn)
{
  const unsigned char *x = (const unsigned char *)a;
  const unsigned char *y = (const unsigned char *)b;
  size_t i;
  if(an != bn)
    return 0;
  for(i = 0; i < an; i++)
    if(x[i] != y[i] && icp_lower[x[i]] != icp_lower[y[i]])
      return 0;
  return 1;
}

int icp_str_icontains(const char *hay, size_t hn, const char *needle,
                      size_t nn);

#endif
