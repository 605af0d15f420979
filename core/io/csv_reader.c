/*
 * csv_reader.c -- RFC 4180 records from the shared input buffer.
 *
 * The scanner is a resumable state machine over r->buf: fields are kept as
 * offsets from the start of the record, so that when a record straddles
 * the end of the data read so far, the buffer can be compacted, refilled
 * and the scan resumed where it stopped. Unquoted fields are used in place;
 * quoted fields with doubled quotes are unescaped in place once the record
 * is complete. Nothing is allocated per record.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "data/columns.h"
#include "data/typing.h"
#include "io/reader_impl.h"

enum { S_START, S_UNQ, S_Q, S_QQ, S_CR };

struct csv_state {
  int ncols;           /* header columns */
  struct icp_colmap map; /* field id (and scale) of each column */
  int scaled;          /* some column has a scale other than 1 */
  uint32_t *off;       /* field starts, from the record start */
  uint32_t *len;       /* field lengths (raw) */
  unsigned char *esc;  /* field holds doubled quotes */
  long maxf;           /* fields stored (more are only counted) */
  unsigned char *skip; /* per column: no rule of the run reads it */
  int skip_known;      /* skip filled in (at the first record, once the
                          packs of the run have said what they read) */

  /* the record being scanned */
  size_t i;            /* scan offset from r->beg */
  int st;
  uint32_t fstart, qend;
  unsigned char fesc;
  long nf;             /* fields seen */
  long nl;             /* newlines seen */
  const char *bad;     /* first problem, or NULL */
  int skipping;        /* over the cap: bytes are dropped once scanned */
  int keep_blank;      /* cutting chunks: blank lines are records too */
};

/* bytes that stop the fast loops */
static const unsigned char unq_stop[256] = { [0] = 1, [','] = 1,
                                             ['\n'] = 1 };
static const unsigned char q_stop[256] = { [0] = 1, ['"'] = 1,
                                           ['\n'] = 1 };

/* ---- scanning ---------------------------------------------------------- */

/* The first byte in [p, e) that is c1, '\n' or NUL (stop says which
 * bytes those are, for the tail). */
static inline const char *skip(const char *p, const char *e,
                               const unsigned char *stop, char c1)
{
  p = icp_bytes_skip(p, e, c1, '\n', 0, 0);
  while(p < e && !stop[(unsigned char)*p])
    p++;
  return p;
}

static void emit(struct csv_state *cs, uint32_t off, uint32_t len,
                 unsigned char esc);

/* Unquoted fields sixteen bytes at a time (every comma in a block ends
 * one, without going back to the state machine): from *pp, the current
 * field started at cs->fstart. 1 when a comma was followed by a quote or
 * by the end of the data (*pp at the next field's start, state S_START),
 * else 0 with *pp at a newline or NUL, or fewer than sixteen bytes before
 * e, for the state machine. */
static inline int unq_blocks(struct csv_state *cs, const char *rec,
                             const char **pp, const char *e)
{
#ifdef __SSE2__
  const char *p = *pp;
  /* sixty-four bytes at a time: the commas before the first newline or
   * NUL end fields, up to one followed by a quote (or by the end of the
   * data), where the state machine takes over */
  while(e - p >= 64) {
    uint64_t comma, stop, quote, cm, cq, end;
    icp_bytes_mask64(p, ',', '\n', 0, '"', &comma, &stop, &quote);
    cm = stop ? comma & ((stop & (0 - stop)) - 1) : comma;
    end = e - p == 64 ? (uint64_t)1 << 63
                      : (uint64_t)(p[64] == '"') << 63;
    cq = cm & ((quote >> 1) | end);
    if(cq)
      cm &= ((cq & (0 - cq)) << 1) - 1;
    while(cm) {
      const char *q = p + __builtin_ctzll(cm);
      emit(cs, cs->fstart, (uint32_t)(q - rec) - cs->fstart, 0);
      cs->fstart = (uint32_t)(q + 1 - rec);
      cm &= cm - 1;
    }
    if(cq) {
      *pp = p + __builtin_ctzll(cq) + 1;
      return 1;
    }
    if(stop) {
      *pp = p + __builtin_ctzll(stop);
      return 0;
    }
    p += 64;
  }
  while(e - p >= 16) {
    unsigned m = icp_bytes_mask3(p, ',', '\n', 0);
    while(m) {
      const char *q = p + __builtin_ctz(m);
      if(*q != ',') {
        *pp = q;
        return 0;
      }
      emit(cs, cs->fstart, (uint32_t)(q - rec) - cs->fstart, 0);
      cs->fstart = (uint32_t)(q + 1 - rec);
      if(q + 1 == e || q[1] == '"') {
        *pp = q + 1;
        return 1;
      }
      m &= m - 1;
    }
    p += 16;
  }
  *pp = p;
#else
  (void)cs; (void)rec; (void)pp; (void)e;
#endif
  return 0;
}

