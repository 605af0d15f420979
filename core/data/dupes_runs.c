/*
 * dupes_runs.c -- the duplicate tracker's runs: a sorted buffer spilled
 * to a temporary file, runs merged (a few at a time while adding, in
 * parts side by side when pruning, all at once for the report). See
 * dupes.c for the format and the order of records.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "data/dupes_impl.h"

/* The domains of a part of a prune: keys from lo (inclusive; none for
 * the first part) to hi (exclusive; none for the last). */
struct range {
  int has_lo, has_hi;
  uint64_t lo1, lo2, hi1, hi2;
};

/* A reader of one run (or of the in-memory buffer). */
struct cursor {
  int fd;               /* a run's file (read with pread: parts of a
                         * prune read one file side by side), or -1:
                         * the in-memory buffer */
  uint64_t start, off;  /* first byte to read, next byte to read */
  struct range r;       /* a part's domains (zero: all) */
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

void icp_dupes_drop_run(struct run *r)
{
  if(r->fp)
    fclose(r->fp);
  free(r->ix);
  memset(r, 0, sizeof(*r));
}

void icp_dupes_clear_runs(struct icp_dupes *d)
{
  size_t i;
  for(i = 0; i < d->nruns; i++)
    icp_dupes_drop_run(&d->runs[i]);
  d->nruns = 0;
}


/* A run_out on a new temporary file: NULL when out of memory or files. */
static struct run_out *out_new(void)
{
  struct run_out *o = calloc(1, sizeof(*o));
  if(o && !(o->run.fp = tmpfile())) {
    free(o);
    o = NULL;
  }
  return o;
}

/* Frees o; its run too unless it was taken. */
static void out_free(struct run_out *o)
{
  if(o) {
    icp_dupes_drop_run(&o->run);
    free(o);
  }
}

static int out_flush(struct run_out *o)
{
  size_t n = o->n;
  o->n = 0;
  o->off += n;
  return n && fwrite(o->blk, 1, n, o->run.fp) != n;
}

/* The whole run written: 0, or -1. */
static int out_end(struct run_out *o)
{
  return out_flush(o) || fflush(o->run.fp);
}

static int write_rec(struct run_out *o, const char *dom, uint16_t len,
                     uint32_t file, int64_t line)
{
  unsigned char *r;
  if(o->n + REC_HEAD + len > OUT_BLOCK && out_flush(o))
    return -1;
  if(o->nrec++ % IX_EVERY == 0) {
    struct run *u = &o->run;
    struct ixent *x;
    if(icp_grow(u->ix, u->ixcap, u->nix + 1))
      return -1;
    x = &u->ix[u->nix++];
    x->k1 = prefix_of(dom, len);
    x->k2 = len > 8 ? prefix_of(dom + 8, len - 8u) : 0;
    x->off = o->off + o->n;
  }
  r = o->blk + o->n;
  memcpy(r, &len, 2);
  memcpy(r + 2, &file, 4);
  memcpy(r + 6, &line, 8);
  memcpy(r + REC_HEAD, dom, len);
  o->n += REC_HEAD + (size_t)len;
  return 0;
}


/* Takes run r into d (r is emptied); r is left as it was on failure. */
enum icp_status icp_dupes_add_run(struct icp_dupes *d, struct run *r)
{
  if(icp_grow(d->runs, d->rcap, d->nruns + 1))
    return ICP_ENOMEM;
  d->runs[d->nruns++] = *r;
  memset(r, 0, sizeof(*r));
  return ICP_OK;
}


/* Spills the buffer (emptied): to the hashed file, or as a sorted run. */
enum icp_status icp_dupes_spill(struct icp_dupes *d)
{
  return d->hashed ? icp_dupes_hash_spill(d) : icp_dupes_sorted_spill(d);
}

/* Sorts the buffer and writes it as a new run; the buffer is emptied. */
enum icp_status icp_dupes_sorted_spill(struct icp_dupes *d)
{
  struct run_out *o;
  size_t i;
  if(!d->n)
    return ICP_OK;
  if(icp_dupes_sort(d))
    return ICP_ENOMEM;
  if(!(o = out_new()))
    return ICP_EIO;
  for(i = 0; i < d->n; i++)
    if(write_rec(o, d->pool + d->e[i].off, d->e[i].len, d->e[i].file,
                 d->e[i].line))
      break;
  if(i < d->n || out_end(o) || icp_dupes_add_run(d, &o->run)) {
    out_free(o);
    return ICP_EIO;
  }
  out_free(o);
  d->n = 0;
  d->plen = 0;
  return icp_dupes_cascade(d);
}


/* ---- merging ----------------------------------------------------------- */

/* At least need unread bytes in the cursor's block (need <= BLOCK): 1,
 * 0 at the end of the run, -1 on an error or a run cut short. */
static int have(struct cursor *c, size_t need)
{
  if(c->bend - c->bpos >= need)
    return 1;
  memmove(c->blk, c->blk + c->bpos, c->bend - c->bpos);
  c->bend -= c->bpos;
  c->bpos = 0;
  {
    ssize_t got = icp_pread_full(c->fd, c->blk + c->bend, BLOCK - c->bend,
                                 c->off);
    if(got < 0)
      return -1;
    c->off += (uint64_t)got;
    c->bend += (size_t)got;
  }
  if(c->bend < need) /* the end of the run, or a record cut short */
    return c->bend ? -1 : 0;
  return 1;
}

static int keys_less(uint64_t a1, uint64_t a2, uint64_t b1, uint64_t b2)
{
  return a1 < b1 || (a1 == b1 && a2 < b2);
}

/* Loads the cursor's next record: 1 loaded, 0 at the end, -1 error. */
static int advance(struct cursor *c)
{
  if(c->fd < 0) {
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
    if(c->r.has_hi && !keys_less(c->k1, c->k2, c->r.hi1, c->r.hi2))
      return 0; /* the next part's */
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
  struct run_out *out;  /* a merge into a run: write here */
  int keep;             /* ... only the domains seen twice (a prune) */
  /* a report: group by domain */
  struct icp_dupes *d;
  void (*fn)(void *ud, const char *domain, const struct icp_dupe_at *at,
             size_t n);
  void *ud;
  char dom[ICP_DUPES_DOMAIN_MAX + 1];
  uint16_t len;
  uint64_t k1, k2;      /* keys_of(dom): a new domain is seen by them */
  int copied;           /* dom holds the domain (else only its keys) */
  uint32_t file1;       /* a prune: the group's first occurrence */
  int64_t line1;
  struct icp_dupe_at *at;
  size_t nat;
  long count;           /* occurrences of dom */
  long dups;            /* domains reported */
};

static void flush_group(struct sink *s)
{
  if(s->count >= 2 && !s->out) {
    s->d->total = s->count;
    if(s->fn)
      s->fn(s->ud, s->dom, s->at, s->nat);
    s->dups++;
  }
  s->count = 0;
  s->nat = 0;
}

/* Whether c holds the group's domain: equal keys and length settle it up
 * to 16 bytes. When it does not, the group becomes c's; its domain is
 * copied when longer than the keys, or seen twice (most domains are seen
 * once: no copy). */
static int same_group(struct sink *s, const struct cursor *c)
{
  if(s->count && s->k1 == c->k1 && s->k2 == c->k2 && s->len == c->len &&
     (c->len <= 16 || !memcmp(s->dom + 16, c->dom + 16, c->len - 16u))) {
    if(!s->copied) {
      memcpy(s->dom, c->dom, (size_t)c->len + 1);
      s->copied = 1;
    }
    return 1;
  }
  flush_group(s);
  s->k1 = c->k1;
  s->k2 = c->k2;
  s->len = c->len;
  s->copied = c->len > 16;
  if(s->copied)
    memcpy(s->dom, c->dom, (size_t)c->len + 1);
  return 0;
}

static int sink_put(struct sink *s, const struct cursor *c)
{
  if(s->out && !s->keep)
    return write_rec(s->out, c->dom, c->len, c->file, c->line);
  if(s->keep) { /* the first occurrence waits for a second */
    if(!same_group(s, c)) {
      s->count = 1;
      s->file1 = c->file;
      s->line1 = c->line;
      return 0;
    }
    if(s->count++ == 1 &&
       write_rec(s->out, c->dom, c->len, s->file1, s->line1))
      return -1;
    return write_rec(s->out, c->dom, c->len, c->file, c->line);
  }
  same_group(s, c);
  if(s->nat < ICP_DUPES_AT_MAX) {
    s->at[s->nat].file = s->d->files[c->file];
    s->at[s->nat].line = (long)c->line;
    s->nat++;
  }
  s->count++;
  return 0;
}

/* A cursor over run r of d, from its start. */
static void over_run(struct cursor *c, const struct icp_dupes *d,
                     const struct run *r)
{
  memset(c, 0, offsetof(struct cursor, len));
  c->fd = fileno(r->fp);
  c->d = d;
}

/* A cursor over d's in-memory (sorted) buffer. */
static void over_buffer(struct cursor *c, const struct icp_dupes *d)
{
  memset(c, 0, offsetof(struct cursor, len));
  c->fd = -1;
  c->d = d;
}

/* Loads the cursor's first record (of its part): 1, 0 (none), -1. */
static int first(struct cursor *c)
{
  int r;
  c->bpos = c->bend = 0;
  c->off = c->start;
  c->next = 0;
  do
    r = advance(c);
  while(r == 1 && c->r.has_lo && keys_less(c->k1, c->k2, c->r.lo1, c->r.lo2));
  return r;
}

/* Merges cursors cur[0..n) (n <= ICP_DUPES_MERGE_MAX) into s. 0 or -1. */
static int merge(struct cursor *cur, size_t n, struct sink *s)
{
  struct hent heap[ICP_DUPES_MERGE_MAX];
  size_t h = 0, i;
  for(i = 0; i < n; i++) {
    int r = first(&cur[i]);
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
  struct run_out *o = out_new();
  unsigned level = d->runs[g].level;
  size_t k;
  if(!o)
    return -1;
  memset(&s, 0, sizeof(s));
  s.out = o;
  for(k = 0; k < n; k++)
    over_run(&cur[k], d, &d->runs[g + k]);
  if(merge(cur, n, &s) || out_end(o)) {
    out_free(o);
    return -1;
  }
  for(k = 0; k < n; k++)
    icp_dupes_drop_run(&d->runs[g + k]);
  d->runs[g] = o->run;
  d->runs[g].level = level + 1;
  memset(&o->run, 0, sizeof(o->run));
  out_free(o);
  return 0;
}

/* After a spill: while the last d->fanin runs have the same
 * level, merge them into one run of the next level. This keeps the number
 * of open runs logarithmic in the input size. */
enum icp_status icp_dupes_cascade(struct icp_dupes *d)
{
  struct cursor *cur = NULL;
  while(d->nruns >= d->fanin) {
    size_t g = d->nruns - d->fanin, k;
    for(k = g + 1; k < d->nruns; k++)
      if(d->runs[k].level != d->runs[g].level)
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


/* ---- pruning in parts, side by side ------------------------------------ */

/* Part k of a prune: the domains whose keys are in [lo, hi) (no lo for
 * the first part, no hi for the last), merged from every run of d into
 * a run of their own that keeps the domains seen twice. */
struct part {
  const struct icp_dupes *d;
  struct range r;
  struct run_out *o;
  int failed;
  pthread_t tid;
  int started;
};

/* Where a merge of run r from keys (k1, k2) starts: the indexed record
 * before the first one of those keys (the cursor skips to it). */
static uint64_t start_of(const struct run *r, uint64_t k1, uint64_t k2)
{
  size_t lo = 0, hi = r->nix;
  while(lo < hi) { /* the first entry not before the keys */
    size_t mid = lo + (hi - lo) / 2;
    if(keys_less(r->ix[mid].k1, r->ix[mid].k2, k1, k2))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo ? r->ix[lo - 1].off : 0;
}

static void *part_main(void *arg)
{
  struct part *p = arg;
  const struct icp_dupes *d = p->d;
  struct cursor *cur = calloc(d->nruns ? d->nruns : 1, sizeof(*cur));
  struct sink s;
  size_t k;
  p->failed = 1;
  if(!cur || !(p->o = out_new())) {
    free(cur);
    return NULL;
  }
  for(k = 0; k < d->nruns; k++) {
    struct cursor *c = &cur[k];
    over_run(c, d, &d->runs[k]);
    c->r = p->r;
    if(p->r.has_lo)
      c->start = start_of(&d->runs[k], p->r.lo1, p->r.lo2);
  }
  memset(&s, 0, sizeof(s));
  s.out = p->o;
  s.keep = 1;
  p->failed = merge(cur, d->nruns, &s) || out_end(p->o);
  free(cur);
  return NULL;
}

static int cmp_ix(const void *pa, const void *pb)
{
  const struct ixent *a = pa, *b = pb;
  if(a->k1 != b->k1)
    return a->k1 < b->k1 ? -1 : 1;
  return a->k2 < b->k2 ? -1 : a->k2 > b->k2;
}

/* Cuts d's domains into n parts of about as many records, by the keys of
 * the runs' indexed records (parts may be empty): a sample of at most
 * about CUT_SAMPLE of them, sorted, gives the pivots (sorting all of them
 * took 5 ms of a two-thread run's end on 1M domains). 0 or -1. */
#define CUT_SAMPLE 2048
static int cut_parts(const struct icp_dupes *d, struct part *p, size_t n)
{
  struct ixent *all;
  size_t total = 0, k, i, j, step;
  for(k = 0; k < d->nruns; k++)
    total += d->runs[k].nix;
  step = total / CUT_SAMPLE + 1;
  all = malloc((total / step + d->nruns + 1) * sizeof(*all));
  if(!all)
    return -1;
  for(k = 0, i = 0; k < d->nruns; k++)
    for(j = 0; j < d->runs[k].nix; j += step)
      all[i++] = d->runs[k].ix[j];
  total = i;
  qsort(all, total, sizeof(*all), cmp_ix);
  for(k = 0; k < n; k++) {
    p[k].d = d;
    if(k) { /* the pivot: where part k starts and part k - 1 ends */
      const struct ixent *x = &all[total * k / n];
      p[k].r.has_lo = p[k - 1].r.has_hi = 1;
      p[k].r.lo1 = p[k - 1].r.hi1 = x->k1;
      p[k].r.lo2 = p[k - 1].r.hi2 = x->k2;
    }
  }
  free(all);
  return 0;
}

enum icp_status icp_dupes_prune(struct icp_dupes *d, int threads)
{
  struct part *p;
  enum icp_status st;
  size_t n = threads > 1 ? (size_t)threads : 1, k, failed = 0;
  if(d->err)
    return d->err;
  if(d->hashed && (d->nhf || (d->n && d->nruns)))
    /* checked by hash: the domains seen twice go to sorted runs (a
     * hashed tracker's buffer never does) */
    return icp_dupes_hash_check(d, threads);
  if(!d->nruns) /* in memory: the report sorts it */
    return ICP_OK;
  if((st = icp_dupes_spill(d)) != ICP_OK)
    return d->err = st;
  if(d->nruns > ICP_DUPES_MERGE_MAX) {
    struct cursor *cur = calloc(ICP_DUPES_MERGE_MAX, sizeof(*cur));
    size_t fanin = d->fanin;
    d->fanin = ICP_DUPES_MERGE_MAX;
    st = !cur ? ICP_ENOMEM : reduce_runs(d, cur) ? ICP_EIO : ICP_OK;
    d->fanin = fanin;
    free(cur);
    if(st)
      return d->err = st;
  }
  if(!(p = calloc(n, sizeof(*p))))
    return d->err = ICP_ENOMEM;
  if(cut_parts(d, p, n)) {
    free(p);
    return d->err = ICP_ENOMEM;
  }
  for(k = 1; k < n; k++) /* a part without a thread runs here */
    p[k].started = !pthread_create(&p[k].tid, NULL, part_main, &p[k]);
  for(k = 0; k < n; k++) {
    if(p[k].started)
      pthread_join(p[k].tid, NULL);
    else
      part_main(&p[k]);
    failed += p[k].failed;
  }
  if(!failed) { /* the parts, in order, replace the runs */
    icp_dupes_clear_runs(d);
    for(k = 0; k < n && !st; k++)
      st = icp_dupes_add_run(d, &p[k].o->run);
  }
  for(k = 0; k < n; k++)
    out_free(p[k].o);
  free(p);
  if(failed && !st)
    st = ICP_EIO;
  if(st)
    d->err = st;
  return st;
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
  if(d->hashed && (d->nhf || (d->n && d->nruns)) &&
     icp_dupes_hash_check(d, 1)) {
    icp_dupes_clear_runs(d);
    d->n = d->plen = 0;
    return -1;
  }
  memset(&s, 0, sizeof(s));
  s.d = d;
  s.fn = fn;
  s.ud = ud;
  cur = calloc(ICP_DUPES_MERGE_MAX, sizeof(*cur));
  s.at = malloc(ICP_DUPES_AT_MAX * sizeof(*s.at));
  if(!cur || !s.at)
    goto done;
  if(d->nruns) {
    if(icp_dupes_spill(d) || reduce_runs(d, cur))
      goto done;
    n = d->nruns;
    for(k = 0; k < n; k++)
      over_run(&cur[k], d, &d->runs[k]);
  }
  else {
    if(icp_dupes_sort(d))
      goto done;
    over_buffer(&cur[0], d);
    n = 1;
  }
  if(merge(cur, n, &s))
    goto done;
  flush_group(&s);
  res = s.dups;
done:
  free(cur);
  free(s.at);
  icp_dupes_clear_runs(d);
  d->n = 0;
  d->plen = 0;
  d->total = 0;
  return res;
}

