/*
 * jsonl_scan.c -- the first pass of the JSONL reader (see "the scanner"
 * below): a line's grammar, limits and keys, no tree. The second pass and
 * the reader are in jsonl_reader.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "io/jsonl_impl.h"
#include "io/reader_impl.h"

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

/* ---- the scanner --------------------------------------------------------
 *
 * A line is read in two passes and no tree. The first (scan_value)
 * checks the whole text against the grammar cJSON accepts (what the
 * reader used before: its whitespace, numbers as strtod reads them from
 * [0-9.eE+-], literals by their first letters) and notes every key in
 * document order with its value's bytes, refusing NUL bytes, "\u0000"
 * and nesting deeper than ICP_JSON_DEPTH_MAX (precheck then names the
 * first such problem, as it always did), and notes the first duplicate,
 * invalid UTF-8 or surplus key of any object. The second (walk) stores
 * the values of the keys the run reads and steps over the others using
 * the noted bytes. A syntax error is reported at the column cJSON would
 * name. Stricter than cJSON on one point: "\u" must be followed by four
 * hex digits (cJSON read "\u00zz" as U+0000 and cut the string there). */


/* 1..32 are whitespace to cJSON; NUL is not a character of a line. */
static const char *ws(struct scan *sc, const char *s)
{
  if((unsigned char)*s > 32)
    return s;
  while(s < sc->end && (unsigned char)*s <= 32) {
    if(!*s) {
      sc->at = s;
      return NULL;
    }
    s++;
  }
  return s;
}

const char *icp_jsonl_ws(struct scan *sc, const char *s)
{
  return ws(sc, s);
}

static const char *fail(struct scan *sc, const char *at)
{
  sc->at = at > sc->end ? sc->end : at;
  return NULL;
}

static int hex4(const char *s, unsigned *out)
{
  unsigned v = 0;
  int i;
  for(i = 0; i < 4; i++) {
    unsigned c = (unsigned char)s[i], d;
    if(c - '0' < 10)
      d = c - '0';
    else if((c | 0x20u) - 'a' < 6)
      d = (c | 0x20u) - 'a' + 10;
    else
      return 0;
    v = v << 4 | d;
  }
  *out = v;
  return 1;
}

/* The code point of the \u escape at s (before close), its length in
 * *len; 0 with *len 0 when it is not a valid escape or pair. */
