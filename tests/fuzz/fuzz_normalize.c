/*
 * fuzz_normalize.c -- libFuzzer target for the value normaliser's public
 * functions (`make fuzz`): domains, amounts and ranges, countries, dates,
 * and the cell parsers of data/value.h. Each gets the input as a byte range
 * with no terminating NUL, as the readers and enrichers hand it over; what
 * it returns must hold what its contract says.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/normalize.h"
#include "data/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size ? size : 1), out[300], cc[3];
  double mid, num;
  int32_t day;
  int b;
  size_t n;
  if(!s)
    return 0;
  memcpy(s, data, size); /* exactly size bytes: ASan sees a read past it */
  n = icp_norm_domain(s, size, out, sizeof(out));
  if(n && (n >= sizeof(out) || strlen(out) != n))
    abort();
  n = icp_norm_domain(s, size, out, 8); /* a small output buffer */
  if(n >= 8)
    abort();
  if(icp_norm_range(s, size, &mid) != ICP_NORM_NONE && !isfinite(mid))
    abort();
  if(icp_norm_country(s, size, cc) && strlen(cc) != 2)
    abort();
  if(icp_norm_date(s, size, &day)) {
    char t[11];
    icp_format_date(day, t);
  }
  if(icp_parse_number(s, size, &num) && !isfinite(num))
    abort();
  (void)icp_parse_bool(s, size, &b);
  (void)icp_parse_bool_loose(s, size, &b);
  if(icp_parse_date(s, size, &day)) {
    char t[11];
    icp_format_date(day, t);
  }
  if(size >= sizeof(double)) {
    double sec;
    memcpy(&sec, data, sizeof(sec));
    (void)icp_norm_epoch(sec, &day);
  }
  free(s);
  return 0;
}
