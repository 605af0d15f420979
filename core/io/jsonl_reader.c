/*
 * jsonl_reader.c -- one JSON object per line: the walk that stores what
 * the run reads, over the keys the scanner noted (jsonl_scan.c: no tree).
 *
 * Each line is checked (HARDENING 15-17): its length, UTF-8, NUL bytes and
 * "\u0000" escapes, its nesting depth and its grammar, trailing text
 * being an error; the values of keys no rule of the run reads are
 * checked but not stored.
 * Nested objects flatten into dotted keys; duplicate keys, non-object lines
 * and more than ICP_SCHEMA_MAX keys make a bad record. A value that does not
 * fit its field is a warning and the field is left missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/bytes.h"
#include "base/utf8.h"
#include "data/columns.h"
#include "data/typing.h"
#include "io/jsonl_impl.h"
#include "io/reader_impl.h"

#define KEY_MAX 1024

/* What a line walk ends with, besides OK. */
struct walk {
  struct icp_reader *r;
  struct icp_account *a;
  struct jsonl_state *js;
  long line;
  const char *end;           /* the NUL after the text */
  struct icp_err *err;
};

/* Key i of the first pass as a C string in buf (cut at cap - 1). */
static const char *key_copy(const struct jsonl_state *js, size_t i,
                            char *buf, size_t cap)
{
  size_t n = js->keys[i].kn < cap - 1 ? js->keys[i].kn : cap - 1;
  memcpy(buf, js->keys[i].k, n);
  buf[n] = 0;
  return buf;
}

/* ---- values ------------------------------------------------------------ */

static enum icp_status skip(struct walk *w, const char *fmt, const char *s)
{
  struct icp_err e;
  icp_err_set(&e, ICP_ESKIP, fmt, s);
  if(!w->line) /* a lone object of a text: no line to name */
    return icp_err_set(w->err, ICP_ESKIP, "%s: %s", w->r->name, e.msg);
  return icp_err_set(w->err, ICP_ESKIP, "%s:%ld: %s", w->r->name, w->line,
                     e.msg);
}

static void warn(struct walk *w, int id, const char *what)
{
  char m[ICP_ERR_MAX];
  snprintf(m, sizeof(m), "column '%s': %s", icp_schema_name(w->r->schema,
                                                           id), what);
  icp_reader_cell(w->r, w->line, id, m);
}

static void warn_type(struct walk *w, int id, const char *what)
{
  char m[128];
  snprintf(m, sizeof(m), "%s is not a %s", what,
           icp_type_name(icp_schema_type(w->r->schema, id)));
  warn(w, id, m);
}

/* Result of icp_account_set_text and friends: warnings stay warnings. */
static enum icp_status settled(struct walk *w, int id, enum icp_status st,
                               const struct icp_err *cell)
{
  if(st == ICP_OK) {
    if(w->a->utf8_fixed)
      icp_reader_utf8(w->r, w->a, w->line, id);
    return ICP_OK;
  }
  if(st == ICP_EINVAL && cell) {
    icp_reader_cell(w->r, w->line, id, cell->msg);
    return ICP_OK;
  }
  return skip(w, st == ICP_ENOMEM ? "column '%s': out of memory" :
              "column '%s': record too large",
              icp_schema_name(w->r->schema, id));
}

static enum icp_status set_text(struct walk *w, int id, const char *s,
                                size_t n)
{
  struct icp_err cell;
  enum icp_status st = icp_account_set_text(w->a, id, s, n, w->r->source,
                                            &cell);
  return settled(w, id, st, &cell);
}

/* icp_fmt_num, whose integer test converts to long long, which is
 * undefined beyond 2^63: those magnitudes take its %.17g path here. */
static int fmt_num(char *out, size_t cap, double v)
{
  int prec, n = 0;
  if(fabs(v) < 9e18)
    return icp_fmt_num(out, cap, v);
  for(prec = 15; prec <= 17; prec++) {
    n = snprintf(out, cap, "%.*g", prec, v);
    if(strtod(out, NULL) == v)
      break;
  }
  return n;
}

