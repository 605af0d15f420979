/*
 * normalize.h -- the one value normaliser: input cells and provider values
 * to canonical values (DESIGN §3, §6).
 *
 * Shared by the readers (through icp_account_set_text) and by every
 * enricher (through the host table), so that a range, a country, a date
 * or a domain means the same whichever file or provider gave it. All
 * functions take a byte range (not NUL-terminated), keep no state and
 * return 0 when the text is not recognised (the caller leaves the field
 * missing and reports it).
 *
 * Rules and their ambiguities, as documented in README "Scoring your CRM
 * export":
 * - every cell is trimmed (space, tab, CR, LF, no-break space);
 * - numbers: "$5,000,000", "USD 5,000,000", "5,000,000 USD", "12k",
 *   "$1.2M", "3.5B", "2.8%" (the number 2.8). ',' is only a thousands
 *   separator (groups of three: "1,5" is no number) and '.' only a decimal
 *   point ("1.234" is one point two three four). Other currencies are not
 *   converted: "EUR 5" is no number;
 * - ranges ("51-200", "$10M-$50M", "10,001+") give their midpoint (an open
 *   range its bound) in number fields; employees/revenue_usd keep the text
 *   in employees_range/revenue_range;
 * - dates: YYYY-MM-DD, ISO timestamps ("2026-10-01T12:00:00Z",
 *   "2026-10-01 12:00:00"; an offset is converted to UTC first),
 *   "2026/10/01", "2026-10", "2026" and epoch seconds or milliseconds;
 * - bools (declared bool fields): yes/no, y/n, true/false, 1/0, on/off;
 * - country: names, common variants, alpha-2 and alpha-3 to alpha-2;
 * - domain: see domain.h.
 * An undeclared column is inferred strictly: a plain number, true/false/
 * yes/no, an ISO date or timestamp, else a string.
 */
#ifndef ICP_NORMALIZE_H
#define ICP_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "data/domain.h"
#include "data/schema.h"

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

/* What icp_norm_cell made of one cell. */
struct icp_norm_cell {
  struct icp_value v;  /* ICP_T_MISSING when empty or when it does not fit;
                          strings and lists: the trimmed text (borrowed
                          from the input or from buf) */
  int range;           /* a number read from a range ("51-200") */
  const char *text;    /* the trimmed cell (borrowed from the input) */
  size_t tn;
  const char *what;    /* does not fit: "a number", "a domain", ... */
  char buf[ICP_DOMAIN_MAX + 1];
};

/* The one value normaliser: the text s[0..n) of field (a field id; the
 * domain and country fields have their own rules) of type t into c->v,
 * by the rules at the top of this file. c->v.type is ICP_T_MISSING for
 * an empty cell (c->what NULL) or one that does not fit (c->what says
 * what it should have been). */
void icp_norm_cell(enum icp_type t, int field, const char *s, size_t n,
                   struct icp_norm_cell *c);

/* The field that keeps the text of a range read into field (a range in
 * employees keeps "51-200" in employees_range; revenue_usd in
 * revenue_range), or -1 for a field without one. */
int icp_norm_range_field(int field);

#endif
