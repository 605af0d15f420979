/*
 * dupes.c -- duplicate domains with bounded memory: buffer, sort, spill
 * sorted runs to temporary files, k-way merge at report time.
 *
 * A run on disk is a sequence of records: a 14-byte head (uint16 length,
 * uint32 file index, int64 line), then the domain bytes; records go out
 * and come back a block at a time (stdio locks per call).
 * Within a run, records are sorted by domain, then by order of addition,
 * which is the order of file number and line (icp_dupes_add's contract);
 * ties between runs are broken by file number and line, so runs of
 * several trackers (one per worker, icp_dupes_absorb) merge into the
 * order of one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "data/dupes.h"

struct entry {
  uint32_t off;    /* domain in pool */
  uint32_t seq;    /* order of addition within the buffer */
  uint32_t file;   /* index in files */
  uint16_t len;
  int64_t line;
};

struct icp_dupes {
  size_t budget;
  size_t fanin;         /* runs merged at once, at most open */
  struct entry *e;
  size_t n, cap;
  char *pool;
  size_t plen, pcap;
  const char **files;   /* distinct file pointers */
  uint32_t nfiles, lastfile;
  size_t fcap;
  FILE **runs;
  unsigned char *level;  /* per run: how many merges made it */
  size_t nruns, rcap;
  long total;           /* occurrences of the domain being reported */
  enum icp_status err;  /* the first occurrence that could not be kept */
  struct sortable *srt; /* sorting room: 2 * scap */
  size_t scap;
  struct entry *spare;  /* the sorted entries go here, then swap with e */
  size_t spcap;
};

/* A reader of one run (or of the in-memory buffer). */
#define BLOCK 8192

struct cursor {
  FILE *fp;             /* NULL: in memory */
  size_t bpos, bend;    /* unread bytes of blk */
  const struct icp_dupes *d;
  size_t next;          /* in memory: next entry */
  uint16_t len;
  uint32_t file;
  int64_t line;
  uint64_t k1, k2;      /* keys_of(dom) */
  char dom[ICP_DUPES_DOMAIN_MAX + 16]; /* 16 bytes readable at dom */
  unsigned char blk[BLOCK]; /* a file run is read a block at a time */
};

static enum icp_status cascade(struct icp_dupes *d);

/* ---- buffering and spilling ------------------------------------------- */

struct icp_dupes *icp_dupes_new_budget(size_t bytes)
{
  struct icp_dupes *d = calloc(1, sizeof(*d));
  if(!d)
    return NULL;
  d->budget = bytes < 256 ? 256 : bytes;
  d->fanin = ICP_DUPES_MERGE_MAX;
  return d;
}

struct icp_dupes *icp_dupes_new(void)
{
  return icp_dupes_new_budget(ICP_DUPES_BUDGET);
}

static void clear_runs(struct icp_dupes *d)
{
  size_t i;
  for(i = 0; i < d->nruns; i++)
    if(d->runs[i])
      fclose(d->runs[i]);
  d->nruns = 0;
}

void icp_dupes_free(struct icp_dupes *d)
{
  if(!d)
    return;
  clear_runs(d);
  free(d->runs);
  free(d->level);
  free(d->e);
  free(d->spare);
  free(d->srt);
  free(d->pool);
  free(d->files);
  free(d);
}

/* A buffered entry being sorted: its domain's first 8 bytes as a
 * big-endian integer, the domain and the entry's index (its order of
 * addition). */
struct sortable {
  uint64_t pfx;         /* first 8 bytes, big-endian, zero-padded */
  const char *dom;
  uint32_t i;
  uint16_t len;
};

/* Comparing the prefixes as integers orders like memcmp (domains hold no
 * NUL byte, so zero padding sorts a prefix first, as the length tie-break
 * does) and settles most comparisons without touching the strings. */
static uint64_t prefix_of(const char *s, size_t n)
{
  uint64_t v = 0;
  size_t i;
  for(i = 0; i < 8; i++)
    v = (v << 8) | (i < n ? (unsigned char)s[i] : 0);
  return v;
}

/* Bytes 0-7 and 8-15 of s (n bytes; 16 are readable at s) as
 * big-endian integers, zero-padded: prefix_of(s, n) and prefix_of(s + 8,
 * n - 8), without a loop. */
static inline uint64_t be64(const char *s)
{
  uint64_t v;
  memcpy(&v, s, 8);
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return __builtin_bswap64(v);
#else
  return prefix_of(s, 8);
#endif
}

