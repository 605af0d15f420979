/*
 * out.h -- where results go: a file (format by its extension) or stdout.
 *
 * Writes are buffered; icp_out_close flushes and reports a write error
 * (disk full, closed pipe) that would otherwise be lost. CSV cells are
 * quoted per RFC 4180 and text cells starting with = + - @ (or a tab or
 * carriage return) are prefixed with ' so a spreadsheet or CRM import
 * cannot run them as formulas (HARDENING §23).
 */
#ifndef ICP_OUT_H
#define ICP_OUT_H

#include <stdio.h>

#include "icp.h"
#include "base/buf.h"
#include "data/value.h"

enum icp_format { ICP_FMT_UNKNOWN = 0, ICP_FMT_CSV, ICP_FMT_JSONL };

struct icp_out {
  FILE *fp;
  int owned;             /* fp is ours to close */
  enum icp_format fmt;
  char *path;
};

/* The format named by s ("csv", "jsonl") or by a path's extension. */
enum icp_format icp_format_from_name(const char *s);
enum icp_format icp_format_from_path(const char *path);

/* Opens path ("-" or NULL for stdout). The format comes from fmt when not
 * ICP_FMT_UNKNOWN, else from the extension, else JSONL. */
enum icp_status icp_out_open(struct icp_out *o, const char *path,
                             enum icp_format fmt, struct icp_err *err);
enum icp_status icp_out_write(struct icp_out *o, const void *p, size_t n,
                              struct icp_err *err);
enum icp_status icp_out_close(struct icp_out *o, struct icp_err *err);

/* Whether s[0..n) must be quoted as a CSV cell: it holds a comma, a
 * quote or a line break, or (text) starts like a formula. */
int icp_csv_needs_quotes(const char *s, size_t n, int is_text);
/* Appends s[0..n) as one CSV cell (quoted when needed). Text cells are
 * neutralised against formulas; pass is_text = 0 for numbers we wrote. */
enum icp_status icp_csv_cell(struct icp_buf *b, const char *s, size_t n,
                             int is_text);
/* Makes what was appended to b since offset from one CSV cell, quoted
 * in place as icp_csv_cell would write it. */
enum icp_status icp_csv_cell_since(struct icp_buf *b, size_t from,
                                   int is_text);
/* The same written at o, without a check, into room made before (see
 * icp_put in base/buf.h): a cell of n bytes takes at most 2 n + 3. The
 * end. */
char *icp_put_csv_cell(char *o, const char *s, size_t n, int is_text);
/* The bytes from..o made one cell in place: room for as many bytes
 * again plus 3 past o. The end. */
char *icp_put_csv_since(char *from, char *o, int is_text);

/* Appends v as a JSON value: a number, true/false, a "YYYY-MM-DD" string,
 * an array of strings, a string, or null when missing. */
enum icp_status icp_json_value(struct icp_buf *b, const struct icp_value *v);

#endif