static void reset(struct csv_state *cs)
{
  cs->i = 0;
  cs->st = S_START;
  cs->fstart = cs->qend = 0;
  cs->fesc = 0;
  cs->nf = 0;
  cs->nl = 0;
  cs->bad = NULL;
  cs->skipping = 0;
}

static void mark_bad(struct csv_state *cs, const char *why)
{
  if(!cs->bad)
    cs->bad = why;
}

static void emit(struct csv_state *cs, uint32_t off, uint32_t len,
                 unsigned char esc)
{
  if(cs->nf < cs->maxf) {
    cs->off[cs->nf] = off;
    cs->len[cs->nf] = len;
    cs->esc[cs->nf] = esc;
  }
  cs->nf++;
}

/* Scans from cs->i; 1 when the record ended with a newline (cs->i is past
 * it), 0 when the data ran out first (state saved). */
static int scan(struct icp_reader *r, struct csv_state *cs)
{
  const char *rec = r->buf + r->beg;
  const char *p = rec + cs->i, *e = r->buf + r->end;
  int st = cs->st;
  char c;

  while(p < e) {
    switch(st) {
    case S_START:
      if(*p == '"') {
        cs->fstart = (uint32_t)(p + 1 - rec);
        cs->fesc = 0;
        st = S_Q;
        p++;
        continue;
      }
      cs->fstart = (uint32_t)(p - rec);
      st = S_UNQ;
      /* fall through */
    case S_UNQ:
      if(unq_blocks(cs, rec, &p, e)) {
        st = S_START;
        continue;
      }
      p = skip(p, e, unq_stop, ',');
      if(p == e)
        goto out;
      c = *p;
      if(c == ',') {
        emit(cs, cs->fstart, (uint32_t)(p - rec) - cs->fstart, 0);
        st = S_START;
        p++;
        continue;
      }
      if(c == '\n') {
        if(!cs->skipping) {
          uint32_t n = (uint32_t)(p - rec) - cs->fstart;
          if(n && p[-1] == '\r')
            n--;
          emit(cs, cs->fstart, n, 0);
        }
        p++;
        cs->nl++;
        goto done;
      }
      mark_bad(cs, "NUL byte");
      p++;
      continue;
    case S_Q:
      p = skip(p, e, q_stop, '"');
      if(p == e)
        goto out;
      c = *p++;
      if(c == '"')
        st = S_QQ;
      else if(c == '\n')
        cs->nl++;
      else
        mark_bad(cs, "NUL byte");
      continue;
    case S_QQ:
      c = *p;
      if(c == '"') {
        cs->fesc = 1;
        st = S_Q;
        p++;
        continue;
      }
      cs->qend = (uint32_t)(p - 1 - rec);
      if(c == ',') {
        emit(cs, cs->fstart, cs->qend - cs->fstart, cs->fesc);
        st = S_START;
        p++;
        continue;
      }
      if(c == '\n') {
        emit(cs, cs->fstart, cs->qend - cs->fstart, cs->fesc);
        p++;
        cs->nl++;
        goto done;
      }
      if(c == '\r') {
        st = S_CR;
        p++;
        continue;
      }
      mark_bad(cs, "text after a closing quote");
      st = S_UNQ;
      continue;
    default: /* S_CR */
      if(*p == '\n') {
        emit(cs, cs->fstart, cs->qend - cs->fstart, cs->fesc);
        p++;
        cs->nl++;
        goto done;
      }
      mark_bad(cs, "text after a closing quote");
      st = S_UNQ;
      continue;
    }
  }
out:
  cs->st = st;
  cs->i = (size_t)(p - rec);
  return 0;
done:
  cs->st = S_START;
  cs->i = (size_t)(p - rec);
  return 1;
}