static inline uint64_t keep(uint64_t v, size_t n)
{
  return n >= 8 ? v : n ? v & ~(~(uint64_t)0 >> (8 * n)) : 0;
}

static inline void keys_of(const char *s, size_t n, uint64_t *k1,
                           uint64_t *k2)
{
  *k1 = keep(be64(s), n);
  *k2 = n > 8 ? keep(be64(s + 8), n - 8) : 0;
}

static int cmp_dom(const char *a, size_t an, const char *b, size_t bn)
{
  int c = memcmp(a, b, an < bn ? an : bn);
  if(c)
    return c;
  return an < bn ? -1 : an > bn;
}

/* Entries of equal first 8 bytes, pfx holding bytes 8-15: by those,
 * the rest of the domain, then by order. */
static int cmp_tail(const void *pa, const void *pb)
{
  const struct sortable *a = pa, *b = pb;
  size_t an = a->len > 16 ? a->len - 16u : 0;
  size_t bn = b->len > 16 ? b->len - 16u : 0;
  int c;
  if(a->pfx != b->pfx)
    return a->pfx < b->pfx ? -1 : 1;
  if(an || bn) {
    c = cmp_dom(an ? a->dom + 16 : a->dom, an, bn ? b->dom + 16 : b->dom, bn);
    if(c)
      return c;
  }
  return a->i < b->i ? -1 : a->i > b->i;
}

/* Sorts s[0..n) by prefix, stable (so equal prefixes keep the order of
 * addition): least significant byte first, a byte that is the same in
 * every entry skipped; tmp has room for n. Returns the sorted array (s
 * or tmp). */
static struct sortable *radix_sort(struct sortable *s, struct sortable *tmp,
                                   size_t n)
{
  static const int shift[8] = { 0, 8, 16, 24, 32, 40, 48, 56 };
  size_t count[8][256], i;
  int b;
  memset(count, 0, sizeof(count));
  for(i = 0; i < n; i++)
    for(b = 0; b < 8; b++)
      count[b][(s[i].pfx >> shift[b]) & 0xff]++;
  for(b = 0; b < 8; b++) {
    size_t sum = 0, k;
    struct sortable *t;
    if(count[b][(s[0].pfx >> shift[b]) & 0xff] == n)
      continue; /* every entry has this byte */
    for(k = 0; k < 256; k++) {
      size_t c = count[b][k];
      count[b][k] = sum;
      sum += c;
    }
    for(i = 0; i < n; i++)
      tmp[count[b][(s[i].pfx >> shift[b]) & 0xff]++] = s[i];
    t = s;
    s = tmp;
    tmp = t;
  }
  return s;
}

/* Sorts the buffered entries in place (by domain, then order). */
static int sort_entries(struct icp_dupes *d)
{
  struct sortable *s;
  struct entry *e;
  size_t i, j;
  if(d->n < 2)
    return 0;
  if(d->n > d->scap) {
    free(d->srt);
    d->scap = 0;
    if(!(d->srt = malloc(2 * d->n * sizeof(*d->srt))))
      return -1;
    d->scap = d->n;
  }
  if(icp_grow(d->spare, d->spcap, d->n))
    return -1;
  s = d->srt;
  for(i = 0; i < d->n; i++) {
    s[i].dom = d->pool + d->e[i].off;
    s[i].len = d->e[i].len;
    s[i].i = (uint32_t)i;
    s[i].pfx = prefix_of(s[i].dom, s[i].len);
  }
  s = radix_sort(s, d->srt + d->scap, d->n);
  /* runs of one prefix: by the next 8 bytes, then the rest */
  for(i = 0; i < d->n; i = j) {
    int longer = s[i].len > 8;
    size_t k;
    for(j = i + 1; j < d->n && s[j].pfx == s[i].pfx; j++)
      longer |= s[j].len > 8;
    if(j - i < 2 || !longer)
      continue;
    for(k = i; k < j; k++)
      s[k].pfx = s[k].len > 8 ? prefix_of(s[k].dom + 8, s[k].len - 8u) : 0;
    qsort(s + i, j - i, sizeof(*s), cmp_tail);
  }
  for(i = 0; i < d->n; i++)
    d->spare[i] = d->e[s[i].i];
  e = d->e; /* the sorted copy becomes the buffer */
  d->e = d->spare;
  d->spare = e;
  i = d->cap;
  d->cap = d->spcap;
  d->spcap = i;
  return 0;
}

#define REC_HEAD 14

