/*
 * icp.h -- the public contract of libicp, the ICP scoring engine.
 *
 * What an embedder needs: the status and error conventions, the value
 * types, and the embedding API at the end (icp_engine_*). libicp.so exports
 * only that API; everything else is internal to the engine. Nothing here
 * keeps global mutable state, so two engines or two threads never
 * interfere.
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

/* ---- opaque objects ---------------------------------------------------- */

struct icp_schema;   /* field names, their ids and declared types */
struct icp_account;  /* one record: typed values by field id, its source */
struct icp_pack;     /* a loaded rule pack */
struct icp_result;   /* the score of one account under one pack */
struct icp_reader;   /* a streaming CSV or JSONL reader */

/* ---- embedding: score accounts from C ------------------------------------
 *
 * The whole API a C program needs (`pkg-config --cflags --libs icp`):
 *
 *   struct icp_err err;
 *   struct icp_engine *e = icp_engine_open("rules/b2b_saas.lua", NULL, &err);
 *   icp_engine_set(e, "domain", "acme.io", &err);
 *   icp_engine_set(e, "employees", "250", &err);
 *   if(icp_engine_score(e, 0, &err) == ICP_OK)
 *     printf("%s %g\n", icp_engine_tier(e), icp_engine_composite(e));
 *   icp_engine_close(e);
 *
 * An engine is one loaded pack with one account and one result; it is not
 * shared between threads (open one per thread: packs are independent).
 * Strings returned by icp_engine_* are borrowed from the engine and stay
 * valid until its next icp_engine_reset, icp_engine_score or
 * icp_engine_close; copy what you keep. */

struct icp_engine;

/* Loads the rule pack at pack_path. as_of is the run's date ("YYYY-MM-DD",
 * for within_days and decay), or NULL for today. Returns an engine the
 * caller owns and frees with icp_engine_close, or NULL with the problems
 * in err (each "file:line: message", one per line, truncated to fit). */
struct icp_engine *icp_engine_open(const char *pack_path, const char *as_of,
                                   struct icp_err *err);

/* Frees e and everything it returned; NULL is a no-op. */
void icp_engine_close(struct icp_engine *e);

/* The pack's name and version (borrowed, live as long as e). */
const char *icp_engine_pack_name(const struct icp_engine *e);
const char *icp_engine_pack_version(const struct icp_engine *e);

/* Forgets every field set: the start of the next account. */
void icp_engine_reset(struct icp_engine *e);

/* Sets field to value, typed exactly as an input cell of that column
 * (canonical fields and fields the pack declares take their type, others
 * are inferred; lists are ';'-separated; the domain is normalised). value
 * is copied. An empty value leaves the field missing. ICP_EINVAL when the
 * value does not fit the field's type: the field stays missing and err
 * says why (the account can still be scored, as a file row would be). */
enum icp_status icp_engine_set(struct icp_engine *e, const char *field,
                               const char *value, struct icp_err *err);

/* Scores the account set since the last reset. With explain set, the JSON
 * of icp_engine_json also holds every rule's outcome and the values it
 * read. Bad data never fails a score: errors of function rules are kept
 * in the JSON; a status other than ICP_OK means out of memory. */
enum icp_status icp_engine_score(struct icp_engine *e, int explain,
                                 struct icp_err *err);

/* The last score: composite in [0, 100] and coverage in [0, 1] as written
 * (6 decimals; the tier is decided on these values), tier name ("A",
 * "excluded", "insufficient_data", "unranked"), route (NULL when none). */
double icp_engine_composite(const struct icp_engine *e);
double icp_engine_coverage(const struct icp_engine *e);
const char *icp_engine_tier(const struct icp_engine *e);
const char *icp_engine_route(const struct icp_engine *e);

/* Dimensions of the pack, in output order, and the last score of each. */
int icp_engine_ndims(const struct icp_engine *e);
const char *icp_engine_dim_name(const struct icp_engine *e, int i);
double icp_engine_dim_score(const struct icp_engine *e, int i);

/* The last score as the JSON object `icp score` writes for a JSONL line
 * (without the newline; `source` is "embed"), NUL-terminated; *len (may
 * be NULL) gets its length. */
const char *icp_engine_json(const struct icp_engine *e, size_t *len);

#endif
