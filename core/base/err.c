/* err.c -- caller-owned error detail. */
#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"

enum icp_status icp_err_set(struct icp_err *err, enum icp_status status,
                            const char *fmt, ...)
{
  if(err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
  }
  return status;
}
