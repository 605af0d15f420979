/*
 * jsonl_reader.c -- one JSON object: read in one pass when its keys are
 * those of the lines before, in their order (the common line of a file),
 * else in two: the walk that stores what the run reads, over the keys the
 * scanner noted (jsonl_scan.c: no tree). The lines are jsonl_lines.c's.
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

/* What a line walk ends with, besides OK. */
struct walk {
  struct icp_reader *r;
  struct icp_account *a;
  struct jsonl_state *js;
  long line;
  const char *end;           /* the NUL after the text */
  struct icp_err *err;
  int fast;                  /* the one pass (fast_line): a warning or
                              * an error is not said but sets bail */
  int bail;
  size_t nitems;             /* the items fast_array noted */
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
  if(w->fast) {
    w->bail = 1;
    return ICP_ESKIP;
  }
  icp_err_set(&e, ICP_ESKIP, fmt, s);
  if(!w->line) /* a lone object of a text: no line to name */
    return icp_err_set(w->err, ICP_ESKIP, "%s: %s", w->r->name, e.msg);
  return icp_err_set(w->err, ICP_ESKIP, "%s:%ld: %s", w->r->name, w->line,
                     e.msg);
}

static void warn(struct walk *w, int id, const char *what)
{
  char m[ICP_ERR_MAX];
  if(w->fast) {
    w->bail = 1;
    return;
  }
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
  if(w->fast && (w->a->utf8_fixed || st)) {
    w->bail = 1; /* said by the two passes */
    return ICP_ESKIP;
  }
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

/* Whether field id takes an array: else it is warned about. */
static int list_field(struct walk *w, int id)
{
  enum icp_type t = icp_schema_type(w->r->schema, id);
  if(id == ICP_F_DOMAIN || (t != ICP_T_LIST && t != ICP_T_ANY)) {
    warn_type(w, id, "an array");
    return 0;
  }
  return 1;
}

/* Notes the array item [it, ie) (a string, number or literal) as item
 * cnt of field id's list: 0, or -1 when it is warned about or out of
 * memory (ICP_ENOMEM in *st). */
static int add_item(struct walk *w, int id, size_t cnt, const char *it,
                    const char *ie, enum icp_status *st)
{
  struct jsonl_state *js = w->js;
  if((*it == '-' || (unsigned)*it - '0' < 10) &&
     !isfinite(icp_jsonl_num_value(it, (size_t)(ie - it)))) {
    warn(w, id, "number out of range");
    return -1;
  }
  if(cnt == js->itemcap && icp_grow(js->items, js->itemcap, cnt + 1)) {
    *st = ICP_ENOMEM;
    return -1;
  }
  js->items[cnt].p = it;
  js->items[cnt].n = (uint32_t)(ie - it);
  return 0;
}

static enum icp_status set_items(struct walk *w, int id, size_t cnt);

static enum icp_status set_array(struct walk *w, int id, const char *v,
                                 const char *end)
{
  const char *it, *ie;
  size_t cnt = 0;
  enum icp_status st = ICP_OK;

  if(!list_field(w, id))
    return ICP_OK;
  /* the items' bytes into items (p: start, n: length), checked */
  for(it = first_item(v); it; it = next_item(ie)) {
    if(*it == '[' || *it == '{') {
      warn(w, id, "an array may only hold strings, numbers and bools");
      return ICP_OK;
    }
    ie = item_end(it, end);
    if(add_item(w, id, cnt, it, ie, &st))
      return st;
    cnt++;
  }
  return set_items(w, id, cnt);
}

/* Field id set to the list of the cnt items noted (add_item), built in
 * the account's arena: each item's text once, unescaped or formatted in
 * its place. */
static enum icp_status set_items(struct walk *w, int id, size_t cnt)
{
  struct jsonl_state *js = w->js;
  size_t room = 0, k = 0, off;
  struct icp_str *list;
  char *t;

  if(cnt > ICP_LIST_MAX)
    return skip(w, "column '%s': list longer than 10000 items",
                icp_schema_name(w->r->schema, id));
  for(off = 0; off < cnt; off++) /* a number's text: at most 32 bytes */
    room += *js->items[off].p == '-' ||
            (unsigned)*js->items[off].p - '0' < 10 ? 32
                                                   : js->items[off].n + 1;
  if(!(list = icp_account_list_room(w->a, cnt, room, &t)))
    return skip(w, "column '%s': record too large",
                icp_schema_name(w->r->schema, id));
  for(off = 0; off < cnt; off++) {
    const char *p = t, *s = js->items[off].p;
    size_t n = 0;
    if(*s == '"') {
      n = js->items[off].n - 2;
      if(memchr(s + 1, '\\', n))
        n = icp_jsonl_unescape(s + 1, s + 1 + n, t);
      else
        memcpy(t, s + 1, n);
      t[n] = 0;
      t += n + 1;
      if(!(p = icp_account_text(w->a, p, n, &n))) /* UTF-8 repaired */
        return skip(w, "column '%s': record too large",
                    icp_schema_name(w->r->schema, id));
    }
    else if(*s == '-' || (unsigned)*s - '0' < 10) {
      n = (size_t)fmt_num(t, 32, icp_jsonl_num_value(s, js->items[off].n));
      t += n + 1;
    }
    else if(*s != 'n') {
      n = *s == 't' ? 4 : 5;
      memcpy(t, *s == 't' ? "true" : "false", n + 1);
      t += n + 1;
    }
    if(!n)
      continue; /* null or empty string */
    list[k].p = p;
    list[k].n = (uint32_t)n;
    k++;
  }
  return settled(w, id, icp_account_put_list(w->a, id, list, k,
                                             w->r->source), NULL);
}

/* st, or when it is ICP_OK and scale is not 0, field id times scale (a
 * --columns scale). */
static enum icp_status scaled(struct walk *w, int id, enum icp_status st,
                              double scale)
{
  if(!st && scale != 0)
    st = settled(w, id, icp_reader_scale(w->a, id, scale, w->r->source),
                 NULL);
  return st;
}

/* Stores the value [v, ve) (not null; esc: a string holding escapes)
 * into field id, times scale when that is not 0. */
static enum icp_status store(struct walk *w, int id, const char *v,
                             const char *ve, int esc, double scale)
{
  enum icp_status st;
  switch(*v) {
  case '"': {
    size_t n;
    const char *s = string_text(w->js, v, ve, esc, &n);
    st = s ? set_text(w, id, s, n) : ICP_ENOMEM;
    break;
  }
  case 't': case 'f':
    st = set_bool(w, id, *v == 't');
    break;
  case '[':
    st = set_array(w, id, v, w->end);
    break;
  default:
    st = set_number(w, id, icp_jsonl_num_value(v, (size_t)(ve - v)));
  }
  return scaled(w, id, st, scale);
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
      sh->need = 0;
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
    st = store(w, id, e->v, e->ve, e->vesc, scale);
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
  w.fast = w.bail = 0;
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

/* ---- one pass -----------------------------------------------------------
 *
 * A line whose top-level keys are keys of the shape, in its order, each
 * one whose field is known, with values no store warns about, is read in
 * one pass: its grammar checked and its values stored as they come. Any
 * other line (a syntax error, an escape in a key, a key new to the shape,
 * a nested object, a value that would be warned about, a duplicate) is
 * given back with only the account touched, which the caller clears, and
 * the two passes read it as they always did: they alone say what is
 * wrong. The grammar and the stores are the two passes' own (the string,
 * escape, number and literal readers, store). */

/* s past JSON white space: bytes 1 to 32, as the scanner's. */
static inline const char *fws(const char *s)
{
  while((unsigned char)*s - 1u < 32u)
    s++;
  return s;
}

/* The end of the array at s when it holds only strings, numbers and
 * literals, else NULL; its items are noted for field id when id >= 0
 * (add_item), and NULL when one is not taken. */
static const char *fast_array(struct walk *w, const char *s, int id)
{
  size_t cnt = 0;
  enum icp_status st;
  const char *bad;
  int esc;
  w->nitems = 0;
  s = fws(s + 1);
  if(*s == ']')
    return s + 1;
  for(;;) {
    const char *it = s;
    if(!(s = icp_jsonl_scalar(s, w->end, &esc, &bad)) ||
       (id >= 0 && add_item(w, id, cnt++, it, s, &st)))
      return NULL;
    s = fws(s);
    if(*s == ']') {
      w->nitems = cnt;
      return s + 1;
    }
    if(*s != ',')
      return NULL;
    s = fws(s + 1);
  }
}

/* Whether a rule of the run reads the field of shape key sh, asked once
 * per shape key: the fields kept are fixed after the first record, and
 * the one pass starts with the second. */
static int needed(struct walk *w, struct shape_key *sh)
{
  if(!sh->need)
    sh->need = 1 + icp_schema_needed(w->r->schema, sh->fid);
  return sh->need == 2;
}

/* The line [p, w->end) read into w->a in one pass: 1, or 0 when it is
 * left to the two passes. */
static int fast_line(struct walk *w, const char *p)
{
  struct jsonl_state *js = w->js;
  const char *s = fws(p), *end = w->end;
  size_t at = 0;
  int key = 0;
  if(*s != '{' || *(s = fws(s + 1)) != '"')
    return 0;
  if(next_gen(&js->gen) == 1)
    memset(js->stamp, 0, ICP_SCHEMA_MAX * sizeof(*js->stamp));
  for(;;) {
    const char *k = s + 1, *ke, *v, *bad;
    struct shape_key *sh;
    long i;
    int esc = 0, id, want;
    if(*s != '"')
      return 0;
    sh = at < js->shape.n ? &js->shape.k[at] : NULL;
    if(sh && sh->plain && (size_t)(end - k) > sh->n && k[sh->n] == '"' &&
       icp_jsonl_shape_is(sh, js->shape.txt, k))
      ke = k + sh->n; /* the shape's next key, byte for byte */
    else if(!(ke = icp_jsonl_string_close(k, end, &esc)) || esc ||
            (i = icp_jsonl_shape_find(js, at, k, (size_t)(ke - k))) < 0)
      return 0;
    else
      sh = &js->shape.k[(at = (size_t)i)];
    if(!sh->mapped)
      return 0;
    at++;
    if(*(s = fws(ke + 1)) != ':')
      return 0;
    v = s = fws(s + 1);
    id = sh->fid;
    if(*v == 'n' || js->stamp[id] != js->gen)
      want = *v != 'n' && needed(w, sh);
    else if(sh->id == id)
      return 0; /* a duplicate: the two passes name it */
    else
      want = 0; /* an earlier key of the record gave this field */
    switch(*v) {
    case '{':
      return 0;
    case '[':
      if(!(s = fast_array(w, v, want && list_field(w, id) ? id : -1)))
        return 0;
      break;
    default:
      if(!(s = icp_jsonl_scalar(v, end, &esc, &bad)))
        return 0;
    }
    if(w->bail)
      return 0; /* list_field warned: not a list field */
    if(*v != 'n' && js->stamp[id] != js->gen) {
      js->stamp[id] = js->gen;
      key |= id == ICP_F_DOMAIN;
      if(want && (*v == '[' ? scaled(w, id, set_items(w, id, w->nitems),
                                     sh->scale)
                            : store(w, id, v, s, esc, sh->scale)))
        return 0;
      if(w->bail)
        return 0;
    }
    s = fws(s);
    if(*s == '}')
      break;
    if(*s != ',')
      return 0;
    s = fws(s + 1);
  }
  if(fws(s + 1) != end)
    return 0;
  if(key)
    w->r->has_key = 1;
  return 1;
}

void icp_jsonl_two_passes(struct icp_reader *r, int on)
{
  if(r->jsonl)
    r->jsonl->two_passes = on;
}

enum icp_status icp_jsonl_read_line(struct icp_reader *r,
                                    struct icp_account *a, char *p, size_t n,
                                    long line, struct icp_err *err)
{
  struct scan sc;
  const char *top = p, *why;
  enum icp_status st;

  if(r->jsonl->shape.n && !r->jsonl->two_passes) {
    struct walk w;
    int ok;
    w.r = r;
    w.a = a;
    w.js = r->jsonl;
    w.line = line;
    w.err = err;
    w.end = p + n;
    w.fast = 1;
    w.bail = 0;
    /* the one pass stores no NUL (its strings end at one) and unescapes
     * only to valid UTF-8: on an ASCII line every text it stores is
     * valid */
    a->ascii = icp_bytes_ascii(p, p + n);
    ok = fast_line(&w, p);
    a->ascii = 0;
    if(ok) {
      r->jsonl->one_pass++;
      icp_schema_keep_done(r->schema);
      return ICP_OK;
    }
    icp_account_clear(a); /* and the two passes */
    a->line = line;
  }
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