static unsigned u_escape(const char *s, const char *close, int *len)
{
  unsigned hi, lo;
  *len = 0;
  if(close - s < 6 || !hex4(s + 2, &hi) || (hi >= 0xDC00 && hi <= 0xDFFF))
    return 0;
  if(hi < 0xD800 || hi > 0xDBFF) {
    *len = 6;
    return hi;
  }
  if(close - (s + 6) < 6 || s[6] != '\\' || s[7] != 'u' ||
     !hex4(s + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
    return 0;
  *len = 12;
  return 0x10000 + ((hi & 0x3FF) << 10 | (lo & 0x3FF));
}

const char *icp_jsonl_bad_escape(const char *q, const char *close)
{
  for(; q < close; q++) {
    if(*q != '\\')
      continue;
    switch(q[1]) {
    case 'b': case 'f': case 'n': case 'r': case 't': case '"': case '\\':
    case '/':
      q++;
      break;
    case 'u': {
      int len;
      unsigned cp = u_escape(q, close, &len);
      if(!len || !cp)
        return q; /* U+0000: precheck names it */
      q += len - 1;
      break;
    }
    default:
      return q;
    }
  }
  return NULL;
}

const char *icp_jsonl_scalar(const char *s, const char *end, int *esc,
                             const char **bad)
{
  size_t n;
  *esc = 0;
  if(*s == '"') {
    const char *close = icp_jsonl_string_close(s + 1, end, esc);
    if(!close) {
      *bad = s + 1; /* as cJSON: just after the quote (precheck names a
                     * NUL byte) */
      return NULL;
    }
    if(*esc && (*bad = icp_jsonl_bad_escape(s + 1, close)) != NULL)
      return NULL; /* at the backslash */
    return close + 1;
  }
  if(*s == '-' || (unsigned)*s - '0' < 10)
    n = icp_jsonl_num_len(s, end);
  else
    n = icp_jsonl_literal(s, end);
  *bad = s;
  return n ? s + n : NULL;
}

/* The string at s (a '"'): its end after the closing quote, *esc when it
 * holds escapes. */
static const char *scan_string(struct scan *sc, const char *s, int *esc)
{
  const char *bad, *e = icp_jsonl_scalar(s, sc->end, esc, &bad);
  return e ? e : fail(sc, bad);
}

/* Unescapes the validated string body [s, e) into out (room for e - s
 * bytes); its length. */
size_t icp_jsonl_unescape(const char *s, const char *e, char *out)
{
  char *o = out;
  while(s < e) {
    const char *b = memchr(s, '\\', (size_t)(e - s));
    size_t n = b ? (size_t)(b - s) : (size_t)(e - s);
    int len;
    unsigned cp;
    memcpy(o, s, n);
    o += n;
    s += n;
    if(!b)
      break;
    switch(s[1]) {
    case 'b': *o++ = '\b'; s += 2; continue;
    case 'f': *o++ = '\f'; s += 2; continue;
    case 'n': *o++ = '\n'; s += 2; continue;
    case 'r': *o++ = '\r'; s += 2; continue;
    case 't': *o++ = '\t'; s += 2; continue;
    case 'u': break;
    default: *o++ = s[1]; s += 2; continue;
    }
    cp = u_escape(s, e, &len);
    s += len;
    if(cp < 0x80)
      *o++ = (char)cp;
    else if(cp < 0x800) {
      *o++ = (char)(0xC0 | cp >> 6);
      *o++ = (char)(0x80 | (cp & 0x3F));
    }
    else if(cp < 0x10000) {
      *o++ = (char)(0xE0 | cp >> 12);
      *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
      *o++ = (char)(0x80 | (cp & 0x3F));
    }
    else {
      *o++ = (char)(0xF0 | cp >> 18);
      *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
      *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
      *o++ = (char)(0x80 | (cp & 0x3F));
    }
  }
  return (size_t)(o - out);
}

/* What cJSON reads of the number at s: the bytes of [0-9.eE+-] there, of
 * which strtod takes the longest decimal prefix. 0 when none. */
size_t icp_jsonl_num_len(const char *s, const char *end)
{
  size_t span = 0, i = *s == '-', d = 0, j;
  while((unsigned)s[i] - '0' < 10)
    i++;
  if(i > (size_t)(*s == '-') && s[i] != '.' && s[i] != 'e' &&
     s[i] != 'E' && s[i] != '+' && s[i] != '-')
    return i; /* an integer: the common case */
  i = 0;
  while(s + span < end &&
        (((unsigned)s[span] - '0') < 10 || s[span] == '.' ||
         s[span] == 'e' || s[span] == 'E' || s[span] == '+' ||
         s[span] == '-'))
    span++;
  if(i < span && s[i] == '-')
    i++;
  for(; i < span && (unsigned)s[i] - '0' < 10; i++)
    d++;
  if(i < span && s[i] == '.')
    for(i++; i < span && (unsigned)s[i] - '0' < 10; i++)
      d++;
  if(!d)
    return 0;
  if(i < span && (s[i] == 'e' || s[i] == 'E')) {
    j = i + 1;
    if(j < span && (s[j] == '+' || s[j] == '-'))
      j++;
    if(j < span && (unsigned)s[j] - '0' < 10) {
      while(j < span && (unsigned)s[j] - '0' < 10)
        j++;
      i = j;
    }
  }
  return i;
}

/* The value of the number text [s, s + n) (from num_len). */
double icp_jsonl_num_value(const char *s, size_t n)
{
  char txt[64];
  size_t i = s[0] == '-';
  if(n - i <= 15) { /* up to 15 digits: exact in a double */
    double v = 0;
    size_t j;
    for(j = i; j < n && (unsigned)s[j] - '0' < 10; j++)
      v = v * 10 + (s[j] - '0');
    if(j == n)
      return i ? -v : v;
  }
  if(n >= sizeof(txt)) /* too long to be "0x..": strtod stops at n */
    return strtod(s, NULL);
  memcpy(txt, s, n);
  txt[n] = 0;
  return strtod(txt, NULL);
}

/* A hash of the key k (n bytes) from its length and its first and last
 * eight bytes: cheap, and the table compares whole keys anyway. */
static uint64_t key_hash(const char *k, size_t n)
{
  uint64_t a = 0, b = 0;
  if(n >= 8) {
    memcpy(&a, k, 8);
    memcpy(&b, k + n - 8, 8);
  }
  else
    memcpy(&a, k, n);
  a = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ n) * 0xC2B2AE3D27D4EB4FULL;
  return a ^ a >> 29;
}

static int ascii(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if((unsigned char)s[i] >= 0x80)
      return 0;
  return 1;
}

/* Notes key (unescaped) of object obj; the first problem of its keys
 * is remembered in sc->bad. Returns the key's index, or -1 (no memory). */
/* Where key e starts probing: its hash mixed with its object, so that
 * the same keys in each object of a large array (a request of 1,000
 * accounts) do not make one probe chain that every key walks. */
static uint32_t key_slot(const struct jkey *e)
{
  return e->h ^ (e->obj + 1) * 0x9E3779B1u;
}

/* Makes the duplicate table hold keys [0, nkeys) and room for need keys
 * at half load: 0, or -1 when out of memory. */
static int table_refill(struct jsonl_state *js, size_t need)
{
  size_t ts = js->tsize ? js->tsize : 64, i, j;
  while(2 * need > ts)
    ts *= 2;
  if(ts != js->tsize) {
    /* from small: a record's few keys probe a table that stays in the
     * cache (8,192 slots made each key of a request a cache miss) */
    struct kslot *nt = calloc(ts, sizeof(*nt));
    if(!nt)
      return -1;
    free(js->table);
    js->table = nt;
    js->tsize = ts;
    js->tgen = 0;
  }
  if(++js->tgen == 0) {
    memset(js->table, 0, js->tsize * sizeof(*js->table));
    js->tgen = 1;
  }
  for(i = 0; i < js->nkeys; i++) {
    for(j = key_slot(&js->keys[i]) & (ts - 1); js->table[j].gen == js->tgen;
        j = (j + 1) & (ts - 1))
      ;
    js->table[j].gen = js->tgen;
    js->table[j].idx = (uint32_t)i;
  }
  return 0;
}

long icp_jsonl_shape_find(const struct jsonl_state *js, size_t from,
                          const char *k, size_t n)
{
  size_t i = from, lim = i + SHAPE_AHEAD;
  if(lim > js->shape.n)
    lim = js->shape.n;
  for(; i < lim; i++)
    if(js->shape.k[i].n == n && icp_jsonl_shape_is(&js->shape.k[i],
                                                    js->shape.txt, k))
      return (long)i;
  return -1;
}

/* Notes top-level key k (n bytes) as shape key at. */
static long add_shape_key(struct scan *sc, const char *k, size_t n,
                          size_t at)
{
  struct jsonl_state *js = sc->js;
  struct jkey *e;
  if(js->nkeys == js->capkeys && /* per key: the call only to grow */
     icp_grow(js->keys, js->capkeys, js->nkeys + 1))
    return -1;
  e = &js->keys[js->nkeys];
  e->k = k;
  e->kn = (uint32_t)n;
  e->obj = 0;
  e->h = js->shape.k[at].h;
  e->v = e->ve = NULL;
  e->next = 0;
  e->sk = (uint32_t)at + 1;
  e->id = -1;
  sc->shape_at = (uint32_t)at + 1;
  return (long)js->nkeys++;
}

/* When the top-level key string at s (a quote) is the next key of the
 * shape, byte for byte: the end of the string, with the key noted in
 * *idx; else NULL (the key is scanned as any other). */
static const char *next_shape_key(struct scan *sc, const char *s, long *idx)
{
  const struct jsonl_state *js = sc->js;
  const struct shape_key *sh;
  const char *k = s + 1;
  if(sc->shape_at >= js->shape.n)
    return NULL;
  sh = &js->shape.k[sc->shape_at];
  if(!sh->plain || (size_t)(sc->end - k) <= sh->n || k[sh->n] != '"' ||
     !icp_jsonl_shape_is(sh, js->shape.txt, k))
    return NULL;
  *idx = add_shape_key(sc, k, sh->n, sc->shape_at);
  return k + sh->n + 1;
}

static long add_key(struct scan *sc, const char *k, const char *ke, int esc,
                    uint32_t obj, uint32_t nth)
{
  struct jsonl_state *js = sc->js;
  struct jkey *e;
  uint64_t h;
  size_t n = (size_t)(ke - k), j;
  long at = -1;
  if(js->nkeys == js->capkeys && /* per key: the call only to grow */
     icp_grow(js->keys, js->capkeys, js->nkeys + 1))
    return -1;
  if(!obj && sc->shaped) {
    /* a top-level key of the shape after the ones found before it
     * differs from them all (the shape's keys are distinct) */
    if(!esc && (at = icp_jsonl_shape_find(js, sc->shape_at, k, n)) >= 0)
      return add_shape_key(sc, k, n, (size_t)at);
    /* from here on, the table: with the keys noted so far */
    sc->shaped = 0;
    sc->reshape = 1;
    if(table_refill(js, js->nkeys + 1))
      return -1;
  }
  if(2 * (js->nkeys + 1) > js->tsize && table_refill(js, js->nkeys + 1))
    return -1;
  if(esc) {
    char *o = js->keytxt + js->keylen;
    n = icp_jsonl_unescape(k, ke, o);
    k = o;
    js->keylen += n;
  }
  h = key_hash(k, n);
  e = &js->keys[js->nkeys];
  e->k = k;
  e->kn = (uint32_t)n;
  e->obj = obj;
  e->h = (uint32_t)h;
  e->v = e->ve = NULL;
  e->next = 0;
  e->sk = 0;
  e->id = -1;
  if(!sc->bad) {
    if(nth > ICP_SCHEMA_MAX)
      sc->bad = "more than 4096 keys";
    else if(!ascii(k, n) && !icp_utf8_valid(k, n))
      sc->bad = "a key is not valid UTF-8";
  }
  for(j = key_slot(e) & (js->tsize - 1); js->table[j].gen == js->tgen;
      j = (j + 1) & (js->tsize - 1)) {
    const struct jkey *o = &js->keys[js->table[j].idx];
    if(o->obj == obj && o->h == e->h && o->kn == n && !memcmp(o->k, k, n)) {
      if(!sc->bad) {
        sc->bad = "duplicate key";
        sc->bad_key = (long)js->nkeys;
      }
      break;
    }
  }
  if(js->table[j].gen != js->tgen) {
    js->table[j].gen = js->tgen;
    js->table[j].idx = (uint32_t)js->nkeys;
  }
  return (long)js->nkeys++;
}

/* Whether key k (n bytes) is among the keys of shape s. */
static int in_shape(const struct shape *s, const char *k, size_t n)
{
  size_t i;
  for(i = 0; i < s->n; i++)
    if(s->k[i].n == n && !memcmp(s->txt + s->k[i].off, k, n))
      return 1;
  return 0;
}

/* Appends key (k, n, h, id) to shape s, with the field old (a key of the
 * shape before, or NULL) was known to feed: 0, or -1 (no memory). */
static int shape_put(struct shape *s, const char *k, size_t n, uint32_t h,
                     int id, const struct shape_key *old)
{
  struct shape_key *sh;
  if(icp_grow(s->k, s->cap, s->n + 1) ||
     icp_grow(s->txt, s->txtcap, s->len + n + 1))
    return -1;
  memcpy(s->txt + s->len, k, n);
  sh = &s->k[s->n++];
  icp_jsonl_key_ends(k, n, &sh->head, &sh->tail);
  sh->plain = !memchr(k, '"', n) && !memchr(k, '\\', n);
  sh->off = (uint32_t)s->len;
  sh->n = (uint32_t)n;
  sh->h = h;
  sh->id = id;
  sh->mapped = old ? old->mapped : 0; /* then id is old->id */
  sh->fid = sh->mapped ? old->fid : -1;
  sh->scale = sh->mapped ? old->scale : 0;
  sh->need = 0;
  s->len += n;
  return 0;
}

void icp_jsonl_shape_update(struct jsonl_state *js, const struct scan *sc)
{
  const struct shape *old = &js->shape;
  struct shape *s = &js->next, t;
  size_t i = 0, k;
  if(!sc->reshape || sc->bad)
    return;
  s->n = s->len = 0;
  /* old and new keys in one order, like a merge of two sorted lists:
   * a key of the record goes before the shape's keys that come later
   * in the record; a key already placed is not placed again */
  for(k = 0; k < js->nkeys && s->n < SHAPE_MAX; k = js->keys[k].next) {
    const struct jkey *e = &js->keys[k];
    long at = -1;
    size_t j;
    if(!e->next)
      break; /* the walk stopped before its value: not there */
    for(j = i; j < old->n; j++)
      if(old->k[j].n == e->kn &&
         !memcmp(old->txt + old->k[j].off, e->k, e->kn)) {
        at = (long)j;
        break;
      }
    for(; at >= 0 && i <= (size_t)at && s->n < SHAPE_MAX; i++) {
      const struct shape_key *o = &old->k[i];
      if(shape_put(s, old->txt + o->off, o->n, o->h,
                   i == (size_t)at && o->id < 0 ? e->id : o->id, o))
        return;
    }
    if(at < 0 && !in_shape(s, e->k, e->kn) &&
       shape_put(s, e->k, e->kn, e->h, e->id, NULL))
      return;
  }
  for(; i < old->n && s->n < SHAPE_MAX; i++) {
    const struct shape_key *o = &old->k[i];
    if(!in_shape(s, old->txt + o->off, o->n) &&
       shape_put(s, old->txt + o->off, o->n, o->h, o->id, o))
      return;
  }
  t = js->shape;
  js->shape = *s;
  *s = t;
}

/* An object or an array at s: its members, with the keys noted. */
static const char *scan_container(struct scan *sc, const char *s)
{
  char close = *s == '{' ? '}' : ']';
  uint32_t obj = sc->nobj, nth = 0;
  if(close == '}')
    sc->nobj++;
  if(++sc->depth > ICP_JSON_DEPTH_MAX)
    return fail(sc, s);
  if(!(s = ws(sc, s + 1)))
    return NULL;
  if(*s == close) {
    sc->depth--;
    return s + 1;
  }
  for(;;) {
    long idx = -1;
    if(close == '}') {
      const char *k = s, *ke;
      int esc;
      if(*s != '"')
        return fail(sc, s + 1);
      ++nth;
      if(!obj && sc->shaped && !sc->nokeys &&
         (ke = next_shape_key(sc, s, &idx)) != NULL)
        s = ke;
      else if(!(s = scan_string(sc, s, &esc)))
        return NULL;
      else
        idx = sc->nokeys ? -2 : add_key(sc, k + 1, s - 1, esc, obj, nth);
      if(idx == -1) {
        sc->nomem = 1;
        return fail(sc, k);
      }
      if(!(s = ws(sc, s)))
        return NULL;
      if(*s != ':')
        return fail(sc, s);
      if(!(s = ws(sc, s + 1)))
        return NULL;
      if(idx >= 0)
        sc->js->keys[idx].v = s;
    }
    if(!(s = icp_jsonl_scan_value(sc, s)))
      return NULL;
    if(close == ']' && sc->depth == 1)
      sc->items++;
    if(idx >= 0) {
      sc->js->keys[idx].vesc = sc->vesc;
      sc->js->keys[idx].ve = s;
      sc->js->keys[idx].next = (uint32_t)sc->js->nkeys;
    }
    if(!(s = ws(sc, s)))
      return NULL;
    if(*s == close)
      break;
    if(*s != ',')
      return fail(sc, s);
    if(!(s = ws(sc, s + 1)))
      return NULL;
  }
  sc->depth--;
  return s + 1;
}

/* cJSON's literals: their letters, whatever follows. */
size_t icp_jsonl_literal(const char *s, const char *end)
{
  if(end - s >= 4 && (!memcmp(s, "null", 4) || !memcmp(s, "true", 4)))
    return 4;
  if(end - s >= 5 && !memcmp(s, "false", 5))
    return 5;
  return 0;
}

const char *icp_jsonl_scan_value(struct scan *sc, const char *s)
{
  const char *e, *bad;
  if(*s == '{' || *s == '[')
    return scan_container(sc, s);
  e = icp_jsonl_scalar(s, sc->end, &sc->vesc, &bad);
  return e ? e : fail(sc, bad);
}

/* Starts a first pass over text that ends at end (a NUL): 0, or -1
 * when out of memory. */
int icp_jsonl_scan_begin(struct scan *sc, struct jsonl_state *js,
                         const char *p, const char *end)
{
  size_t n = (size_t)(end - p);
  memset(sc, 0, sizeof(*sc));
  sc->js = js;
  sc->end = end;
  sc->bad_key = -1;
  sc->shaped = 1;
  js->nkeys = 0;
  js->keylen = 0;
  if(++js->tgen == 0) {
    if(js->table)
      memset(js->table, 0, js->tsize * sizeof(*js->table));
    js->tgen = 1;
  }
  if(n + 1 > js->keycap && icp_grow(js->keytxt, js->keycap, n + 1))
    return -1;
  return 0;
}

/* The first pass over the text [p, p + n) (p[n] is NUL): 1 when it is
 * one JSON value (*top its first byte), else 0 with the reason in *why:
 * oom, a precheck reason, or NULL for a syntax error at sc->at. Keys
 * are noted when keys is set (else only the grammar is checked); the
 * members of a top-level array are counted in sc->items. */
int icp_jsonl_scan_text(struct scan *sc, struct jsonl_state *js,
                        const char *p, size_t n, int keys, const char **top,
                        const char **why)
{
  const char *s = p;
  *why = NULL;
  if(icp_jsonl_scan_begin(sc, js, p, p + n)) {
    *why = oom;
    return 0;
  }
  sc->nokeys = !keys;
  if(n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
    s += 3;
  if((s = ws(sc, s)) != NULL) {
    *top = s;
    if((s = icp_jsonl_scan_value(sc, s)) != NULL && (s = ws(sc, s)) != NULL &&
       s != sc->end)
      s = fail(sc, s);
  }
  if(s)
    return 1;
  *why = sc->nomem ? oom : precheck(p, n);
  return 0;
}
