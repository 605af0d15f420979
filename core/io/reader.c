/* reader.c -- opening readers, format choice, the shared input buffer. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/value.h"
#include "io/reader_impl.h"

/* ---- helpers ----------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n > m && icp_str_ieq(s + n - m, m, suffix, m);
}

/* "csv", "jsonl", or NULL when neither can be told. */
static const char *pick_format(const char *name, const char *format)
{
  if(format)
    return format;
  if(ends_with(name, ".csv"))
    return "csv";
  if(ends_with(name, ".jsonl") || ends_with(name, ".ndjson") ||
     ends_with(name, ".json"))
    return "jsonl";
  return NULL;
}

/* ICP_OK when the format is known or can be told from name. */
static enum icp_status check_format(const char *name, const char *format,
                                    struct icp_err *err)
{
  const char *fmt = pick_format(name, format);
  if(!fmt)
    return icp_err_set(err, ICP_EINVAL, "%s: cannot tell the format, "
                       "use --format csv|jsonl", name);
  if(strcmp(fmt, "csv") && strcmp(fmt, "jsonl"))
    return icp_err_set(err, ICP_EINVAL, "%s: unknown format '%s', use "
                       "--format csv|jsonl", name, fmt);
  return ICP_OK;
}

struct cellstat {
  int utf8_told;
};

static void destroy(struct icp_reader *r)
{
  if(!r)
    return;
  free(r->cells);
  if(r->free_impl)
    r->free_impl(r);
  if(r->own_fp && r->fp)
    fclose(r->fp);
  if(r->own_buf)
    free(r->buf);
  free(r->name);
  free(r);
}

static enum icp_status setup(struct icp_reader **out, FILE *fp, int own_fp,
                             const char *name, const char *format,
                             struct icp_schema *schema, struct icp_err *err)
{
  struct icp_reader *r;
  const char *fmt = pick_format(name, format);
  enum icp_status st;
  size_t n = strlen(name);

  *out = NULL;
  st = check_format(name, format, err);
  if(st) {
    if(own_fp)
      fclose(fp);
    return st;
  }
  r = calloc(1, sizeof(*r));
  if(!r) {
    if(own_fp)
      fclose(fp);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", name);
  }
  r->fp = fp;
  r->own_fp = own_fp;
  r->schema = schema;
  r->line = 1;
  r->range_end = UINT64_MAX;
  r->name = malloc(n + 1);
  r->buf = malloc(ICP_READER_BUF + 1);
  r->own_buf = 1;
  if(!r->name || !r->buf) {
    destroy(r);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", name);
  }
  memcpy(r->name, name, n + 1);
  r->buf[0] = 0;
  r->source = icp_schema_source(schema, "input");
  if(r->source < 0)
    r->source = 0;
  st = !strcmp(fmt, "csv") ? icp_csv_open(r, err) : icp_jsonl_open(r, err);
  if(st) {
    destroy(r);
    return st;
  }
  *out = r;
  return ICP_OK;
}

/* ---- API --------------------------------------------------------------- */

