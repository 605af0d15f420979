/*
 * fields_check.h -- fields a pack reads that nothing provides.
 *
 * A rule that reads field "employes" is `unknown` on every account: say
 * so. A field is provided when it is canonical, declared in fields { },
 * or (for a run) a column of the input.
 */
#ifndef ICP_FIELDS_CHECK_H
#define ICP_FIELDS_CHECK_H

#include "rules/pack.h"

/* Calls fn once per field that the pack's declarative rules, excludes,
 * bands or decays read and that is neither canonical nor declared nor
 * (when is_column is given and says so) a column of the input, with
 * "PACK:LINE: rule 'x' reads field 'employes', which is neither canonical
 * nor declared in fields { } (did you mean 'employees'?)". Returns how
 * many; -1 when out of memory, after one message through fn saying that
 * the check was not made. */
int icp_pack_check_fields(const struct icp_pack *p,
                          int (*is_column)(void *ud, int id), void *col_ud,
                          void (*fn)(void *ud, const char *msg), void *ud);

#endif
