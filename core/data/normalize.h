/*
 * normalize.h -- provider values to canonical values (DESIGN §3, §6).
 *
 * Shared by every enricher through the host table, so that a range, a
 * country or a date means the same whichever provider gave it. All
 * functions take a byte range (not NUL-terminated), keep no state and
 * return 0 when the text is not recognised (the caller leaves the field
 * missing).
 */
#ifndef ICP_NORMALIZE_H
#define ICP_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* What icp_norm_range found. */
enum icp_norm_kind {
  ICP_NORM_NONE = 0,  /* not a number nor a range */
  ICP_NORM_NUMBER,    /* a single amount ("250", "$12.5M") */
  ICP_NORM_RANGE      /* a range ("51-200", "10001+", "$1B+") */
};

/* Domain from a domain, URL or e-mail address; see icp_domain_normalize.
 * Returns the length written to out (NUL-terminated), 0 when none. */
size_t icp_norm_domain(const char *s, size_t n, char *out, size_t cap);

/* An amount or a range of amounts to one number: "51-200" -> 125.5,
 * "$10M-$50M" -> 3e7, "1K-5K", "10001+" and "$1B+" -> their lower bound,
 * "<$1M" and "under 10" -> half the upper bound, "c_00051_00100" ->
 * 75.5, "c_10001_max" -> 10001. Suffixes K, M (also MM), B (also BN), T,
 * "thousand", "million", "billion"; "$", "USD", thousands separators and a
 * trailing word such as "employees" are ignored. Dashes may be "-", en dash
 * or "to". Negative amounts are refused. */
enum icp_norm_kind icp_norm_range(const char *s, size_t n, double *mid);

/* A country name (English, a few native spellings, common misspellings),
 * alpha-2 or alpha-3 code to an ISO 3166-1 alpha-2 code in out[0..2]
 * (NUL-terminated). "USA", "United States", "UK", "England" and the like
 * are known. Returns 1 when recognised. */
int icp_norm_country(const char *s, size_t n, char out[3]);

/* A date or datetime to days since 1970-01-01 (UTC): "2021-03-15",
 * "2021-03-15T10:20:30Z" or with an offset (converted to UTC),
 * "2021-03-15 10:20", "2021/03/15", "2021-03" (the first of the month),
 * "2021" (January 1st), epoch seconds (9 to 11 digits) or milliseconds
 * (12 or 13 digits). Returns 1 when recognised. */
int icp_norm_date(const char *s, size_t n, int32_t *day);

/* Epoch seconds (finite, from 0001-01-01 to 9999-12-31) to days. Returns 1
 * when in range. */
int icp_norm_epoch(double seconds, int32_t *day);

#endif
