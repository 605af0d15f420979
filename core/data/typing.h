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

#endif
