/*
 * buf.h -- a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * A buf owns its memory; icp_buf_free releases it. Every append fails with
 * ICP_ELIMIT instead of growing past cap, and with ICP_ENOMEM when malloc
 * fails; the buffer is left as it was in both cases. The content is always
 * NUL-terminated (not counted in len).
 *
 * Errors are sticky, as in curl's dynbuf: once an append fails, every later
 * append returns the same status and adds nothing, and icp_buf_status
 * returns it. So a long build may ignore the status of each append as long
 * as it reads icp_buf_status before it uses the content: a page or a line
 * that lost a piece can never be handed on as complete. icp_buf_reset (start
 * over, empty) and icp_buf_free clear the error.
 */
#ifndef ICP_BUF_H
#define ICP_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "icp.h"
#include "base/err.h"  /* icp_err_set */

/* On a function whose result must be read (a status nobody else keeps). */
#define ICP_WUR __attribute__((warn_unused_result))

struct icp_buf {
  char *p;
  size_t len;
  size_t alloc;
  size_t cap;
  enum icp_status err; /* the first failed append's status, sticky */
};

void icp_buf_init(struct icp_buf *b, size_t cap);
void icp_buf_free(struct icp_buf *b);
void icp_buf_reset(struct icp_buf *b);
enum icp_status icp_buf_add_slow(struct icp_buf *b, const void *p,
                                 size_t n);
/* Room for n more bytes (and the NUL) past len, to be written in place:
 * ICP_OK, ICP_ELIMIT past the cap, ICP_ENOMEM (kept, as an append's). */
enum icp_status icp_buf_room(struct icp_buf *b, size_t n);

/* Fails the build as a failed append would (st is kept unless an error
 * already is): for a piece lost another way, such as an allocation of the
 * caller's that failed. */
static inline void icp_buf_fail(struct icp_buf *b, enum icp_status st)
{
  if(!b->err)
    b->err = st;
}

/* ICP_OK, or the status of the first append that failed since the last
 * init/reset: read it before the content is used. */
static inline ICP_WUR enum icp_status icp_buf_status(const struct icp_buf *b)
{
  return b->err;
}

/* The content of b for a message, or a note that it was lost: a partial
 * text is never shown as if it were whole. */
static inline const char *icp_buf_text(const struct icp_buf *b)
{
  if(b->err)
    return "(text lost: out of memory)";
  return b->p ? b->p : "";
}

/* Appends n bytes (the fast path is inline: most appends fit). */
static inline enum icp_status icp_buf_add(struct icp_buf *b, const void *p,
                                          size_t n)
{
  if(b->len + n < b->alloc && !b->err) {
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
    return ICP_OK;
  }
  return icp_buf_add_slow(b, p, n);
}

static inline enum icp_status icp_buf_addc(struct icp_buf *b, char c)
{
  if(b->len + 1 < b->alloc && !b->err) {
    b->p[b->len++] = c;
    b->p[b->len] = 0;
    return ICP_OK;
  }
  return icp_buf_add_slow(b, &c, 1);
}
enum icp_status icp_buf_adds(struct icp_buf *b, const char *s);
enum icp_status icp_buf_printf(struct icp_buf *b, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* JSON helpers: a quoted, escaped string (invalid UTF-8 bytes become
 * U+FFFD) and a finite number in its shortest round-trip form. */
enum icp_status icp_buf_json_str(struct icp_buf *b, const char *s, size_t n);
/* What icp_buf_json_str writes between the quotes. */
enum icp_status icp_buf_json_body(struct icp_buf *b, const char *s,
                                  size_t n);
enum icp_status icp_buf_json_num(struct icp_buf *b, double v);

/* A finite v rounded to at most 6 decimals, trailing zeros dropped: the
 * form of scores, points and coverage (stable across platforms). */
enum icp_status icp_buf_json_fixed(struct icp_buf *b, double v);

/* ---- writing into room made with icp_buf_room ------------------------
 * For a line of many small pieces (icp_emit_jsonl): the room for all of
 * them is made once, and these write at o without a check and return the
 * end; icp_buf_put_end makes the bytes up to there the content. */
static inline char *icp_put(char *o, const void *s, size_t n)
{
  memcpy(o, s, n);
  return o + n;
}

/* icp_buf_json_fixed's text: at most ICP_FIXED_MAX bytes. */
#define ICP_FIXED_MAX 32
char *icp_put_fixed(char *o, double v);

/* icp_buf_json_str's text: at most 6 * n + 2 bytes. */
char *icp_put_json_str(char *o, const char *s, size_t n);

static inline void icp_buf_put_end(struct icp_buf *b, char *o)
{
  b->len = (size_t)(o - b->p);
  b->p[b->len] = 0;
}

/* v as icp_buf_json_fixed writes it: rounded half away from zero to 6
 * decimals (values of 9e12 and more, and non-finite ones, unchanged).
 * Thresholds are compared with this value, so a tier always agrees with
 * the score a user reads (DESIGN section 4, point 5); writing the result
 * again gives the same text. */
double icp_round6(double v);

/* FNV-1a of a NUL-terminated string: the hash of the name tables. */
static inline uint64_t icp_hash_str(const char *s)
{
  uint64_t h = 14695981039346656037ULL;
  while(*s) {
    h ^= (unsigned char)*s++;
    h *= 1099511628211ULL;
  }
  return h;
}

/* A malloc'ed copy of s (NULL s copies as ""); NULL when out of memory.
 * The caller frees it. The one strdup of the tree. */
ICP_WUR char *icp_strdup(const char *s);

/* Makes room for at least need elements in the array arr (a pointer
 * variable) whose capacity in elements is cap (a size_t variable): the one
 * growth loop of the tree. The capacity doubles from 8 until need fits.
 * ICP_OK, or ICP_ENOMEM with arr and cap unchanged when realloc fails or
 * the size would overflow. Write `if(icp_grow(v, vcap, n + 1)) ...`. */
/* Asks for transparent huge pages for a large block about to be filled
 * (see buf.c); any block, any size: small ones are left alone. */
void icp_mem_huge(void *p, size_t n);

#define icp_grow(arr, cap, need) \
  icp_grow_((void *)&(arr), &(cap), (need), sizeof(*(arr)))
ICP_WUR enum icp_status icp_grow_(void *arrp, size_t *cap, size_t need,
                                  size_t elem);

/* Shortest "%.*g" text of a finite v that reads back as v. */
int icp_fmt_num(char *out, size_t cap, double v);

#endif