/* Ends the record at the end of the input. 0 when there is none. */
static int finish_at_eof(struct icp_reader *r, struct csv_state *cs)
{
  const char *rec = r->buf + r->beg;
  uint32_t n;
  if(!cs->i && !cs->skipping)
    return 0;
  switch(cs->st) {
  case S_START:
    emit(cs, (uint32_t)cs->i, 0, 0);
    break;
  case S_UNQ:
    if(!cs->skipping) {
      n = (uint32_t)cs->i - cs->fstart;
      if(n && rec[cs->i - 1] == '\r')
        n--;
      emit(cs, cs->fstart, n, 0);
    }
    break;
  case S_Q:
    mark_bad(cs, "unterminated quote");
    break;
  case S_QQ:
    emit(cs, cs->fstart, (uint32_t)cs->i - 1 - cs->fstart, cs->fesc);
    break;
  default:
    emit(cs, cs->fstart, cs->qend - cs->fstart, cs->fesc);
  }
  return 1;
}

/* Reads the next record into cs. ICP_OK with *line set (the record is at
 * r->buf + r->beg - cs->i, still in the buffer), ICP_EOF, or a fatal
 * status. Blank lines are skipped (unless cs->keep_blank), and so are the
 * records before the byte range; the first record past it is the end. */
static enum icp_status read_record(struct icp_reader *r,
                                   struct csv_state *cs, long *line,
                                   struct icp_err *err)
{
  for(;;) {
    enum icp_status st;
    int got, where;
    reset(cs);
    *line = r->line;
    where = icp_reader_where(r, r->pos0 + r->beg);
    for(;;) {
      got = scan(r, cs);
      if(got)
        break;
      if(!cs->skipping && cs->i > ICP_READER_RECORD_MAX) {
        mark_bad(cs, "record longer than 1 MiB");
        cs->skipping = 1;
      }
      if(cs->skipping) {
        r->beg += cs->i;
        cs->i = 0;
      }
      st = icp_reader_fill(r, err);
      if(st == ICP_EOF) {
        got = finish_at_eof(r, cs);
        break;
      }
      if(st)
        return st;
    }
    if(!got || where > 0)
      return ICP_EOF;
    r->beg += cs->i;
    r->line += cs->nl;
    if(where < 0)
      continue;
    if(!cs->skipping && cs->i > ICP_READER_RECORD_MAX + 1)
      mark_bad(cs, "record longer than 1 MiB");
    /* a blank line: nothing but an optional CR before the newline */
    if(!cs->bad && cs->nf == 1 && cs->off[0] == 0 && cs->len[0] == 0 &&
       !cs->keep_blank)
      continue;
    return ICP_OK;
  }
}

/* The text of field j, unescaped in place when needed. */
static const char *field(struct csv_state *cs, const char *rec, long j,
                         size_t *n)
{
  char *p = (char *)rec + cs->off[j];
  size_t len = cs->len[j], k, w;
  if(cs->esc[j]) {
    for(k = w = 0; k < len; k++, w++) {
      p[w] = p[k];
      if(p[k] == '"')
        k++; /* doubled */
    }
    len = w;
    cs->esc[j] = 0;
    cs->len[j] = (uint32_t)len;
  }
  *n = len;
  return p;
}

/* ---- header and records ------------------------------------------------ */

static void csv_free(struct icp_reader *r)
{
  struct csv_state *cs = r->csv;
  if(!cs)
    return;
  icp_colmap_free(&cs->map);
  free(cs->off);
  free(cs->len);
  free(cs->esc);
  free(cs->skip);
  free(cs);
  r->csv = NULL;
}

static enum icp_status csv_next(struct icp_reader *r, struct icp_account *a,
                                struct icp_err *err)
{
  struct csv_state *cs = r->csv;
  enum icp_status st;
  const char *rec;
  long line, j;