/* Records go to a run through a block (one fwrite per block). */
struct run_out {
  FILE *fp;
  size_t n;
  unsigned char blk[BLOCK];
};

static int out_flush(struct run_out *o)
{
  size_t n = o->n;
  o->n = 0;
  return n && fwrite(o->blk, 1, n, o->fp) != n;
}

static int write_rec(struct run_out *o, const char *dom, uint16_t len,
                     uint32_t file, int64_t line)
{
  unsigned char *r;
  if(o->n + REC_HEAD + len > BLOCK && out_flush(o))
    return -1;
  r = o->blk + o->n;
  memcpy(r, &len, 2);
  memcpy(r + 2, &file, 4);
  memcpy(r + 6, &line, 8);
  memcpy(r + REC_HEAD, dom, len);
  o->n += REC_HEAD + (size_t)len;
  return 0;
}

static enum icp_status add_run(struct icp_dupes *d, FILE *fp)
{
  /* runs and level share rcap (a failure leaves it as it was) */
  size_t cr = d->rcap, cl = d->rcap;
  if(icp_grow(d->runs, cr, d->nruns + 1) ||
     icp_grow(d->level, cl, d->nruns + 1))
    return ICP_ENOMEM;
  d->rcap = cr;
  d->level[d->nruns] = 0;
  d->runs[d->nruns++] = fp;
  return ICP_OK;
}

/* Sorts the buffer and writes it as a new run; the buffer is emptied. */
static enum icp_status spill(struct icp_dupes *d)
{
  struct run_out *o;
  FILE *fp;
  size_t i;
  if(!d->n)
    return ICP_OK;
  if(sort_entries(d) || !(o = malloc(sizeof(*o))))
    return ICP_ENOMEM;
  o->fp = fp = tmpfile();
  o->n = 0;
  if(!fp) {
    free(o);
    return ICP_EIO;
  }
  for(i = 0; i < d->n; i++)
    if(write_rec(o, d->pool + d->e[i].off, d->e[i].len, d->e[i].file,
                 d->e[i].line))
      break;
  if(i < d->n || out_flush(o)) {
    free(o);
    fclose(fp);
    return ICP_EIO;
  }
  free(o);
  if(fflush(fp) || add_run(d, fp)) {
    fclose(fp);
    return ICP_EIO;
  }
  d->n = 0;
  d->plen = 0;
  return cascade(d);
}

static int file_index(struct icp_dupes *d, const char *file, uint32_t *out)
{
  uint32_t i;
  if(d->nfiles && d->files[d->lastfile] == file) {
    *out = d->lastfile;
    return 0;
  }
  for(i = 0; i < d->nfiles; i++)
    if(d->files[i] == file) {
      *out = d->lastfile = i;
      return 0;
    }
  if(d->nfiles == UINT32_MAX ||
     icp_grow(d->files, d->fcap, (size_t)d->nfiles + 1))
    return -1;
  d->files[d->nfiles] = file;
  *out = d->lastfile = d->nfiles++;
  return 0;
}

enum icp_status icp_dupes_set_files(struct icp_dupes *d,
                                    const char *const *files, size_t n)
{
  if(n > UINT32_MAX || icp_grow(d->files, d->fcap, n))
    return ICP_ENOMEM;
  memcpy(d->files, files, n * sizeof(*files));
  d->nfiles = (uint32_t)n;
  d->lastfile = 0;
  return ICP_OK;
}

static enum icp_status add_at(struct icp_dupes *d, const char *domain,
                              const char *file, uint32_t fi, long line);

enum icp_status icp_dupes_add(struct icp_dupes *d, const char *domain,
                              const char *file, long line)
{
  return add_at(d, domain, file, 0, line);
}

enum icp_status icp_dupes_add_in(struct icp_dupes *d, const char *domain,
                                 unsigned fi, long line)
{
  if(fi >= d->nfiles)
    return ICP_EINVAL;
  return add_at(d, domain, NULL, fi, line);
}

/* Adds an occurrence in file (looked up) or, when file is NULL, in file
 * number fi. */
