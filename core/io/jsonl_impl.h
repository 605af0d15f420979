/*
 * jsonl_impl.h -- private to the JSONL reader: the state its parts
 * share. jsonl_lines.c finds the lines; jsonl_reader.c reads a line in
 * one pass when it can (a line of the keys read before, in their order)
 * and else in two: jsonl_scan.c's first (the scanner: grammar, limits and
 * the keys of a line, no tree), then its own walk that stores the values
 * the run reads. jsonl_text.c reads a text in memory (request bodies)
 * with the two passes. Not part of the API.
 */
#ifndef ICP_JSONL_IMPL_H
#define ICP_JSONL_IMPL_H

#include <stdint.h>
#include <string.h>
#include "base/bytes.h"

#include "base/buf.h"

static const char oom[] = "out of memory";

/* A key of the text being read, in document order (first pass). */
struct jkey {
  const char *k;             /* the key, unescaped (line or keytxt) */
  const char *v, *ve;        /* its value's bytes */
  uint32_t kn;
  uint32_t obj;              /* the object it belongs to */
  uint32_t next;             /* the key after its value's own keys */
  uint32_t h;
  int vesc;                  /* a string value holds escapes */
  uint32_t sk;               /* top-level key found in the shape: its
                              * index + 1, else 0 */
  int id;                    /* top-level key: its field once walked, or
                              * -1 */
};

/* The shape: the top-level keys of the records read so far, in their
 * order, distinct. A record whose top-level keys are found in it in
 * increasing order (some may be missing) has distinct top-level keys
 * without hashing them or probing the duplicate table, and the walk
 * takes their fields from it. */
#define SHAPE_MAX 256        /* keys kept */
#define SHAPE_AHEAD 8        /* shape keys a record's key may skip */
struct shape_key {
  uint64_t head, tail;       /* its first and last 8 bytes (zero-padded) */
  uint32_t off, n;           /* the key in its shape's txt */
  uint32_t h;
  int id;                    /* its field, or -1 not yet known */
  int mapped;                /* fid and scale are known: */
  int fid;                   /* the field its values feed (--columns) */
  double scale;              /* and their --columns scale, 0 = none */
  int need;                  /* a rule reads that field: 2 yes, 1 no,
                              * 0 not yet asked (jsonl_reader.c) */
  int plain;                 /* no quote or backslash: its bytes in a
                              * line are the key, unescaped */
};

/* The first and last eight bytes of key k (n bytes), zero-padded: with
 * the length, all of a key up to 16 bytes. */
static inline uint64_t icp_jsonl_le32(const unsigned char *u)
{
  return u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
         (uint32_t)u[3] << 24;
}

static inline void icp_jsonl_key_ends(const char *k, size_t n,
                                      uint64_t *head, uint64_t *tail)
{
  const unsigned char *u = (const unsigned char *)k;
  *tail = 0;
  if(n >= 8) {
    memcpy(head, k, 8);
    memcpy(tail, k + n - 8, 8);
  }
  else if(n >= 4) /* two loads that overlap, not a call for n bytes; read
                   * little-endian, so that byte i is bits 8i on any
                   * machine and the overlap ORs equal bytes */
    *head = icp_jsonl_le32(u) | icp_jsonl_le32(u + n - 4) << (8 * (n - 4));
  else if(n) /* bytes 0, n / 2 and n - 1: all of them */
    *head = u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) |
            (uint64_t)u[n - 1] << (8 * (n - 1));
  else
    *head = 0;
}

/* Whether the sh->n bytes at k are shape key sh (its text in txt). */
static inline int icp_jsonl_shape_is(const struct shape_key *sh,
                                     const char *txt, const char *k)
{
  uint64_t head, tail;
  icp_jsonl_key_ends(k, sh->n, &head, &tail);
  return head == sh->head && tail == sh->tail &&
         (sh->n <= 16 || !memcmp(txt + sh->off + 8, k + 8, sh->n - 16));
}

struct shape {
  struct shape_key *k;       /* n keys, room for cap */
  size_t n, cap;
  char *txt;                 /* their text, len bytes, room for txtcap */
  size_t len, txtcap;
};

/* Slot of the duplicate-key table: keys[idx] when gen is current. */
struct kslot {
  unsigned gen;
  uint32_t idx;
};

/* The field a top-level key was interned as, by the key's hash: the
 * lines of a file mostly repeat their keys. */
#define KCACHE 256
struct kcache {
  char *name;                /* the dotted key, or NULL */
  size_t n;
  int id;
};

struct jsonl_state {
  int two_passes;            /* test hook: no one pass (jsonl_reader.c) */
  long one_pass;             /* lines the one pass read */
  struct icp_buf key;        /* dotted key being built */
  struct kcache kc[KCACHE];
  int *map;                  /* per key id: field id + 1, 0 = not yet */
  double *scale;             /* per key id: --columns scale, 0 = none */
  unsigned *stamp;           /* per field id: record that set it */
  unsigned gen;              /* current record */
  struct jkey *keys;         /* keys of the text (first pass) */
  size_t nkeys, capkeys;
  struct kslot *table;       /* their hash table, tsize a power of two */
  size_t tsize;
  unsigned tgen;
  struct shape shape;
  struct shape next;         /* the next shape, being merged */
  char *keytxt;              /* unescaped keys */
  size_t keylen, keycap;
  char *txt;                 /* an unescaped string value */
  size_t txtcap;
  struct icp_str *items;     /* list being built */
  size_t itemcap;
};