  st = read_record(r, cs, &line, err);
  if(st)
    return st;
  a->line = line;
  if(cs->bad)
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: %s", r->name, line,
                       cs->bad);
  if(cs->nf != cs->ncols)
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: %ld field%s, header has %d",
                       r->name, line, cs->nf, cs->nf == 1 ? "" : "s",
                       cs->ncols);
  rec = r->buf + r->beg - cs->i;
  if(!cs->skip_known) {
    cs->skip = calloc((size_t)cs->ncols + 1, 1);
    for(j = 0; cs->skip && j < cs->ncols; j++)
      cs->skip[j] = !icp_schema_needed(r->schema, cs->map.ids[j]);
    cs->skip_known = 1;
  }
  for(j = 0; j < cs->nf; j++) {
    struct icp_err cell;
    size_t n;
    const char *p;
    if(cs->skip && cs->skip[j])
      continue; /* no rule of the run reads this column */
    p = field(cs, rec, j, &n);
    if(!n)
      continue;
    st = icp_account_set_text(a, cs->map.ids[j], p, n, r->source, &cell);
    if(st == ICP_EINVAL)
      icp_reader_cell(r, line, cs->map.ids[j], cell.msg);
    else if(!st && a->utf8_fixed)
      icp_reader_utf8(r, a, line, cs->map.ids[j]);
    else if(!st && cs->scaled && cs->map.scale[j] != 1)
      st = icp_reader_scale(a, cs->map.ids[j], cs->map.scale[j],
                            r->source);
    if(st && st != ICP_EINVAL)
      return icp_err_set(err, ICP_ESKIP, "%s:%ld: column '%s': %s",
                         r->name, line, icp_schema_name(r->schema,
                                                        cs->map.ids[j]),
                         st == ICP_ENOMEM ? "out of memory" :
                         "record too large");
  }
  return ICP_OK;
}

static enum icp_status read_header(struct icp_reader *r,
                                   struct csv_state *cs,
                                   struct icp_err *err)
{
  enum icp_status st = ICP_OK;
  const char *rec;
  const char **names = NULL;
  size_t *lens = NULL;
  struct icp_buf notes;
  long line, j;

  /* a UTF-8 byte order mark */
  while(r->end - r->beg < 3 && st == ICP_OK)
    st = icp_reader_fill(r, err);
  if(st != ICP_OK && st != ICP_EOF)
    return st;
  if(r->end - r->beg >= 3 && !memcmp(r->buf + r->beg, "\xef\xbb\xbf", 3))
    r->beg += 3;

