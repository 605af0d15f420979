/*
 * jsonl_reader.c -- one JSON object per line, through cJSON.
 *
 * Each line is checked before cJSON sees it (HARDENING 15-17): its length,
 * UTF-8, NUL bytes and "\u0000" escapes, and its nesting depth; it is then
 * parsed as a NUL-terminated string so that trailing text is an error.
 * Nested objects flatten into dotted keys; duplicate keys, non-object lines
 * and more than ICP_SCHEMA_MAX keys make a bad record. A value that does not
 * fit its field is a warning and the field is left missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "data/columns.h"
#include "data/typing.h"
#include "io/reader_impl.h"

#define KEY_MAX 1024
#define SIBLINGS (2 * ICP_SCHEMA_MAX)  /* hash slots, power of two */

struct sibling {
  unsigned gen;
  const char *name;
};

struct jsonl_state {
  struct icp_buf key;        /* dotted key being built */
  int *map;                  /* per key id: field id + 1, 0 = not yet */
  unsigned *stamp;           /* per field id: record that set it */
  unsigned gen;              /* current record */
  struct sibling *sib;       /* keys of the object being walked */
  unsigned sibgen;
  struct icp_str *items;     /* list being built */
  size_t itemcap;
  char *numtxt;              /* formatted numbers of that list */
  size_t numcap;
};

/* What a line walk ends with, besides OK. */
struct walk {
  struct icp_reader *r;
  struct icp_account *a;
  struct jsonl_state *js;
  long line;
  struct icp_err *err;
};

/* ---- checks before parsing --------------------------------------------- */

/* Bytes the pre-check can step over: ASCII except NUL, quotes, backslash
 * and brackets ('[' and '{', ']' and '}' differ only in bit 0x20). */
static int plain(unsigned char c)
{
  unsigned u = c | 0x20u;
  return c - 1u < 0x7fu && c != '"' && c != '\\' && u != '{' && u != '}';
}

/* NULL when the raw line is acceptable, else the reason: no NUL byte, no
 * "\u0000" escape, nesting within ICP_JSON_DEPTH_MAX. Invalid UTF-8 in a
 * string value is repaired where the value is stored (and reported once
 * per column); in a key it makes a bad record (check_keys). */
