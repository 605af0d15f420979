/*
 * icp.h -- the public contract of libicp, the ICP scoring engine.
 *
 * Everything an embedder needs: load a rule pack, read accounts, score them,
 * write results. Objects are created with icp_x_new/icp_x_open and released
 * with icp_x_free/icp_x_close; nothing here keeps global mutable state, so
 * two packs, two readers or two threads never interfere.
 *
 * Errors: functions return an enum icp_status and fill a caller-owned
 * struct icp_err whose message names the file and line (or the provider)
 * and never contains a secret.
 */
#ifndef ICP_ICP_H
#define ICP_ICP_H

#include <stddef.h>
#include <stdint.h>

#define ICP_VERSION "0.1.0"
#define ICP_ERR_MAX 256

enum icp_status {
  ICP_OK = 0,
  ICP_EOF,     /* no more records */
  ICP_ESKIP,   /* this record is bad: reported in err, skip it */
  ICP_EINVAL,  /* invalid argument or input */
  ICP_ENOMEM,  /* out of memory */
  ICP_EIO,     /* read or write failed */
  ICP_ELOAD,   /* a rule pack failed to load */
  ICP_ELIMIT   /* a size, depth, time or memory limit was hit */
};

/* Caller-owned error detail; msg is always NUL-terminated. */
struct icp_err {
  char msg[ICP_ERR_MAX];
};

/* Formats into err (which may be NULL) and returns status. */
enum icp_status icp_err_set(struct icp_err *err, enum icp_status status,
                            const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* ---- values ------------------------------------------------------------ */

enum icp_type {
  ICP_T_MISSING = 0,
  ICP_T_STRING,
  ICP_T_NUMBER,
  ICP_T_BOOL,
  ICP_T_LIST,   /* list of strings */
  ICP_T_DATE,   /* days since 1970-01-01 */
  ICP_T_ANY     /* schema only: inferred per value */
};

struct icp_str {
  const char *p;  /* not NUL-terminated in general */
  uint32_t n;
};

/* A typed value. Strings and lists are borrowed from the account that
 * holds the value and live until that account is cleared. */
struct icp_value {
  uint8_t type;   /* enum icp_type */
  uint32_t n;     /* string length or list count */
  union {
    double num;
    int b;
    int32_t day;
    const char *str;
    const struct icp_str *list;
  } u;
};

const char *icp_type_name(enum icp_type t);

/* ---- opaque objects ---------------------------------------------------- */

struct icp_schema;   /* field names, their ids and declared types */
struct icp_account;  /* one record: typed values by field id, its source */
struct icp_pack;     /* a loaded rule pack */
struct icp_result;   /* the score of one account under one pack */
struct icp_reader;   /* a streaming CSV or JSONL reader */
struct icp_writer;   /* a streaming CSV or JSONL writer of results */

#endif