static int is_string_field(struct walk *w, int id)
{
  return id == ICP_F_DOMAIN ||
         icp_schema_type(w->r->schema, id) == ICP_T_STRING;
}

static enum icp_status set_number(struct walk *w, int id, double v)
{
  enum icp_type t = icp_schema_type(w->r->schema, id);
  char txt[40];
  int n;
  if(id == ICP_F_DOMAIN) {
    warn(w, id, "a number is not a domain (the key is a string)");
    return ICP_OK;
  }
  if(!isfinite(v)) {
    warn(w, id, "number out of range");
    return ICP_OK;
  }
  if(!is_string_field(w, id) && (t == ICP_T_NUMBER || t == ICP_T_ANY)) {
    enum icp_status st = icp_account_set_num(w->a, id, v, w->r->source);
    return settled(w, id, st, NULL);
  }
  n = fmt_num(txt, sizeof(txt), v);
  if(is_string_field(w, id))
    return set_text(w, id, txt, (size_t)n);
  warn_type(w, id, txt);
  return ICP_OK;
}

static enum icp_status set_bool(struct walk *w, int id, int b)
{
  enum icp_type t = icp_schema_type(w->r->schema, id);
  struct icp_value v;
  if(id == ICP_F_DOMAIN) {
    warn(w, id, "a bool is not a domain (the key is a string)");
    return ICP_OK;
  }
  if(is_string_field(w, id))
    return set_text(w, id, b ? "true" : "false", b ? 4 : 5);
  if(t == ICP_T_BOOL || t == ICP_T_ANY) {
    v.type = ICP_T_BOOL;
    v.n = 0;
    v.u.b = b;
    return settled(w, id, icp_account_set(w->a, id, &v, w->r->source),
                   NULL);
  }
  warn_type(w, id, b ? "true" : "false");
  return ICP_OK;
}

/* ---- key names ---------------------------------------------------------- */

/* The field that key id feeds: the same header recognition as CSV
 * (columns.h), worked out once per key name and remembered; a mapped key
 * is noted once. */
static enum icp_status map_key(struct walk *w, int *id)
{
  struct jsonl_state *js = w->js;
  struct icp_colmap m;
  struct icp_buf notes;
  const char *name;
  size_t len;
  enum icp_status st;
  if(js->map[*id]) {
    *id = js->map[*id] - 1;
    return ICP_OK;
  }
  name = icp_schema_name(w->r->schema, *id);
  len = icp_schema_name_len(w->r->schema, *id);
  icp_buf_init(&notes, 4096);
  st = icp_colmap_build(&m, w->r->schema, w->r->name, &name, &len, 1,
                        &notes, w->err);
  if(st) {
    icp_buf_free(&notes);
    return st == ICP_ENOMEM ? ICP_ENOMEM : ICP_ESKIP;
  }
  if(notes.len && notes.p[notes.len - 1] == '\n') {
    notes.p[notes.len - 1] = 0;
    icp_reader_note(w->r, notes.p);
  }
  icp_buf_free(&notes);
  js->map[*id] = m.ids[0] + 1;
  if(m.scale[0] != 1)
    js->scale[*id] = m.scale[0];
  if(m.ids[0] >= 0 && m.ids[0] < ICP_SCHEMA_MAX && m.ids[0] != *id)
    js->map[m.ids[0]] = m.ids[0] + 1;
  *id = m.ids[0];
  icp_colmap_free(&m);
  return ICP_OK;
}

/* ---- storing the values (second pass) ---------------------------------- */

/* The text of the string value [v, ve) (quotes included): in the line,
 * or unescaped into the state's scratch when esc (it holds escapes).
 * NULL when out of memory. */
static const char *string_text(struct jsonl_state *js, const char *v,
                               const char *ve, int esc, size_t *n)
{
  const char *b = v + 1, *e = ve - 1;
  if(!esc) {
    *n = (size_t)(e - b);
    return b;
  }
  if((size_t)(e - b) + 1 > js->txtcap && /* the call only to grow */
     icp_grow(js->txt, js->txtcap, (size_t)(e - b) + 1))
    return NULL;
  *n = icp_jsonl_unescape(b, e, js->txt);
  return js->txt;
}