static const char *precheck(const char *p, size_t n)
{
  size_t i = 0;
  int depth = 0, in_str = 0;
  while(i < n) {
    unsigned char c;
    while(i < n && plain((unsigned char)p[i]))
      i++;
    if(i == n)
      break;
    c = (unsigned char)p[i];
    if(c >= 0x80) {
      size_t k = icp_utf8_seq(p + i, n - i);
      i += k ? k : 1; /* invalid UTF-8 is repaired per cell (typing.h) */
      continue;
    }
    if(!c)
      return "NUL byte";
    if(c == '"')
      in_str = !in_str;
    else if(in_str) {
      if(c == '\\') {
        if(i + 5 < n && p[i + 1] == 'u' && !memcmp(p + i + 2, "0000", 4))
          return "string holds U+0000";
        if(i + 1 < n && plain((unsigned char)p[i + 1]))
          i++; /* the escaped byte; others are looked at next round */
        else if(i + 1 < n && (p[i + 1] == '"' || p[i + 1] == '\\'))
          i++;
      }
    }
    else if(c == '{' || c == '[') {
      if(++depth > ICP_JSON_DEPTH_MAX)
        return "nested deeper than 64 levels";
    }
    else if(c == '}' || c == ']')
      depth--;
    i++;
  }
  return NULL;
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

static enum icp_status set_array(struct walk *w, int id, const cJSON *arr)
{
  struct jsonl_state *js = w->js;
  enum icp_type t = icp_schema_type(w->r->schema, id);
  const cJSON *it;
  size_t cnt = 0, nums = 0, k = 0, off = 0;
  struct icp_value v;

  if(id == ICP_F_DOMAIN || (t != ICP_T_LIST && t != ICP_T_ANY)) {
    warn_type(w, id, "an array");
    return ICP_OK;
  }
  for(it = arr->child; it; it = it->next) {
    if(cJSON_IsArray(it) || cJSON_IsObject(it)) {
      warn(w, id, "an array may only hold strings, numbers and bools");
      return ICP_OK;
    }
    if(cJSON_IsNumber(it)) {
      if(!isfinite(it->valuedouble)) {
        warn(w, id, "number out of range");
        return ICP_OK;
      }
      nums++;
    }
    cnt++;
  }
  if(cnt > ICP_LIST_MAX)
    return skip(w, "column '%s': list longer than 10000 items",
                icp_schema_name(w->r->schema, id));
  if(cnt > js->itemcap) {
    struct icp_str *ni = realloc(js->items, cnt * sizeof(*ni));
    if(!ni)
      return ICP_ENOMEM;
    js->items = ni;
    js->itemcap = cnt;
  }
  if(nums * 32 > js->numcap) {
    char *nt = realloc(js->numtxt, nums * 32);
    if(!nt)
      return ICP_ENOMEM;
    js->numtxt = nt;
    js->numcap = nums * 32;
  }
  for(it = arr->child; it; it = it->next) {
    const char *p = NULL;
    size_t n = 0;
    if(cJSON_IsString(it)) {
      p = icp_account_text(w->a, it->valuestring, strlen(it->valuestring),
                           &n);
      if(!p)
        return skip(w, "column '%s': record too large",
                    icp_schema_name(w->r->schema, id));
    }
    else if(cJSON_IsNumber(it)) {
      p = js->numtxt + off;
      n = (size_t)fmt_num(js->numtxt + off, 32, it->valuedouble);
      off += 32;
    }
    else if(cJSON_IsBool(it)) {
      p = cJSON_IsTrue(it) ? "true" : "false";
      n = strlen(p);
    }
    if(!n)
      continue; /* null or empty string */
    js->items[k].p = p;
    js->items[k].n = (uint32_t)n;
    k++;
  }
  v.type = ICP_T_LIST;
  v.n = (uint32_t)k;
  v.u.list = js->items;
  return settled(w, id, icp_account_set(w->a, id, &v, w->r->source), NULL);
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
  const char *name = icp_schema_name(w->r->schema, *id);
  size_t len = icp_schema_name_len(w->r->schema, *id);
  enum icp_status st;
  if(js->map[*id]) {
    *id = js->map[*id] - 1;
    return ICP_OK;
  }
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
  if(m.ids[0] >= 0 && m.ids[0] < ICP_SCHEMA_MAX)
    js->map[m.ids[0]] = m.ids[0] + 1;
  *id = m.ids[0];
  icp_colmap_free(&m);
  return ICP_OK;
}

/* ---- walking the object ------------------------------------------------ */

static unsigned next_gen(unsigned *gen)
{
  if(++*gen == 0)
    *gen = 1; /* callers clear their stamps on wrap */
  return *gen;
}

/* 1 when name was already a key of the object being walked. */
static int seen_sibling(struct jsonl_state *js, const char *name)
{
  uint64_t h = 1469598103934665603ULL;
  const unsigned char *s = (const unsigned char *)name;
  size_t j;
  while(*s) {
    h ^= *s++;
    h *= 1099511628211ULL;
  }
  for(j = h & (SIBLINGS - 1); js->sib[j].gen == js->sibgen;
      j = (j + 1) & (SIBLINGS - 1))
    if(!strcmp(js->sib[j].name, name))
      return 1;
  js->sib[j].gen = js->sibgen;
  js->sib[j].name = name;
  return 0;
}

/* Checks the keys of obj: no duplicates, not too many, valid UTF-8. */
static enum icp_status check_keys(struct walk *w, const cJSON *obj)
{
  struct jsonl_state *js = w->js;
  const cJSON *c;
  int n = 0;
  for(c = obj->child; c; c = c->next)
    if(++n > ICP_SCHEMA_MAX)
      return skip(w, "more than %s keys", "4096");
  if(next_gen(&js->sibgen) == 1)
    memset(js->sib, 0, SIBLINGS * sizeof(*js->sib));
  for(c = obj->child; c; c = c->next) {
    if(!icp_utf8_valid(c->string, strlen(c->string)))
      return skip(w, "a key is %s", "not valid UTF-8");
    if(seen_sibling(js, c->string))
      return skip(w, "duplicate key '%s'", c->string);
  }
  return ICP_OK;
}

static enum icp_status walk_object(struct walk *w, const cJSON *obj)
{
  struct jsonl_state *js = w->js;
  size_t base = js->key.len;
  const cJSON *c;
  enum icp_status st = check_keys(w, obj);
  if(st)
    return st;
  for(c = obj->child; c; c = c->next) {
    int id, raw;
    size_t n = strlen(c->string);
    js->key.len = base;
    if(!n) {
      icp_reader_warn(w->r, w->line, "empty key ignored");
      continue;
    }
    if((base && icp_buf_addc(&js->key, '.')) ||
       icp_buf_add(&js->key, c->string, n))
      return skip(w, "key '%.60s' is too long", c->string);
    if(cJSON_IsNull(c))
      continue;
    if(cJSON_IsObject(c)) {
      id = icp_schema_find(w->r->schema, js->key.p, js->key.len);
      if(id >= 0 && icp_schema_origin(w->r->schema, id) != ICP_ORIGIN_SEEN &&
         icp_schema_type(w->r->schema, id) != ICP_T_ANY) {
        warn_type(w, id, "an object");
        continue;
      }
      st = walk_object(w, c);
      if(st)
        return st;
      continue;
    }
    raw = icp_schema_find(w->r->schema, js->key.p, js->key.len);
    id = icp_schema_intern(w->r->schema, js->key.p, js->key.len);
    if(id < 0 || id >= ICP_SCHEMA_MAX)
      return skip(w, "more than %s distinct keys", "4096");
    if(raw < 0)
      icp_columns_new_field(w->r->schema, id);
    raw = id;
    st = map_key(w, &id);
    if(st)
      return st;
    if(js->stamp[id] == js->gen) {
      if(raw == id)
        return skip(w, "duplicate key '%s'", js->key.p);
      continue; /* an earlier key of the record gave this field */
    }
    js->stamp[id] = js->gen;
    if(id == ICP_F_DOMAIN)
      w->r->has_key = 1;
    if(cJSON_IsString(c)) {
      st = set_text(w, id, c->valuestring, strlen(c->valuestring));
    }
    else if(cJSON_IsNumber(c))
      st = set_number(w, id, c->valuedouble);
    else if(cJSON_IsBool(c))
      st = set_bool(w, id, cJSON_IsTrue(c));
    else if(cJSON_IsArray(c))
      st = set_array(w, id, c);
    if(st)
      return st;
  }
  js->key.len = base;
  return ICP_OK;
}

/* Reads the JSON object obj into a as record `line` (0: a lone object of
 * a text, named without a line). */
static enum icp_status read_object(struct icp_reader *r,
                                   struct icp_account *a, const cJSON *obj,
                                   long line, struct icp_err *err)
{
  struct jsonl_state *js = r->jsonl;
  struct walk w;
  enum icp_status st;
  if(next_gen(&js->gen) == 1)
    memset(js->stamp, 0, ICP_SCHEMA_MAX * sizeof(*js->stamp));
  w.r = r;
  w.a = a;
  w.js = js;
  w.line = line;
  w.err = err;
  icp_buf_reset(&js->key);
  st = walk_object(&w, obj);
  if(st == ICP_ENOMEM)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  return st;
}

static enum icp_status parse_line(struct icp_reader *r,
                                  struct icp_account *a, char *p, size_t n,
                                  long line, struct icp_err *err)
{
  const char *why = precheck(p, n), *end = p;
  cJSON *root;
  enum icp_status st;

  if(why)
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: %s", r->name, line, why);
  root = cJSON_ParseWithOpts(p, &end, 1);
  if(!root) {
    long col = end && end >= p && end <= p + n ? (long)(end - p) + 1 : 1;
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: invalid JSON at column %ld",
                       r->name, line, col);
  }
  if(!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return icp_err_set(err, ICP_ESKIP, "%s:%ld: not a JSON object",
                       r->name, line);
  }
  st = read_object(r, a, root, line, err);
  cJSON_Delete(root);
  /* --keep all: the keys of the first record are the kept columns */
  icp_schema_keep_done(r->schema);
  return st;
}