/* A first pass. */
struct scan {
  struct jsonl_state *js;
  const char *end;           /* the NUL after the text */
  const char *at;            /* where a syntax error is */
  const char *bad;           /* first problem of a key, or NULL */
  long bad_key;              /* the duplicate key, or -1 */
  int depth, nomem;
  int vesc;                  /* the last value scanned is a string
                              * holding escapes */
  uint32_t nobj;
  int nokeys;                /* a pass that notes no key (grammar only) */
  int shaped;                /* the top-level keys so far are in the
                              * shape, in order */
  int reshape;               /* a top-level key was not: merge them in */
  uint32_t shape_at;         /* shape index after the last one found */
  size_t items;              /* the members of a top-level array */
};

/* Bytes a string scan stops at: the quote, the backslash, NUL (the text
 * ends with one). */
static const unsigned char stop[256] = { [0] = 1, ['"'] = 1, ['\\'] = 1 };

/* The first quote, backslash or NUL at or after q (end: the text's NUL),
 * sixteen bytes at a time where SSE2 is (every x86-64), else eight. */
static inline const char *icp_jsonl_find_stop(const char *q, const char *end)
{
  const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
  q = icp_bytes_skip(q, end, '"', '\\', 0, 0);
#ifdef __SSE2__
  if(end - q >= 16)
    return q; /* a block held one: q is it */
#endif
  while(end - q >= 8) {
    uint64_t x, a, b;
    memcpy(&x, q, 8);
    a = x ^ (ones * '"');
    b = x ^ (ones * '\\');
    if(((x - ones) & ~x & high) | ((a - ones) & ~a & high) |
       ((b - ones) & ~b & high))
      break;
    q += 8;
  }
  while(!stop[(unsigned char)*q])
    q++;
  return q;
}

/* The closing quote of the string whose body starts at q (the text ends
 * at end, a NUL), *esc when it holds escapes; NULL when it does not end
 * before a NUL. */
static inline const char *icp_jsonl_string_close(const char *q,
                                                  const char *end, int *esc)
{
  *esc = 0;
  for(;;) {
    q = icp_jsonl_find_stop(q, end);
    if(q >= end || !*q)
      return NULL;
    if(*q == '"')
      return q;
    *esc = 1;
    if(q + 1 >= end)
      return NULL;
    q += 2;
  }
}
/* The first backslash of the string body [q, close) that does not start
 * a valid escape (or escapes U+0000), or NULL. */
const char *icp_jsonl_bad_escape(const char *q, const char *close);

/* The end of the string, number or literal at s (the text ends at end, a
 * NUL), *esc when it is a string holding escapes; NULL when it is not one
 * (an object, an array, a bad value), with where cJSON would name it in
 * *bad. The one reader of values both passes and the one pass use. */
const char *icp_jsonl_scalar(const char *s, const char *end, int *esc,
                             const char **bad);

/* The first pass over the text [p, p + n) (p[n] is NUL): 1 when it is
 * one JSON value (*top its first byte), else 0 with the reason in *why:
 * oom, a precheck reason, or NULL for a syntax error at sc->at. */
/* s past JSON white space (text ending at sc->end), or NULL at a NUL
 * before the end (sc->at). */
const char *icp_jsonl_ws(struct scan *sc, const char *s);
int icp_jsonl_scan_text(struct scan *sc, struct jsonl_state *js,
                        const char *p, size_t n, int keys, const char **top,
                        const char **why);
/* Starts a first pass over text that ends at end (a NUL): 0, or -1 when
 * out of memory; then icp_jsonl_scan_value scans one value at s: the byte
 * after it, or NULL (a syntax error at sc->at). */
int icp_jsonl_scan_begin(struct scan *sc, struct jsonl_state *js,
                         const char *p, const char *end);
const char *icp_jsonl_scan_value(struct scan *sc, const char *s);

/* The index of the shape key that is the key k (n bytes, no escapes), at
 * or after index from and at most SHAPE_AHEAD keys ahead; -1 when none. */
long icp_jsonl_shape_find(const struct jsonl_state *js, size_t from,
                          const char *k, size_t n);

/* After a record whose keys were fine (no duplicate, valid, few): merges
 * its top-level keys into the shape when some were not in it. */
void icp_jsonl_shape_update(struct jsonl_state *js, const struct scan *sc);

/* Reads the line [p, p + n) (p[n] may be written), record `line`, into
 * a: ICP_OK, ICP_ESKIP (a bad record, said in err) or a fatal status. */
enum icp_status icp_jsonl_read_line(struct icp_reader *r,
                                    struct icp_account *a, char *p, size_t n,
                                    long line, struct icp_err *err);

/* Test hook: every line of reader r (a JSONL reader) is read with the
 * two passes when on, as it is without a shape (the differential test
 * of the one pass). */
void icp_jsonl_two_passes(struct icp_reader *r, int on);

/* Reads the object whose first pass is sc (keys [0, nkeys) of the
 * reader's state) into a as record `line` (0: a lone object of a text,
 * named without a line). */
enum icp_status icp_jsonl_read_object(struct icp_reader *r,
                                      struct icp_account *a,
                                      const struct scan *sc, long line,
                                      struct icp_err *err);

/* Helpers of the walk over bytes the scanner accepted: */
/* the string [s, e) (no quotes) unescaped into out, its length; */
size_t icp_jsonl_unescape(const char *s, const char *e, char *out);
/* the length of the number at s, and its value (n bytes); */
size_t icp_jsonl_num_len(const char *s, const char *end);
double icp_jsonl_num_value(const char *s, size_t n);
/* the length of the literal (null, true, false) at s. */
size_t icp_jsonl_literal(const char *s, const char *end);

#endif