  st = read_record(r, cs, &line, err);
  if(st == ICP_EOF)
    return icp_err_set(err, ICP_EINVAL, "%s:1: empty input, a header row "
                       "is required", r->name);
  if(st)
    return st;
  if(cs->bad)
    return icp_err_set(err, ICP_EINVAL, "%s:%ld: header: %s", r->name, line,
                       cs->bad);
  if(cs->nf > ICP_CSV_COLS_MAX)
    return icp_err_set(err, ICP_ELIMIT, "%s:%ld: %ld columns, the limit is "
                       "%d", r->name, line, cs->nf, ICP_CSV_COLS_MAX);
  cs->ncols = (int)cs->nf;
  cs->maxf = cs->nf;
  names = malloc(((size_t)cs->ncols + 1) * sizeof(*names));
  lens = malloc(((size_t)cs->ncols + 1) * sizeof(*lens));
  if(!names || !lens) {
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
    goto out;
  }
  rec = r->buf + r->beg - cs->i;
  for(j = 0; j < cs->nf; j++) {
    size_t n;
    const char *p = field(cs, rec, j, &n);
    while(n && (*p == ' ' || *p == '\t')) {
      p++;
      n--;
    }
    while(n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
      n--;
    if(!n) {
      st = icp_err_set(err, ICP_EINVAL, "%s:%ld: column %ld has an "
                       "empty name", r->name, line, j + 1);
      goto out;
    }
    names[j] = p;
    lens[j] = n;
  }
  icp_buf_init(&notes, 1 << 16);
  st = icp_colmap_build(&cs->map, r->schema, r->name, names, lens,
                        cs->ncols, &notes, err);
  if(!st && icp_columns_unmatched(icp_schema_columns(r->schema), r->name,
                                  names, lens, (int)cs->ncols, &notes,
                                  &r->unmatched))
    st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  if(!st) {
    char *p = notes.p, *e;
    icp_schema_keep_done(r->schema);
    r->has_key = cs->map.key >= 0;
    for(j = 0; j < cs->ncols && cs->map.scale[j] == 1; j++)
      ;
    cs->scaled = j < cs->ncols;
    while(p && (e = strchr(p, '\n'))) {
      *e = 0;
      icp_reader_note(r, p);
      p = e + 1;
    }
    for(j = 0; !st && icp_schema_keep_missing(r->schema, (int)j); j++) {
      const char *k = icp_schema_keep_missing(r->schema, (int)j);
      char m[ICP_ERR_MAX + 64], hint[128];
      if(icp_columns_hint(k, names, lens, cs->ncols, hint, sizeof(hint))) {
        st = icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
        break;
      }
      snprintf(m, sizeof(m), "%s:1: --keep '%s': no such column%s%s%s",
               r->name, k, *hint ? " (did you mean '" : "", hint,
               *hint ? "'?)" : "");
      icp_reader_note(r, m);
    }
  }
  icp_buf_free(&notes);
out:
  free(names);
  free(lens);
  return st;
}

static int csv_has_column(const struct icp_reader *r, int id)
{
  int j;
  for(j = 0; j < r->csv->ncols; j++)
    if(r->csv->map.ids[j] == id)
      return 1;
  return 0;
}

/* The end of the record that starts at s (past its newline) when it ends
 * before e, else NULL; *nl gets its newlines. The state machine's record
 * boundaries without its fields: a quote opens a quoted field only at a
 * field start (the record start or after a comma), a doubled quote stays
 * inside, and any other quote is text. */
static const char *record_end(const char *s, const char *e, long *nl)
{
  const char *p = s;
  long n = 0;
  for(;;) {
    const char *end = memchr(p, '\n', (size_t)(e - p)), *q;
    if(!end)
      return NULL;
    q = memchr(p, '"', (size_t)(end - p));
    if(!q) {
      *nl = n + 1;
      return end + 1;
    }
    p = q + 1;
    if(q != s && q[-1] != ',')
      continue; /* a quote inside an unquoted field is text */
    for(;;) {     /* a quoted field: to its closing quote */
      q = memchr(p, '"', (size_t)(e - p));
      if(!q || q + 1 >= e)
        return NULL; /* not closed in the data read so far */
      while((p = memchr(p, '\n', (size_t)(q - p)))) {
        n++;
        p++;
      }
      p = q + 1;
      if(*p != '"')
        break;
      p++;        /* a doubled quote */
    }
  }
}

/* The same boundaries for a block of records at a time: the end of the
 * first record of [s, e) that ends at or past s + want (else of the last
 * that ends before e; NULL when none does), *nl the newlines up to it.
 * Between quotes every newline ends a record, so the quote-free spans are
 * counted sixteen bytes at a time, not record by record. */
static const char *block_end(const char *s, const char *e, size_t want,
                             long *nl)
{
  const char *p = s, *last = NULL;
  const char *goal = want < (size_t)(e - s) ? s + want : e;
  long n = 0;
  for(;;) {
    const char *q = memchr(p, '"', (size_t)(e - p)), *stop = q ? q : e;
    if(goal <= stop && goal > s) { /* the goal's record ends in here? */
      const char *from = goal - 1 > p ? goal - 1 : p;
      const char *x = memchr(from, '\n', (size_t)(stop - from));
      if(x) {
        *nl = n + icp_bytes_count(p, from, '\n') + 1;
        return x + 1;
      }
    }
    n += icp_bytes_count(p, stop, '\n');
    while(stop > p && stop[-1] != '\n')
      stop--;
    if(stop > p) { /* the last record end of the span */
      last = stop;
      *nl = n;
    }
    if(!q)
      return last;
    p = q + 1;
    if(q != s && q[-1] != ',' && q[-1] != '\n')
      continue; /* a quote inside an unquoted field is text */
    for(;;) {     /* a quoted field: to its closing quote */
      q = memchr(p, '"', (size_t)(e - p));
      if(!q || q + 1 >= e)
        return last; /* not closed in the data read so far */
      n += icp_bytes_count(p, q, '\n');
      p = q + 1;
      if(*p != '"')
        break;
      p++;        /* a doubled quote */
    }
  }
}

/* icp_reader_cut: the last record end of [s, e). */
static const char *csv_cut(const char *s, const char *e, long *nl)
{
  return block_end(s, e, (size_t)(e - s), nl);
}

/* Whole records, raw, into c (see icp_reader_chunk). Records that end in
 * the data read so far are found by block_end (by record_end when a byte
 * range asks where each record starts); one that straddles its end goes
 * through the state machine, which refills the buffer exactly as the
 * sequential reader does (same "too long" records). */
static enum icp_status csv_chunk(struct icp_reader *r, struct icp_chunk *c,
                                 size_t want, struct icp_err *err)
{
  struct csv_state *cs = r->csv;
  cs->keep_blank = 1;
  while(c->data.len < want) {
    long line, nl;
    enum icp_status st;
    const char *s = r->buf + r->beg, *end;
    if(!r->range_beg && r->range_end == UINT64_MAX &&
       (end = block_end(s, r->buf + r->end, want - c->data.len, &nl))) {
      if(!c->data.len)
        c->line = r->line;
      if(icp_buf_add(&c->data, s, (size_t)(end - s)))
        return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
      r->line += nl;
      r->beg += (size_t)(end - s);
      continue;
    }
    while(c->data.len < want &&
          (end = record_end(s, r->buf + r->end, &nl))) {
      int where = icp_reader_where(r, r->pos0 + r->beg);
      if(where > 0)
        return ICP_EOF;
      if(!where) {
        if(!c->data.len)
          c->line = r->line;
        if(icp_buf_add(&c->data, s, (size_t)(end - s)))
          return icp_err_set(err, ICP_ENOMEM, "%s: out of memory",
                             r->name);
      }
      r->line += nl;
      r->beg += (size_t)(end - s);
      s = end;
    }
    if(c->data.len >= want)
      break;
    st = read_record(r, cs, &line, err);
    if(st)
      return st;
    if(!c->data.len)
      c->line = line;
    if(cs->skipping) { /* its bytes are gone: the message stands in */
      c->bad_line = line;
      snprintf(c->bad, sizeof(c->bad), "%s:%ld: %s", r->name, line,
               cs->bad);
      return ICP_OK;
    }
    if(icp_buf_add(&c->data, r->buf + r->beg - cs->i, cs->i))
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  }
  return ICP_OK;
}

/* Room for fields; the header sets the count, a sub-reader copies it. */
static enum icp_status csv_setup(struct icp_reader *r, size_t n,
                                 struct icp_err *err)
{
  struct csv_state *cs = calloc(1, sizeof(*cs));
  if(!cs)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  r->csv = cs;
  r->free_impl = csv_free;
  r->next = csv_next;
  r->chunk = csv_chunk;
  r->cut = csv_cut;
  r->open_sub = icp_csv_open_sub;
  r->has_column = csv_has_column;
  cs->off = malloc(n * sizeof(*cs->off));
  cs->len = malloc(n * sizeof(*cs->len));
  cs->esc = malloc(n);
  if(!cs->off || !cs->len || !cs->esc)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  cs->maxf = (long)n;
  return ICP_OK;
}

enum icp_status icp_csv_open(struct icp_reader *r, struct icp_err *err)
{
  enum icp_status st = csv_setup(r, ICP_CSV_COLS_MAX + 1, err);
  return st ? st : read_header(r, r->csv, err);
}

enum icp_status icp_csv_open_sub(struct icp_reader *sub,
                                 const struct icp_reader *master,
                                 struct icp_err *err)
{
  const struct csv_state *m = master->csv;
  enum icp_status st = csv_setup(sub, (size_t)m->maxf, err);
  struct csv_state *cs = sub->csv;
  if(st)
    return st;
  cs->map.ids = malloc(((size_t)m->ncols + 1) * sizeof(*cs->map.ids));
  cs->map.scale = malloc(((size_t)m->ncols + 1) * sizeof(*cs->map.scale));
  if(!cs->map.ids || !cs->map.scale)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", sub->name);
  memcpy(cs->map.ids, m->map.ids, (size_t)m->ncols * sizeof(*cs->map.ids));
  memcpy(cs->map.scale, m->map.scale,
         (size_t)m->ncols * sizeof(*cs->map.scale));
  cs->map.key = m->map.key;
  cs->scaled = m->scaled;
  cs->ncols = m->ncols;
  sub->has_key = master->has_key;
  return ICP_OK;
}
