/*
 * typing.h -- turning input text into typed values (DESIGN §3).
 *
 * A field with a schema type (canonical or declared) takes that type; an
 * undeclared one is inferred per value: a finite number, else a bool
 * (true/false/yes/no), else a YYYY-MM-DD date, else a string. Lists are
 * ';'-separated. Every cell goes through the one value normaliser
 * (normalize.h): trimmed, money, ranges, timestamps, countries, domains.
 * Text with invalid UTF-8 is stored with U+FFFD in place of each bad byte
 * and a->utf8_fixed is set for the reader to report.
 */
#ifndef ICP_TYPING_H
#define ICP_TYPING_H

#include <stddef.h>
#include <stdint.h>

#include "icp.h"
#include "data/account.h"

/* Types s[0..n) for field id and sets it on a. Empty text leaves the field
 * missing. When the text does not fit the field's type, the field is left
 * missing and ICP_EINVAL is returned with "column 'x': 'text' is not a
 * number" in err (the caller reports it and scores the row anyway). Other
 * statuses (ICP_ELIMIT, ICP_ENOMEM) mean the record cannot be kept. */
enum icp_status icp_account_set_text(struct icp_account *a, int id,
                                     const char *s, size_t n, int source,
                                     struct icp_err *err);

/* s[0..n) itself when it is valid UTF-8 without NUL, else a repaired
 * copy in the account's arena (U+FFFD for each bad byte; sets
 * a->utf8_fixed). NULL when the arena is full. */
const char *icp_account_text(struct icp_account *a, const char *s, size_t n,
                             size_t *out_n);

/* ---- undeclared columns ------------------------------------------------ */

/* What an undeclared cell s[0..n) is, by the rule above (the one
 * icp_account_set_text applies to a field without a type): ICP_T_NUMBER,
 * ICP_T_BOOL or ICP_T_DATE with its value in *v, ICP_T_STRING (v holds
 * the trimmed text, borrowed from s), or ICP_T_MISSING when s is only
 * spaces. */
enum icp_type icp_type_infer(const char *s, size_t n, struct icp_value *v);

/* Counts of what the non-empty cells of one column inferred. */
struct icp_type_counts {
  long cells;      /* non-empty cells */
  long num, bool_, date, list;
};

#define ICP_TYPE_SHARE 0.98  /* share of the cells that types a column */

/* The type of a whole undeclared column: a list, a number, a bool or a
 * date when at least ICP_TYPE_SHARE of its cells are one (in that order),
 * else a string. A column without cells is ICP_T_MISSING. The cells that
 * do not fit the type are the caller's to report and leave missing. */
enum icp_type icp_type_column(const struct icp_type_counts *c);

/* A typed value read as a number: a number, or a string that infers as
 * one. 0 when missing or not a number. */
int icp_value_number(const struct icp_value *v, double *x);

/* A typed value read as a day: a date, or a string that starts with a
 * YYYY-MM-DD date (the date part of "2017-03-01T10:00:00Z"). 0 when
 * missing or not a date. */
int icp_value_day(const struct icp_value *v, int32_t *day);

#endif
