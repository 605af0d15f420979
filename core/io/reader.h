/*
 * reader.h -- streaming readers of accounts: CSV (RFC 4180) and JSONL.
 *
 * A reader pulls one record at a time into a caller-owned account and
 * allocates nothing per record in the steady state (CSV). Memory is
 * bounded: a CSV record or a JSONL line is at most ICP_READER_RECORD_MAX
 * bytes, a CSV file at most ICP_CSV_COLS_MAX columns, a JSON line at most
 * ICP_JSON_DEPTH_MAX levels deep. A bad record is reported and skipped;
 * reading goes on (DESIGN §3, HARDENING 15-17 and 22).
 */
#ifndef ICP_READER_H
#define ICP_READER_H

#include <stdint.h>
#include <stdio.h>

#include "icp.h"
#include "base/buf.h"
#include "data/account.h"
#include "data/schema.h"

#define ICP_READER_RECORD_MAX (1u << 20)
#define ICP_CSV_COLS_MAX 4096
#define ICP_JSON_DEPTH_MAX 64

/* Opens path ("-" = stdin, named "<stdin>" in messages). format is "csv"
 * or "jsonl", or NULL to pick by extension (.csv; .jsonl, .ndjson, .json);
 * otherwise ICP_EINVAL "FILE: cannot tell the format, use --format
 * csv|jsonl". A CSV header is read here: an empty, duplicate or unreadable
 * header fails with "FILE:1: ...". The reader borrows schema, which must
 * outlive it (header names and keys are interned into it). On success *out
 * is owned by the caller (icp_reader_close); on failure *out is NULL. */
enum icp_status icp_reader_open(struct icp_reader **out, const char *path,
                                const char *format,
                                struct icp_schema *schema,
                                struct icp_err *err);

/* Same over an open stream, which stays the caller's (the reader never
 * closes it); name is copied and used in messages and as a->file. With a
 * NULL format the extension of name decides. */
enum icp_status icp_reader_open_stream(struct icp_reader **out, FILE *fp,
                                       const char *name, const char *format,
                                       struct icp_schema *schema,
                                       struct icp_err *err);

/* Clears a (which must belong to the reader's schema), then fills it with
 * the next record and sets a->file (the reader's name, valid until
 * icp_reader_close) and a->line (physical line where the record starts).
 * Returns ICP_OK, ICP_EOF, ICP_ESKIP (a bad record: err holds "FILE:LINE:
 * reason" and a->line its line; report it, count it and call again), or
 * ICP_EIO / ICP_ENOMEM (fatal: stop reading). */
enum icp_status icp_reader_next(struct icp_reader *r, struct icp_account *a,
                                struct icp_err *err);

/* Cell-level problems of kept records ("FILE:LINE: column 'x': 'abc' is
 * not a number") are passed to fn (default: dropped); the field is left
 * missing and the record is still returned with ICP_OK. msg is valid only
 * during the call. */
void icp_reader_set_warn(struct icp_reader *r,
                         void (*fn)(void *ud, const char *msg), void *ud);

/* Notes that are not problems of a cell ("FILE: columns mapped: ...",
 * two columns for one field, a --keep name no column matched) go to fn,
 * one whole line per call (default: stderr). */
void icp_reader_set_note(struct icp_reader *r,
                         void (*fn)(void *ud, const char *msg), void *ud);

/* 1 when the input has a column for the account key (CSV: after the
 * header mapping) or, for JSONL, when a record read so far had one. */
int icp_reader_has_key(const struct icp_reader *r);

/* How many --columns mappings named a column this input's header lacks
 * (each said as a note at the header). */
int icp_reader_unmatched(const struct icp_reader *r);

/* 1 when field id is a column of the input, 0 when not, -1 when the
 * format cannot tell before reading records (JSONL). */
int icp_reader_has_column(const struct icp_reader *r, int id);

/* The name used in messages (borrowed from the reader). */
const char *icp_reader_name(const struct icp_reader *r);

/* ---- JSON texts in memory (request bodies) ------------------------------
 * A text reader has no stream: icp_reader_read_text hands it whole
 * documents. name ("request") is used in messages and as a->file. */
enum icp_status icp_reader_open_text(struct icp_reader **out,
                                     const char *name,
                                     struct icp_schema *schema,
                                     struct icp_err *err);

/* Called once per account of a text, in document order, with a filled
 * (a->line 0 for a lone object, else its 1-based place in the array). A
 * status other than ICP_OK stops the reading and is returned. */
typedef enum icp_status (*icp_reader_item_fn)(void *ud,
                                              struct icp_account *a,
                                              struct icp_err *err);