/* The end of the array item at s (valid JSON; not an object or array). */
static const char *item_end(const char *s, const char *end)
{
  if(*s == '"') {
    s = icp_jsonl_find_stop(s + 1, end);
    if(*s == '"')
      return s + 1;
    for(; *s != '"'; s++)
      if(*s == '\\')
        s++;
    return s + 1;
  }
  if(*s == '-' || (unsigned)*s - '0' < 10)
    return s + icp_jsonl_num_len(s, end);
  return s + icp_jsonl_literal(s, end);
}

/* Steps to the next item of an array after the one ending at s: the
 * next item, or NULL at the closing bracket. */
static const char *next_item(const char *s)
{
  while((unsigned char)*s <= 32)
    s++;
  if(*s == ']')
    return NULL;
  for(s++; (unsigned char)*s <= 32; s++) /* the comma */
    ;
  return s;
}

static const char *first_item(const char *v)
{
  for(v++; (unsigned char)*v <= 32; v++)
    ;
  return *v == ']' ? NULL : v;
}

static enum icp_status set_array(struct walk *w, int id, const char *v,
                                 const char *end)
{
  struct jsonl_state *js = w->js;
  enum icp_type t = icp_schema_type(w->r->schema, id);
  const char *it, *ie;
  size_t cnt = 0, k = 0, off = 0;
  struct icp_value val;

  if(id == ICP_F_DOMAIN || (t != ICP_T_LIST && t != ICP_T_ANY)) {
    warn_type(w, id, "an array");
    return ICP_OK;
  }
  /* the items' bytes into items (p: start, n: length), checked */
  for(it = first_item(v); it; it = next_item(ie)) {
    if(*it == '[' || *it == '{') {
      warn(w, id, "an array may only hold strings, numbers and bools");
      return ICP_OK;
    }
    ie = item_end(it, end);
    if((*it == '-' || (unsigned)*it - '0' < 10) &&
       !isfinite(icp_jsonl_num_value(it, (size_t)(ie - it)))) {
      warn(w, id, "number out of range");
      return ICP_OK;
    }
    if(cnt == js->itemcap && icp_grow(js->items, js->itemcap, cnt + 1))
      return ICP_ENOMEM;
    js->items[cnt].p = it;
    js->items[cnt].n = (uint32_t)(ie - it);
    cnt++;
  }
  if(cnt > ICP_LIST_MAX)
    return skip(w, "column '%s': list longer than 10000 items",
                icp_schema_name(w->r->schema, id));
  if(cnt * 32 > js->numcap && icp_grow(js->numtxt, js->numcap, cnt * 32))
    return ICP_ENOMEM;
  /* then each item's text in its place */
  for(k = 0, off = 0; off < cnt; off++) {
    const char *p = NULL, *s = js->items[off].p;
    size_t n = 0;
    if(*s == '"') {
      const char *txt = string_text(js, s, s + js->items[off].n,
                                    memchr(s, '\\', js->items[off].n) != NULL,
                                    &n);
      if(!txt)
        return ICP_ENOMEM;
      p = icp_account_text(w->a, txt, n, &n);
      if(!p)
        return skip(w, "column '%s': record too large",
                    icp_schema_name(w->r->schema, id));
    }
    else if(*s == '-' || (unsigned)*s - '0' < 10) {
      p = js->numtxt + 32 * off;
      n = (size_t)fmt_num(js->numtxt + 32 * off, 32,
                          icp_jsonl_num_value(s, js->items[off].n));
    }
    else if(*s != 'n') {
      p = *s == 't' ? "true" : "false";
      n = strlen(p);
    }
    if(!n)
      continue; /* null or empty string */
    js->items[k].p = p;
    js->items[k].n = (uint32_t)n;
    k++;
  }
  val.type = ICP_T_LIST;
  val.n = (uint32_t)k;
  val.u.list = js->items;
  return settled(w, id, icp_account_set(w->a, id, &val, w->r->source),
                 NULL);
}

/* ---- walking the object ------------------------------------------------ */

