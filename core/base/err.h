/*
 * err.h -- filling a caller-owned struct icp_err (internal: the embedding
 * API of icp.h only reads the message).
 */
#ifndef ICP_ERR_H
#define ICP_ERR_H

#include "icp.h"

/* Formats into err (which may be NULL) and returns status. */
enum icp_status icp_err_set(struct icp_err *err, enum icp_status status,
                            const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

#endif