static enum icp_status add_at(struct icp_dupes *d, const char *domain,
                              const char *file, uint32_t fi, long line)
{
  size_t len = strlen(domain);
  struct entry *e;
  if(len > ICP_DUPES_DOMAIN_MAX)
    return ICP_EINVAL;
  if(d->n && (d->n + 1) * sizeof(struct entry) + d->plen + len + 1 >
             d->budget) {
    enum icp_status st = spill(d);
    if(st)
      return d->err ? st : (d->err = st);
  }
  if((file && file_index(d, file, &fi)) || icp_grow(d->e, d->cap, d->n + 1) ||
     icp_grow(d->pool, d->pcap, d->plen + len + 1)) {
    if(!d->err)
      d->err = ICP_ENOMEM;
    return ICP_ENOMEM;
  }
  memcpy(d->pool + d->plen, domain, len + 1);
  e = &d->e[d->n];
  e->off = (uint32_t)d->plen;
  e->len = (uint16_t)len;
  e->seq = (uint32_t)d->n;
  e->file = fi;
  e->line = line;
  d->plen += len + 1;
  d->n++;
  return ICP_OK;
}

enum icp_status icp_dupes_absorb(struct icp_dupes *d,
                                 struct icp_dupes *from)
{
  enum icp_status st = from->err;
  size_t k;
  if(!st && from->nfiles != d->nfiles)
    st = ICP_EINVAL;
  if(!st) /* its buffer, as a run of its own */
    st = spill(from);
  for(k = 0; k < from->nruns; k++) {
    enum icp_status as = st ? st : add_run(d, from->runs[k]);
    if(as) {
      st = as;
      fclose(from->runs[k]);
    }
    else
      d->level[d->nruns - 1] = from->level[k];
  }
  from->nruns = 0;
  from->n = 0;
  from->plen = 0;
  if(!st)
    st = cascade(d);
  if(st && !d->err)
    d->err = st;
  return st;
}

/* ---- merging ----------------------------------------------------------- */

/* At least need unread bytes in the cursor's block (need <= BLOCK): 1,
 * 0 at the end of the run, -1 on an error or a run cut short. */
static int have(struct cursor *c, size_t need)
{
  size_t got;
  if(c->bend - c->bpos >= need)
    return 1;
  memmove(c->blk, c->blk + c->bpos, c->bend - c->bpos);
  c->bend -= c->bpos;
  c->bpos = 0;
  got = fread(c->blk + c->bend, 1, BLOCK - c->bend, c->fp);
  c->bend += got;
  if(c->bend >= need)
    return 1;
  return ferror(c->fp) || c->bend ? -1 : 0;
}

/* Loads the cursor's next record: 1 loaded, 0 at the end, -1 error. */
static int advance(struct cursor *c)
{
  if(!c->fp) {
    const struct entry *e;
    if(c->next >= c->d->n)
      return 0;
    e = &c->d->e[c->next++];
    c->len = e->len;
    memcpy(c->dom, c->d->pool + e->off, e->len);
    c->dom[e->len] = 0;
    c->file = e->file;
    c->line = e->line;
    keys_of(c->dom, c->len, &c->k1, &c->k2);
    return 1;
  }
  {
    const unsigned char *r;
    int got = have(c, REC_HEAD);
    if(got <= 0)
      return got;
    r = c->blk + c->bpos;
    memcpy(&c->len, r, 2);
    memcpy(&c->file, r + 2, 4);
    memcpy(&c->line, r + 6, 8);
    if(c->len > ICP_DUPES_DOMAIN_MAX || have(c, REC_HEAD + c->len) <= 0)
      return -1;
    memcpy(c->dom, c->blk + c->bpos + REC_HEAD, c->len);
    c->dom[c->len] = 0;
    keys_of(c->dom, c->len, &c->k1, &c->k2);
    c->bpos += REC_HEAD + (size_t)c->len;
  }
  return 1;
}

/* Cursor order: domain (its 16-byte keys settle most), then file and
 * line. */
static int cursor_less(const struct cursor *a, const struct cursor *b)
{
  int c;
  if(a->k1 != b->k1)
    return a->k1 < b->k1;
  if(a->k2 != b->k2)
    return a->k2 < b->k2;
  if((a->len > 16 || b->len > 16) &&
     (c = cmp_dom(a->dom + 16, a->len > 16 ? a->len - 16u : 0,
                  b->dom + 16, b->len > 16 ? b->len - 16u : 0)) != 0)
    return c < 0;
  if(a->len != b->len) /* equal keys, zero padded: the shorter first */
    return a->len < b->len;
  if(a->file != b->file)
    return a->file < b->file;
  return a->line < b->line;
}

/* Binary min-heap of cursors, their keys inline: most comparisons touch
 * no cursor. */
struct hent {
  uint64_t k1, k2;
  struct cursor *c;
};