enum icp_status icp_reader_open(struct icp_reader **out, const char *path,
                                const char *format,
                                struct icp_schema *schema,
                                struct icp_err *err)
{
  FILE *fp;
  enum icp_status st;
  *out = NULL;
  if(!strcmp(path, "-"))
    return setup(out, stdin, 0, "<stdin>", format, schema, err);
  st = check_format(path, format, err);
  if(st)
    return st;
  fp = fopen(path, "rb");
  if(!fp)
    return icp_err_set(err, ICP_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
  return setup(out, fp, 1, path, format, schema, err);
}

enum icp_status icp_reader_open_stream(struct icp_reader **out, FILE *fp,
                                       const char *name, const char *format,
                                       struct icp_schema *schema,
                                       struct icp_err *err)
{
  return setup(out, fp, 0, name ? name : "<stream>", format, schema, err);
}

enum icp_status icp_reader_open_text(struct icp_reader **out,
                                     const char *name,
                                     struct icp_schema *schema,
                                     struct icp_err *err)
{
  struct icp_reader *r = calloc(1, sizeof(*r));
  size_t n = strlen(name);
  enum icp_status st;
  *out = NULL;
  if(!r || !(r->name = malloc(n + 1))) {
    free(r);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", name);
  }
  memcpy(r->name, name, n + 1);
  r->schema = schema;
  r->range_end = UINT64_MAX;
  r->source = icp_schema_source(schema, "input");
  if(r->source < 0)
    r->source = 0;
  st = icp_jsonl_open(r, err);
  if(st) {
    destroy(r);
    return st;
  }
  *out = r;
  return ICP_OK;
}

enum icp_status icp_reader_next(struct icp_reader *r, struct icp_account *a,
                                struct icp_err *err)
{
  icp_account_clear(a);
  a->file = r->name;
  if(!r->buf)
    return icp_err_set(err, ICP_EINVAL, "%s: a text reader has no stream",
                       r->name);
  return r->next(r, a, err);
}

void icp_reader_set_warn(struct icp_reader *r,
                         void (*fn)(void *ud, const char *msg), void *ud)
{
  r->warn = fn;
  r->warn_ud = ud;
}

void icp_reader_set_note(struct icp_reader *r,
                         void (*fn)(void *ud, const char *msg), void *ud)
{
  r->note = fn;
  r->note_ud = ud;
}

int icp_reader_has_column(const struct icp_reader *r, int id)
{
  return r->has_column ? r->has_column(r, id) : -1;
}

int icp_reader_has_key(const struct icp_reader *r)
{
  return r->has_key;
}

int icp_reader_unmatched(const struct icp_reader *r)
{
  return r->unmatched;
}

const char *icp_reader_name(const struct icp_reader *r)
{
  return r->name;
}

void icp_reader_close(struct icp_reader *r)
{
  destroy(r);
}

void icp_reader_set_range(struct icp_reader *r, uint64_t beg, uint64_t end)
{
  r->range_beg = beg;
  r->range_end = end;
}

enum icp_status icp_reader_chunk(struct icp_reader *r, struct icp_chunk *c,
                                 size_t want, struct icp_err *err)
{
  enum icp_status st;
  icp_buf_reset(&c->data);
  c->start = 0;
  c->line = r->line;
  c->bad_line = 0;
  c->bad[0] = 0;
  st = r->chunk(r, c, want, err);
  if(st == ICP_EOF && (c->data.len || c->bad_line))
    return ICP_OK;
  return st;
}

enum icp_status icp_reader_open_sub(struct icp_reader **out,
                                    const struct icp_reader *master,
                                    struct icp_err *err)
{
  struct icp_reader *r = calloc(1, sizeof(*r));
  size_t n = strlen(master->name);
  enum icp_status st;
  *out = NULL;
  if(!r || !(r->name = malloc(n + 1))) {
    free(r);
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", master->name);
  }
  memcpy(r->name, master->name, n + 1);
  r->schema = master->schema;
  r->source = master->source;
  r->range_end = UINT64_MAX;
  r->eof = 1;
  st = master->open_sub(r, master, err);
  if(st) {
    destroy(r);
    return st;
  }
  *out = r;
  return ICP_OK;
}

void icp_reader_load(struct icp_reader *sub, struct icp_chunk *c)
{
  if(!c->data.p) /* nothing was ever appended */
    icp_buf_add(&c->data, "", 0);
  sub->buf = c->data.p + c->start;
  sub->beg = 0;
  sub->end = c->data.len - c->start;
  sub->line = c->line;
  sub->pos0 = 0;
}

int icp_reader_raw(struct icp_reader *r, struct icp_raw *raw)
{
  struct stat sb;
  int fd;
  /* a file it opened (a stream's offset is not its own), not read to its
   * end, without a byte range (which needs every record's offset) */
  if(!r->own_fp || r->eof || !r->cut || r->range_beg ||
     r->range_end != UINT64_MAX || (fd = fileno(r->fp)) < 0 ||
     fstat(fd, &sb) || !S_ISREG(sb.st_mode))
    return 0;
  raw->fd = fd;
  raw->off = r->pos0 + r->end;
  raw->size = (uint64_t)sb.st_size;
  raw->rest = r->buf + r->beg;
  raw->nrest = r->end - r->beg;
  raw->line = r->line;
  return raw->size >= raw->off;
}

const char *icp_reader_cut(const struct icp_reader *r, const char *s,
                           const char *e, long *nl)
{
  return r->cut(s, e, nl);
}

enum icp_status icp_reader_resume(struct icp_reader *r, const char *p,
                                  size_t n, uint64_t off, long line,
                                  struct icp_err *err)
{
  if(n > ICP_READER_BUF)
    return icp_err_set(err, ICP_ELIMIT, "%s:%ld: record too long", r->name,
                       line);
  if(fseeko(r->fp, (off_t)off, SEEK_SET))
    return icp_err_set(err, ICP_EIO, "%s:%ld: cannot seek: %s", r->name,
                       line, strerror(errno));
  memmove(r->buf, p, n);
  r->buf[n] = 0;
  r->beg = 0;
  r->end = n;
  r->pos0 = off - n;
  r->line = line;
  r->eof = 0;
  return ICP_OK;
}

/* ---- shared with the format modules ------------------------------------ */

enum icp_status icp_reader_fill(struct icp_reader *r, struct icp_err *err)
{
  size_t n, want;
  if(r->eof)
    return ICP_EOF;
  if(r->beg) {
    r->pos0 += r->beg;
    memmove(r->buf, r->buf + r->beg, r->end - r->beg);
    r->end -= r->beg;
    r->beg = 0;
  }
  if(r->end >= ICP_READER_BUF)
    return icp_err_set(err, ICP_ELIMIT, "%s: record too long", r->name);
  want = ICP_READER_BUF - r->end;
  /* the first read is small: a header needs little, and a parallel run
   * reads the rest of a file itself (icp_reader_raw): the buffer's pages
   * are touched (a page fault each) only by a reader that reads on */
  if(!r->pos0 && !r->end && want > ICP_READER_FIRST)
    want = ICP_READER_FIRST;
  n = fread(r->buf + r->end, 1, want, r->fp);
  r->end += n;
  r->buf[r->end] = 0;
  if(n < want && ferror(r->fp))
    return icp_err_set(err, ICP_EIO, "%s:%ld: read error: %s", r->name,
                       r->line, strerror(errno));
  if(n < want)
    r->eof = 1;  /* no second read: a terminal would block again */
  return n ? ICP_OK : ICP_EOF;
}

static struct cellstat *cellstat(struct icp_reader *r, int id)
{
  if(id < 0 || id >= ICP_SCHEMA_MAX)
    return NULL;
  if(!r->cells)
    r->cells = calloc(ICP_SCHEMA_MAX, sizeof(*r->cells));
  return r->cells ? &r->cells[id] : NULL;
}

void icp_reader_cell(struct icp_reader *r, long line, int id,
                     const char *msg)
{
  (void)id; /* the run sums them up per column (score/run.c) */
  icp_reader_warn(r, line, msg);
}

void icp_reader_utf8(struct icp_reader *r, struct icp_account *a, long line,
                     int id)
{
  struct cellstat *c;
  char m[ICP_ERR_MAX];
  a->utf8_fixed = 0;
  if(!r->buf) { /* a text (request body): stricter, an error */
    snprintf(m, sizeof(m), "column '%s': invalid UTF-8",
             icp_schema_name(r->schema, id));
    icp_reader_warn(r, line, m);
    return;
  }
  c = cellstat(r, id); /* NULL when out of memory: said every time */
  if(c && c->utf8_told)
    return;
  if(c)
    c->utf8_told = 1;
  snprintf(m, sizeof(m), "%s:%ld: column '%s': invalid UTF-8, written as "
           "U+FFFD (first in this column; later ones are not reported)",
           r->name, line, icp_schema_name(r->schema, id));
  icp_reader_note(r, m);
}

void icp_reader_note(struct icp_reader *r, const char *msg)
{
  if(r->note)
    r->note(r->note_ud, msg);
  else if(r->buf) /* not for the texts of a server's requests */
    fprintf(stderr, "%s\n", msg);
}

void icp_reader_warn(struct icp_reader *r, long line, const char *msg)
{
  char m[ICP_ERR_MAX + 128];
  if(!r->warn)
    return;
  if(line) /* line 0: a lone object of a text */
    snprintf(m, sizeof(m), "%s:%ld: %s", r->name, line, msg);
  else
    snprintf(m, sizeof(m), "%s: %s", r->name, msg);
  r->warn(r->warn_ud, m);
}

enum icp_status icp_reader_scale(struct icp_account *a, int id, double k,
                                 int source)
{
  const struct icp_value *v = icp_account_get(a, id);
  if(v->type != ICP_T_NUMBER || !isfinite(v->u.num * k))
    return ICP_OK;
  return icp_account_set_num(a, id, v->u.num * k, source);
}