/* ---- a JSON text in memory (request bodies) ---------------------------- */

/* Keeps the first cell-level warning: in a text, it is an error. */
static void first_warning(void *ud, const char *msg)
{
  struct icp_err *e = ud;
  if(!e->msg[0])
    snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* One account of a text: read, refused on a warning, handed to fn. */
static enum icp_status text_item(struct icp_reader *r, const cJSON *obj,
                                 long idx, struct icp_account *a,
                                 icp_reader_item_fn fn, void *ud,
                                 struct icp_err *err)
{
  struct icp_err warned;
  enum icp_status st;
  icp_account_clear(a);
  a->file = r->name;
  a->line = idx;
  if(!cJSON_IsObject(obj))
    return idx ? icp_err_set(err, ICP_ESKIP, "%s:%ld: not a JSON object",
                             r->name, idx)
               : icp_err_set(err, ICP_ESKIP, "%s: not a JSON object or "
                             "array of objects", r->name);
  warned.msg[0] = 0;
  r->warn = first_warning;
  r->warn_ud = &warned;
  st = read_object(r, a, obj, idx, err);
  r->warn = NULL;
  if(st)
    return st;
  if(warned.msg[0])
    return icp_err_set(err, ICP_ESKIP, "%s", warned.msg);
  return fn(ud, a, err);
}

enum icp_status icp_reader_read_text(struct icp_reader *r, const char *text,
                                     size_t n, size_t max_items,
                                     struct icp_account *a,
                                     icp_reader_item_fn fn, void *ud,
                                     int *is_array, struct icp_err *err)
{
  const char *why, *end = text;
  const cJSON *it;
  cJSON *root;
  enum icp_status st = ICP_OK;
  long idx = 0;

  *is_array = 0;
  if(!r->jsonl)
    return icp_err_set(err, ICP_EINVAL, "%s: not a JSON reader", r->name);
  if(text[n])
    return icp_err_set(err, ICP_EINVAL, "%s: text not NUL-terminated",
                       r->name);
  why = precheck(text, n);
  if(why)
    return icp_err_set(err, ICP_ESKIP, "%s: %s", r->name, why);
  root = cJSON_ParseWithLengthOpts(text, n + 1, &end, 1);
  if(!root) {
    long line = 1, col = 1;
    const char *q;
    if(!end || end < text || end > text + n)
      end = text;
    for(q = text; q < end; q++, col++)
      if(*q == '\n') {
        line++;
        col = 0;
      }
    return icp_err_set(err, ICP_ESKIP, "%s: invalid JSON at line %ld, "
                       "column %ld", r->name, line, col);
  }
  *is_array = cJSON_IsArray(root);
  if(!*is_array)
    st = text_item(r, root, 0, a, fn, ud, err);
  else if((size_t)cJSON_GetArraySize(root) > max_items)
    st = icp_err_set(err, ICP_ELIMIT, "%s: %d accounts, more than the "
                     "limit of %zu", r->name, cJSON_GetArraySize(root),
                     max_items);
  else
    for(it = root->child; it && !st; it = it->next)
      st = text_item(r, it, ++idx, a, fn, ud, err);
  cJSON_Delete(root);
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

static void jsonl_free(struct icp_reader *r)
{
  struct jsonl_state *js = r->jsonl;
  if(!js)
    return;
  icp_buf_free(&js->key);
  free(js->stamp);
  free(js->map);
  free(js->sib);
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
  r->open_sub = icp_jsonl_open_sub;
  icp_buf_init(&js->key, KEY_MAX);
  js->stamp = calloc(ICP_SCHEMA_MAX, sizeof(*js->stamp));
  js->sib = calloc(SIBLINGS, sizeof(*js->sib));
  js->map = calloc(ICP_SCHEMA_MAX, sizeof(*js->map));
  if(!js->stamp || !js->sib || !js->map)
    return icp_err_set(err, ICP_ENOMEM, "%s: out of memory", r->name);
  return ICP_OK;
}