/* Reads text[0..n) (text[n] must be NUL) as one JSON object or an array
 * of at most max_items objects, each read exactly as a JSONL line is (the
 * same checks, names and typing), into a, calling fn after each. Stricter
 * than a file: a value that does not fit its field is an error. Returns
 * ICP_OK; ICP_ESKIP when the text is bad (err says where and what:
 * "request: invalid JSON at line 1, column 9", "request:3: column
 * 'employees': 'lots' is not a number"); ICP_ELIMIT for more than
 * max_items accounts; ICP_ENOMEM; or the status of fn. One pass: fn
 * may have been called for the accounts before a failure (the caller
 * drops what it made of them); the failure named is the one a check of
 * the whole text first would name (bad JSON anywhere, then too many
 * accounts, then the account's own). */
enum icp_status icp_reader_read_text(struct icp_reader *r, const char *text,
                                     size_t n, size_t max_items,
                                     struct icp_account *a,
                                     icp_reader_item_fn fn, void *ud,
                                     int *is_array, struct icp_err *err);

/* ---- input splits and chunks (parallel and distributed runs) ---------- */

/* Keeps only the records that start at a byte offset of the input in
 * [beg, end) (end UINT64_MAX: to the end), like an input split of a
 * distributed engine; the CSV header is still read from offset 0 and line
 * numbers stay those of the whole input. The records before beg are
 * scanned (quoted newlines respected) but not converted; reading stops at
 * the first record at or past end. Call before the first record. */
void icp_reader_set_range(struct icp_reader *r, uint64_t beg, uint64_t end);

/* Whole raw records cut from a reader for a sub-reader to parse on
 * another thread. data holds the bytes of consecutive records (blank lines
 * kept, so line numbers follow) starting at physical line `line`; when a
 * record was too long to copy, bad_line > 0 and bad holds its message
 * ("FILE:LINE: ..."): it comes after the records of data. */
struct icp_chunk {
  struct icp_buf data;
  size_t start;        /* the records begin at data.p + start */
  long line;
  long bad_line;
  char bad[ICP_ERR_MAX];
};

/* Fills c (reset first) with the next records of r until data holds at
 * least want bytes, a record too long to copy was met, or the input ends.
 * ICP_OK when c holds something, ICP_EOF when the input is done, else a
 * fatal status (c may still hold the records before the failure: handle
 * them first). c->data must have been initialised with a cap of at least
 * want + 2 * ICP_READER_RECORD_MAX. */
enum icp_status icp_reader_chunk(struct icp_reader *r, struct icp_chunk *c,
                                 size_t want, struct icp_err *err);

/* Cutting from raw blocks. Instead of icp_reader_chunk (which copies
 * the input through the reader's buffer, one cutter at a time), a caller
 * may read the rest of a regular file itself, in blocks at offsets, on
 * several threads, and only find the record boundaries in order:
 *   icp_reader_raw says whether r can be cut so, and where: the file
 *   (fd), the offset of its first byte not read yet (off), its size then,
 *   and the bytes read but not yet cut (rest, nrest: whole records
 *   perhaps and the start of one) at physical line `line`;
 *   icp_reader_cut finds, in bytes [s, e) of the input where s starts a
 *   record, the end of the last whole record (NULL when none ends there)
 *   and *nl, the newlines up to it: the boundaries icp_reader_chunk
 *   would cut at;
 *   icp_reader_resume gives r back its input when the caller stops: the
 *   bytes p[0, n) (not cut yet, from line `line`), then the file from
 *   offset off. icp_reader_chunk goes on from there (a record longer
 *   than the caller's blocks, for instance). */
struct icp_raw {
  int fd;
  uint64_t off, size;
  const char *rest;
  size_t nrest;
  long line;
};
int icp_reader_raw(struct icp_reader *r, struct icp_raw *raw);
const char *icp_reader_cut(const struct icp_reader *r, const char *s,
                           const char *e, long *nl);
enum icp_status icp_reader_resume(struct icp_reader *r, const char *p,
                                  size_t n, uint64_t off, long line,
                                  struct icp_err *err);

/* A reader of chunks cut from master (same format, CSV header, schema and
 * name, copied: master may be closed first). Give it a chunk with
 * icp_reader_load, then call icp_reader_next until ICP_EOF. */
enum icp_status icp_reader_open_sub(struct icp_reader **out,
                                    const struct icp_reader *master,
                                    struct icp_err *err);
/* Points sub at the records of c, which must stay alive and unchanged by
 * others until the next load (the reader unescapes fields in place). */
void icp_reader_load(struct icp_reader *sub, struct icp_chunk *c);

/* Releases the reader and closes the file it opened (not a stream given
 * to icp_reader_open_stream, nor stdin). NULL is ignored. */
void icp_reader_close(struct icp_reader *r);

#endif