static inline int hent_less(const struct hent *a, const struct hent *b)
{
  if(a->k1 != b->k1)
    return a->k1 < b->k1;
  if(a->k2 != b->k2)
    return a->k2 < b->k2;
  return cursor_less(a->c, b->c);
}

static void sift_down(struct hent *h, size_t n, size_t i)
{
  struct hent t = h[i];
  for(;;) {
    size_t l = 2 * i + 1, m;
    if(l >= n)
      break;
    m = l + 1 < n && hent_less(&h[l + 1], &h[l]) ? l + 1 : l;
    if(!hent_less(&h[m], &t))
      break;
    h[i] = h[m];
    i = m;
  }
  h[i] = t;
}

/* Receives the merged stream, one record at a time. */
struct sink {
  struct run_out *out;  /* intermediate merge: write here */
  /* final merge: group by domain */
  struct icp_dupes *d;
  void (*fn)(void *ud, const char *domain, const struct icp_dupe_at *at,
             size_t n);
  void *ud;
  char dom[ICP_DUPES_DOMAIN_MAX + 1];
  uint16_t len;
  uint64_t k1, k2;      /* keys_of(dom): a new domain is seen by them */
  int copied;           /* dom holds the domain (else only its keys) */
  struct icp_dupe_at *at;
  size_t nat;
  long count;           /* occurrences of dom */
  long dups;            /* domains reported */
};

static void flush_group(struct sink *s)
{
  if(s->count >= 2) {
    s->d->total = s->count;
    if(s->fn)
      s->fn(s->ud, s->dom, s->at, s->nat);
    s->dups++;
  }
  s->count = 0;
  s->nat = 0;
}

static int sink_put(struct sink *s, const struct cursor *c)
{
  if(s->out)
    return write_rec(s->out, c->dom, c->len, c->file, c->line);
  /* the same domain as the group's: equal keys and length settle it up
   * to 16 bytes; the domain is copied when it is longer, or seen twice
   * (most domains are seen once: no copy) */
  if(!s->count || s->k1 != c->k1 || s->k2 != c->k2 || s->len != c->len ||
     (c->len > 16 && memcmp(s->dom + 16, c->dom + 16, c->len - 16u))) {
    flush_group(s);
    s->k1 = c->k1;
    s->k2 = c->k2;
    s->len = c->len;
    s->copied = c->len > 16;
    if(s->copied)
      memcpy(s->dom, c->dom, (size_t)c->len + 1);
  }
  else if(!s->copied) {
    memcpy(s->dom, c->dom, (size_t)c->len + 1);
    s->copied = 1;
  }
  if(s->nat < ICP_DUPES_AT_MAX) {
    s->at[s->nat].file = s->d->files[c->file];
    s->at[s->nat].line = (long)c->line;
    s->nat++;
  }
  s->count++;
  return 0;
}

/* Merges cursors cur[0..n) into s. 0 or -1. */
static int merge(struct cursor *cur, size_t n, struct sink *s)
{
  struct hent heap[ICP_DUPES_MERGE_MAX];
  size_t h = 0, i;
  for(i = 0; i < n; i++) {
    int r;
    cur[i].bpos = cur[i].bend = 0;
    if(cur[i].fp)
      rewind(cur[i].fp);
    r = advance(&cur[i]);
    if(r < 0)
      return -1;
    if(r) {
      heap[h].k1 = cur[i].k1;
      heap[h].k2 = cur[i].k2;
      heap[h++].c = &cur[i];
    }
  }
  for(i = h; i-- > 0;)
    sift_down(heap, h, i);
  while(h) {
    int r;
    if(sink_put(s, heap[0].c))
      return -1;
    r = advance(heap[0].c);
    if(r < 0)
      return -1;
    if(!r)
      heap[0] = heap[--h];
    else {
      heap[0].k1 = heap[0].c->k1;
      heap[0].k2 = heap[0].c->k2;
    }
    if(h)
      sift_down(heap, h, 0);
  }
  return 0;
}

/* Merges runs [g, g + n) into one new run, which takes the place of run
 * g (so the order of runs is kept). 0 or -1. */
static int merge_range(struct icp_dupes *d, size_t g, size_t n,
                       struct cursor *cur)
{
  struct sink s;
  struct run_out *o = malloc(sizeof(*o));
  FILE *fp = o ? tmpfile() : NULL;
  size_t k;
  if(!fp) {
    free(o);
    return -1;
  }
  o->fp = fp;
  o->n = 0;
  memset(&s, 0, sizeof(s));
  s.out = o;
  for(k = 0; k < n; k++) {
    cur[k].fp = d->runs[g + k];
    cur[k].d = d;
  }
  if(merge(cur, n, &s) || out_flush(o) || fflush(fp)) {
    free(o);
    fclose(fp);
    return -1;
  }
  free(o);
  for(k = 0; k < n; k++) {
    fclose(d->runs[g + k]);
    d->runs[g + k] = NULL;
  }
  d->runs[g] = fp;
  return 0;
}