static unsigned next_gen(unsigned *gen)
{
  if(++*gen == 0)
    *gen = 1; /* callers clear their stamps on wrap */
  return *gen;
}

/* Remembers that key (n bytes) is field id; a key that cannot be
 * copied is simply not remembered. */
static void remember(struct kcache *c, const char *key, size_t n, int id)
{
  char *name = c->n >= n && c->name ? c->name : realloc(c->name, n + 1);
  if(!name)
    return;
  memcpy(name, key, n);
  c->name = name;
  c->n = n;
  c->id = id;
}

/* Stores the members of an object: the keys [i, end) of the first pass
 * (a nested object's keys follow its own key). */
static enum icp_status walk_object(struct walk *w, size_t i, size_t end)
{
  struct jsonl_state *js = w->js;
  size_t base = js->key.len;
  enum icp_status st;
  for(; i < end; i = js->keys[i].next) {
    struct jkey *e = &js->keys[i];
    struct shape_key *sh = e->sk ? &js->shape.k[e->sk - 1] : NULL;
    struct kcache *kc;
    int id, before, raw;
    double scale;
    js->key.len = base;
    if(sh && sh->mapped && *e->v != '{') {
      /* a key of the shape whose field is known (a key of it was
       * stored before: not empty, not too long) */
      if(*e->v == 'n')
        continue; /* null */
      raw = e->id = sh->id;
      id = sh->fid;
      scale = sh->scale;
      goto mapped;
    }
    if(!e->kn) {
      icp_reader_warn(w->r, w->line, "empty key ignored");
      continue;
    }
    if((base && icp_buf_addc(&js->key, '.')) ||
       icp_buf_add(&js->key, e->k, e->kn)) {
      char kb[61];
      return skip(w, "key '%s' is too long", key_copy(js, i, kb,
                                                       sizeof(kb)));
    }
    if(*e->v == 'n')
      continue; /* null */
    if(*e->v == '{') {
      id = icp_schema_find(w->r->schema, js->key.p, js->key.len);
      if(id >= 0 && icp_schema_origin(w->r->schema, id) != ICP_ORIGIN_SEEN &&
         icp_schema_type(w->r->schema, id) != ICP_T_ANY) {
        warn_type(w, id, "an object");
        continue;
      }
      st = walk_object(w, i + 1, e->next);
      if(st)
        return st;
      continue;
    }
    kc = base ? NULL : &js->kc[e->h & (KCACHE - 1)];
    if(kc && kc->name && kc->n == js->key.len &&
       !memcmp(kc->name, js->key.p, js->key.len))
      id = kc->id;
    else {
      before = icp_schema_count(w->r->schema);
      id = icp_schema_intern(w->r->schema, js->key.p, js->key.len);
      if(id < 0 || id >= ICP_SCHEMA_MAX)
        return skip(w, "more than %s distinct keys", "4096");
      if(id >= before)
        icp_columns_new_field(w->r->schema, id);
      if(kc)
        remember(kc, js->key.p, js->key.len, id);
    }
    if(!base) {
      e->id = id;
      if(sh)
        sh->id = id;
    }
    raw = id;
    st = map_key(w, &id);
    if(st)
      return st;
    scale = js->scale[raw];
    if(sh) {
      sh->fid = id;
      sh->scale = scale;
      sh->mapped = 1;
    }
  mapped:
    if(js->stamp[id] == js->gen) {
      char kb[ICP_ERR_MAX];
      if(raw == id)
        return skip(w, "duplicate key '%s'",
                    base ? js->key.p : key_copy(js, i, kb, sizeof(kb)));
      continue; /* an earlier key of the record gave this field */
    }
    js->stamp[id] = js->gen;
    if(id == ICP_F_DOMAIN)
      w->r->has_key = 1;
    if(!icp_schema_needed(w->r->schema, id))
      continue; /* no rule of the run reads this key */
    switch(*e->v) {
    case '"': {
      size_t n;
      const char *s = string_text(js, e->v, e->ve, e->vesc, &n);
      st = s ? set_text(w, id, s, n) : ICP_ENOMEM;
      break;
    }
    case 't': case 'f':
      st = set_bool(w, id, *e->v == 't');
      break;
    case '[':
      st = set_array(w, id, e->v, w->end);
      break;
    default:
      st = set_number(w, id,
                      icp_jsonl_num_value(e->v, (size_t)(e->ve - e->v)));
    }
    if(!st && scale != 0)
      st = settled(w, id, icp_reader_scale(w->a, id, scale, w->r->source),
                   NULL);
    if(st)
      return st;
  }
  js->key.len = base;
  return ICP_OK;
}

