/*
 * reader_impl.h -- private: the reader object shared by reader.c and the
 * format modules (csv_reader.c, jsonl_reader.c). Not part of the API.
 */
#ifndef ICP_READER_IMPL_H
#define ICP_READER_IMPL_H

#include <stdio.h>

#include "icp.h"
#include "data/account.h"
#include "io/reader.h"

/* Input buffer: one capped record plus room for a large read. */
#define ICP_READER_BUF (2u * ICP_READER_RECORD_MAX)
/* The first read of an input (icp_reader_fill). */
#define ICP_READER_FIRST (64u << 10)

struct csv_state;
struct jsonl_state;

struct icp_reader {
  FILE *fp;
  int own_fp;                    /* fclose on close */
  char *name;                    /* owned */
  struct icp_schema *schema;     /* borrowed */
  void (*warn)(void *ud, const char *msg);
  void *warn_ud;
  void (*note)(void *ud, const char *msg);
  void *note_ud;
  struct cellstat *cells;        /* per field id: UTF-8 told, lazily */
  int has_key;                   /* a domain column, or a record had one */
  int unmatched;                 /* --columns mappings no header matched */
  int (*has_column)(const struct icp_reader *r, int id);
  int source;                    /* source id of the values ("input") */

  char *buf;                     /* ICP_READER_BUF + 1 bytes (a loaded
                                    chunk's, borrowed, in a sub-reader) */
  int own_buf;
  size_t beg;                    /* start of unconsumed data */
  size_t end;                    /* end of data read */
  int eof;                       /* fread hit the end of the input */
  long line;                     /* physical line number at beg */
  uint64_t pos0;                 /* offset in the input of buf[0] */
  uint64_t range_beg, range_end; /* icp_reader_set_range */

  enum icp_status (*next)(struct icp_reader *r, struct icp_account *a,
                          struct icp_err *err);
  void (*free_impl)(struct icp_reader *r);
  enum icp_status (*chunk)(struct icp_reader *r, struct icp_chunk *c,
                           size_t want, struct icp_err *err);
  const char *(*cut)(const char *s, const char *e, long *nl);
  enum icp_status (*open_sub)(struct icp_reader *sub,
                              const struct icp_reader *master,
                              struct icp_err *err);
  struct csv_state *csv;
  struct jsonl_state *jsonl;
};

/* Moves [beg, end) to the front and reads more. ICP_OK when bytes were
 * added, ICP_EOF at end of input, ICP_EIO on a read error. */
enum icp_status icp_reader_fill(struct icp_reader *r, struct icp_err *err);

/* Where a record starting at offset pos of the input falls against the
 * byte range: -1 before it (skip), 0 inside, 1 past it (stop). */
static inline int icp_reader_where(const struct icp_reader *r, uint64_t pos)
{
  return pos < r->range_beg ? -1 : pos >= r->range_end;
}

/* Passes "FILE:LINE: msg" to the warning callback, if any. */
void icp_reader_warn(struct icp_reader *r, long line, const char *msg);
/* A cell of field id that did not fit (msg from icp_account_set_text):
 * warned ("FILE:LINE: column 'x': ..."; the run sums them per column). */
void icp_reader_cell(struct icp_reader *r, long line, int id,
                     const char *msg);
/* After icp_account_set_text: reports the first cell of each column
 * whose invalid UTF-8 was replaced, and clears the account's flag. */
/* --columns: revenue_usd = { from = "revenue ($M)", scale = 1e6 }: the
 * number just read into field id times k (text and non-finite products
 * stay as they are). One implementation for the CSV and JSONL readers. */
enum icp_status icp_reader_scale(struct icp_account *a, int id, double k,
                                 int source);

void icp_reader_utf8(struct icp_reader *r, struct icp_account *a, long line,
                     int id);
/* Passes a whole line to the note callback (default: stderr). */
void icp_reader_note(struct icp_reader *r, const char *msg);

/* Format modules: set up r (reading the CSV header). */
enum icp_status icp_csv_open(struct icp_reader *r, struct icp_err *err);
enum icp_status icp_jsonl_open(struct icp_reader *r, struct icp_err *err);
/* Chunk sub-readers: copy what master knows (the CSV header). */
enum icp_status icp_csv_open_sub(struct icp_reader *sub,
                                 const struct icp_reader *master,
                                 struct icp_err *err);
enum icp_status icp_jsonl_open_sub(struct icp_reader *sub,
                                   const struct icp_reader *master,
                                   struct icp_err *err);

#endif
