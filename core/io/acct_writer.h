/*
 * acct_writer.h -- writing accounts with every field and its source, as
 * `icp enrich` does (DESIGN §6): JSONL (one object per account, then
 * "_sources": {field: source}) or CSV (a column per field of the schema,
 * then a "_sources" column "field=source;...").
 *
 * The CSV header is the schema's fields when the first batch is written:
 * fields interned later (by a later input) are not written to CSV.
 */
#ifndef ICP_ACCT_WRITER_H
#define ICP_ACCT_WRITER_H

#include <stddef.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "data/schema.h"
#include "io/out.h"

struct icp_acct_writer {
  struct icp_out out;
  struct icp_buf line;
  struct icp_schema *schema; /* borrowed */
  int *cols;                 /* CSV: field ids of the header */
  int ncols;
  int no_source;             /* a field written without its source (the
                                enrich_errors list), or -1 */
  long dropped;              /* records too large to write */
  void (*warn)(void *ud, const char *msg); /* "FILE:LINE: record too
                                large to write" (NULL: not reported) */
  void *warn_ud;
};

/* Opens path ("-" or NULL: stdout) in fmt (ICP_FMT_UNKNOWN: by its
 * extension, else JSONL) for accounts of schema, which is borrowed and
 * must outlive the writer. On failure err says why and nothing needs
 * closing but icp_acct_writer_close (which is then harmless). */
enum icp_status icp_acct_writer_open(struct icp_acct_writer *w,
                                     const char *path, enum icp_format fmt,
                                     struct icp_schema *schema,
                                     struct icp_err *err);

/* Writes accts[0..n) in order. A record too large to write (64 MiB of
 * output) is left out, counted in w->dropped and passed to w->warn; the
 * others are written. Another status means the output failed. */
enum icp_status icp_acct_writer_write(struct icp_acct_writer *w,
                                      struct icp_account *const *accts,
                                      size_t n, struct icp_err *err);

/* Flushes and closes the output (reporting a write error that would be
 * lost otherwise) and frees the writer's memory. */
enum icp_status icp_acct_writer_close(struct icp_acct_writer *w,
                                      struct icp_err *err);

#endif