/* Reads the object whose first pass is in js (keys [0, nkeys)) into a
 * as record `line` (0: a lone object of a text, named without a line);
 * sc: that pass, for the first problem of its keys. */
enum icp_status icp_jsonl_read_object(struct icp_reader *r,
                                      struct icp_account *a,
                                      const struct scan *sc, long line,
                                      struct icp_err *err)
{
  struct jsonl_state *js = r->jsonl;
  struct walk w;
  char kb[ICP_ERR_MAX];
  enum icp_status st;
  w.r = r;
  w.a = a;
  w.js = js;
  w.line = line;
  w.err = err;
  w.end = sc->end;
  if(sc->bad_key >= 0)
    return skip(&w, "duplicate key '%s'", key_copy(js, (size_t)sc->bad_key,
                                                     kb, sizeof(kb)));
  if(sc->bad)
    return skip(&w, "%s", sc->bad);
  if(next_gen(&js->gen) == 1)
    memset(js->stamp, 0, ICP_SCHEMA_MAX * sizeof(*js->stamp));
  icp_buf_reset(&js->key);
  st = walk_object(&w, 0, js->nkeys);
  icp_jsonl_shape_update(js, sc);
  if(st == ICP_ENOMEM)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  return st;
}

static enum icp_status parse_line(struct icp_reader *r,
                                  struct icp_account *a, char *p, size_t n,
                                  long line, struct icp_err *err)
{
  struct scan sc;
  const char *top = p, *why;
  enum icp_status st;

  if(!icp_jsonl_scan_text(&sc, r->jsonl, p, n, 1, &top, &why)) {
    if(why == oom)
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
    if(why)
      return icp_err_set(err, ICP_ESKIP, "%s:%ld: %s", r->name, line, why);
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: invalid JSON at column %ld",
                       r->name, line, (long)(sc.at - p) + 1);
  }
  if(*top != '{')
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: not a JSON object",
                       r->name, line);
  st = icp_jsonl_read_object(r, a, &sc, line, err);
  /* --keep all: the keys of the first record are the kept columns */
  icp_schema_keep_done(r->schema);
  return st;
}

/* ---- lines ------------------------------------------------------------- */

/* The next line of the byte range: *pp and *plen (without the newline),
 * *pline its line, *too_long when it is over the cap (its bytes may be
 * gone). ICP_OK, ICP_EOF, or a fatal status. */
static enum icp_status next_line(struct icp_reader *r, char **pp,
                                 size_t *plen, long *pline, int *too_long,
                                 struct icp_err *err)
{
  for(;;) {
    size_t scanned = 0, len, used;
    int skipping = 0, where = icp_reader_where(r, r->pos0 + r->beg);
    const char *nlp;
    long line = r->line;
    enum icp_status st;

    for(;;) {
      nlp = memchr(r->buf + r->beg + scanned, '\n',
                   r->end - r->beg - scanned);
      if(nlp)
        break;
      scanned = r->end - r->beg;
      if(scanned > ICP_READER_RECORD_MAX) {
        skipping = 1;   /* drop what was scanned, keep looking */
        r->beg = r->end;
        scanned = 0;
      }
      st = icp_reader_fill(r, err);
      if(st == ICP_EOF)
        break;
      if(st)
        return st;
    }
    *pp = r->buf + r->beg;
    if(nlp) {
      len = (size_t)(nlp - *pp);
      used = len + 1;
      r->line++;
    }
    else {
      len = used = r->end - r->beg;
      if(!len && !skipping)
        return ICP_EOF;
    }
    if(where > 0)
      return ICP_EOF;
    r->beg += used;
    if(where < 0)
      continue;
    *plen = len;
    *pline = line;
    *too_long = skipping || len > ICP_READER_RECORD_MAX;
    return ICP_OK;
  }
}

