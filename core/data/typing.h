/*
 * typing.h -- turning input text into typed values (DESIGN §3).
 *
 * A field with a schema type (canonical or declared) takes that type; an
 * undeclared one is inferred per value: a finite number, else a bool
 * (true/false/yes/no), else a YYYY-MM-DD date, else a string. Lists are
 * ';'-separated. The domain is normalized.
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

#endif