/* After a spill: while the last d->fanin runs have the same
 * level, merge them into one run of the next level. This keeps the number
 * of open runs logarithmic in the input size. */
static enum icp_status cascade(struct icp_dupes *d)
{
  struct cursor *cur = NULL;
  while(d->nruns >= d->fanin) {
    size_t g = d->nruns - d->fanin, k;
    for(k = g + 1; k < d->nruns; k++)
      if(d->level[k] != d->level[g])
        break;
    if(k < d->nruns)
      break;
    if(!cur)
      cur = malloc(ICP_DUPES_MERGE_MAX * sizeof(*cur));
    if(!cur)
      return ICP_ENOMEM;
    if(merge_range(d, g, d->fanin, cur)) {
      free(cur);
      return ICP_EIO;
    }
    d->level[g]++;
    d->nruns = g + 1;
  }
  free(cur);
  return ICP_OK;
}

/* Merges groups of runs until at most d->fanin remain. */
static int reduce_runs(struct icp_dupes *d, struct cursor *cur)
{
  while(d->nruns > d->fanin) {
    size_t g, out = 0;
    for(g = 0; g < d->nruns; g += d->fanin) {
      size_t n = d->nruns - g;
      if(n > d->fanin)
        n = d->fanin;
      if(n > 1 && merge_range(d, g, n, cur))
        return -1;
      d->runs[out++] = d->runs[g];  /* out <= g: order is kept */
    }
    d->nruns = out;
  }
  return 0;
}

void icp_dupes_set_fanin(struct icp_dupes *d, size_t runs)
{
  d->fanin = runs < 2 ? 2 : runs > ICP_DUPES_MERGE_MAX ?
             ICP_DUPES_MERGE_MAX : runs;
}

long icp_dupes_report(struct icp_dupes *d,
                      void (*fn)(void *ud, const char *domain,
                                 const struct icp_dupe_at *at, size_t n),
                      void *ud)
{
  struct cursor *cur;
  struct sink s;
  size_t k, n;
  long res = -1;

  if(d->err) /* an occurrence was lost: a report would miss it */
    return -1;
  memset(&s, 0, sizeof(s));
  s.d = d;
  s.fn = fn;
  s.ud = ud;
  cur = calloc(ICP_DUPES_MERGE_MAX, sizeof(*cur));
  s.at = malloc(ICP_DUPES_AT_MAX * sizeof(*s.at));
  if(!cur || !s.at)
    goto done;
  if(d->nruns) {
    if(spill(d) || reduce_runs(d, cur))
      goto done;
    n = d->nruns;
    for(k = 0; k < n; k++) {
      cur[k].fp = d->runs[k];
      cur[k].d = d;
      }
  }
  else {
    if(sort_entries(d))
      goto done;
    cur[0].d = d;
    n = 1;
  }
  if(merge(cur, n, &s))
    goto done;
  flush_group(&s);
  res = s.dups;
done:
  free(cur);
  free(s.at);
  clear_runs(d);
  d->n = 0;
  d->plen = 0;
  d->total = 0;
  return res;
}

long icp_dupes_total(const struct icp_dupes *d)
{
  return d->total;
}

/* ---- the message ------------------------------------------------------- */

enum icp_status icp_dupes_format(struct icp_buf *b, const char *domain,
                                 const struct icp_dupe_at *at, size_t n,
                                 long total)
{
  size_t i;
  int one_file = 1;
  enum icp_status st;
  for(i = 1; i < n; i++)
    if(strcmp(at[i].file, at[0].file))
      one_file = 0;
  st = icp_buf_printf(b, "%s: %s", domain, one_file ? "lines " : "");
  for(i = 0; !st && i < n; i++) {
    if(i)
      st = icp_buf_add(b, ", ", 2);
    if(!st && one_file)
      st = icp_buf_printf(b, "%ld", at[i].line);
    else if(!st)
      st = icp_buf_printf(b, "%s:%ld", at[i].file, at[i].line);
  }
  if(!st && total > (long)n)
    st = icp_buf_printf(b, " and %ld more", total - (long)n);
  return st;
}