static enum icp_status jsonl_next(struct icp_reader *r,
                                  struct icp_account *a, struct icp_err *err)
{
  for(;;) {
    size_t len, b = 0;
    int too_long;
    char *p;
    long line;
    enum icp_status st = next_line(r, &p, &len, &line, &too_long, err);
    if(st)
      return st;
    a->line = line;
    if(too_long)
      return icp_err_set(err, ICP_ESKIP, "%s:%ld: line longer than 1 MiB",
                         r->name, line);
    while(len && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
                  p[len - 1] == '\t'))
      len--;
    while(b < len && (p[b] == ' ' || p[b] == '\t'))
      b++;
    if(b == len)
      continue; /* blank */
    p[len] = 0; /* the newline, or the spare byte after the data */
    return parse_line(r, a, p, len, line, err);
  }
}

/* Whole lines, raw, into c (see icp_reader_chunk). */
static enum icp_status jsonl_chunk(struct icp_reader *r,
                                   struct icp_chunk *c, size_t want,
                                   struct icp_err *err)
{
  while(c->data.len < want) {
    size_t len;
    int too_long;
    char *p;
    long line;
    enum icp_status st = next_line(r, &p, &len, &line, &too_long, err);
    if(st)
      return st;
    if(!c->data.len)
      c->line = line;
    if(too_long) {
      c->bad_line = line; /* too long to copy: the message stands in */
      snprintf(c->bad, sizeof(c->bad), "%s:%ld: line longer than 1 MiB",
               r->name, line);
      return ICP_OK;
    }
    if(icp_buf_add(&c->data, p, len) || icp_buf_addc(&c->data, '\n'))
      return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  }
  return ICP_OK;
}

/* icp_reader_cut: a line ends at its newline (JSON text holds none). */
static const char *jsonl_cut(const char *s, const char *e, long *nl)
{
  const char *p = e;
  while(p > s && p[-1] != '\n') /* the last line's end: near e */
    p--;
  if(p == s)
    return NULL;
  p--;
  *nl = icp_bytes_count(s, p + 1, '\n');
  return p + 1;
}

static void jsonl_free(struct icp_reader *r)
{
  struct jsonl_state *js = r->jsonl;
  int i;
  if(!js)
    return;
  icp_buf_free(&js->key);
  for(i = 0; i < KCACHE; i++)
    free(js->kc[i].name);
  free(js->stamp);
  free(js->map);
  free(js->scale);
  free(js->keys);
  free(js->table);
  free(js->keytxt);
  free(js->shape.k);
  free(js->shape.txt);
  free(js->next.k);
  free(js->next.txt);
  free(js->txt);
  free(js->items);
  free(js->numtxt);
  free(js);
  r->jsonl = NULL;
}

enum icp_status icp_jsonl_open_sub(struct icp_reader *sub,
                                   const struct icp_reader *master,
                                   struct icp_err *err)
{
  (void)master;
  return icp_jsonl_open(sub, err);
}

enum icp_status icp_jsonl_open(struct icp_reader *r, struct icp_err *err)
{
  struct jsonl_state *js = calloc(1, sizeof(*js));
  if(!js)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  r->jsonl = js;
  r->free_impl = jsonl_free;
  r->next = jsonl_next;
  r->chunk = jsonl_chunk;
  r->cut = jsonl_cut;
  r->open_sub = icp_jsonl_open_sub;
  icp_buf_init(&js->key, KEY_MAX);
  js->stamp = calloc(ICP_SCHEMA_MAX, sizeof(*js->stamp));
  js->map = calloc(ICP_SCHEMA_MAX, sizeof(*js->map));
  js->scale = calloc(ICP_SCHEMA_MAX, sizeof(*js->scale));
  if(!js->stamp || !js->map || !js->scale)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  return ICP_OK;
}
