/*
 * dupes_hash.c -- the duplicate tracker's check by hash: most domains of
 * a file are seen once, and sorting them all (then merging the sorted
 * runs) to find the few seen twice was a tenth of a run's time.
 *
 * A full buffer is spilled to the tracker's hashed file in bucket order
 * (the top HASH_BITS bits of a 64-bit hash of the domain), written a block
 * at a time; where each bucket starts is kept per spill. At the end, buckets
 * are checked in groups that fit in memory (consecutive buckets, their
 * records from every spill of every file): a hash table finds the domains
 * seen twice, and only their occurrences go on, per domain in order of
 * file and line, to a tracker of sorted runs (dupes_runs.c), whose runs
 * the report merges. The hash only narrows: the sorted runs compare whole
 * domains, so two domains of one hash are never taken for one (the table
 * compares them too, to pass on fewer). The groups are checked in parts
 * side by side (a parallel run's end). A bucket too large for memory on
 * its own (from about six million domains in a run) is checked in up to
 * SPLIT_MAX slices of the hash's next bits, a pass over the bucket each
 * (up to about fifteen million); past that, or when hashes crowd, it goes
 * through sorted runs as a whole: slower, never wrong.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "data/dupes_impl.h"

/* A group's records in memory: at most this, or the budget. */
#define GROUP_MIN ((size_t)1 << 20)

static size_t group_max(const struct icp_dupes *d)
{
  return d->budget > GROUP_MIN ? d->budget : GROUP_MIN;
}

/* A 64-bit hash of the domain s (n bytes): its words mixed in turn. */
static uint64_t dom_hash(const char *s, size_t n)
{
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
  while(n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    s += 8;
    n -= 8;
  }
  if(n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  return h ^ (h >> 32);
}

static unsigned bucket_of(uint64_t h)
{
  return (unsigned)(h >> (64 - HASH_BITS));
}

/* ---- spilling ---------------------------------------------------------- */

static void put_rec(unsigned char *r, uint64_t h, uint16_t len, uint32_t file,
                    int64_t line, const char *dom)
{
  memcpy(r, &h, 8);
  memcpy(r + 8, &len, 2);
  memcpy(r + 10, &file, 4);
  memcpy(r + 14, &line, 8);
  memcpy(r + HREC_HEAD, dom, len);
}

enum icp_status icp_dupes_hash_spill(struct icp_dupes *d)
{
  uint32_t at[NBUCKET + 1], pos[NBUCKET];
  unsigned char blk[OUT_BLOCK];
  size_t i, n = 0, total = 0;
  struct hfile *f;
  struct hspill *sp;
  unsigned b;
  if(!d->n)
    return ICP_OK;
  if(!d->own_hf) { /* its own file, at its first spill */
    if(icp_grow(d->hf, d->hfcap, d->nhf + 1))
      return ICP_ENOMEM;
    f = &d->hf[d->nhf];
    memset(f, 0, sizeof(*f));
    if(!(f->fp = tmpfile()))
      return ICP_EIO;
    d->nhf++;
    d->own_hf = 1;
  }
  f = &d->hf[d->nhf - 1];
  if(icp_grow(d->hv, d->hvcap, d->n) || icp_grow(d->perm, d->permcap, d->n) ||
     icp_grow(f->sp, f->spcap, f->nsp + 1))
    return ICP_ENOMEM;
  /* the entries by bucket, each bucket in order: a counting sort */
  memset(at, 0, sizeof(at));
  memset(pos, 0, sizeof(pos));
  for(i = 0; i < d->n; i++) {
    const struct entry *e = &d->e[i];
    d->hv[i] = dom_hash(d->pool + e->off, e->len) & d->hmask;
    b = bucket_of(d->hv[i]);
    at[b + 1] += HREC_HEAD + e->len;
    pos[b]++;
    total += HREC_HEAD + e->len;
  }
  if(total > UINT32_MAX - 1)
    return ICP_ENOMEM;
  for(b = 0; b < NBUCKET; b++) {
    uint32_t c = pos[b];
    at[b + 1] += at[b];
    pos[b] = (uint32_t)n;
    n += c;
  }
  for(i = 0; i < d->n; i++)
    d->perm[pos[bucket_of(d->hv[i])]++] = (uint32_t)i;
  /* written a block at a time */
  for(i = 0, n = 0; i < d->n; i++) {
    const struct entry *e = &d->e[d->perm[i]];
    if(n + HREC_HEAD + e->len > sizeof(blk)) {
      if(fwrite(blk, 1, n, f->fp) != n)
        return ICP_EIO;
      n = 0;
    }
    put_rec(blk + n, d->hv[d->perm[i]], e->len, e->file, e->line,
            d->pool + e->off);
    n += HREC_HEAD + e->len;
  }
  if(fwrite(blk, 1, n, f->fp) != n || fflush(f->fp))
    return ICP_EIO;
  sp = &f->sp[f->nsp++];
  sp->off = f->size;
  memcpy(sp->at, at, sizeof(at));
  f->size += total;
  d->n = 0;
  d->plen = 0;
  return ICP_OK;
}

enum icp_status icp_dupes_hash_absorb(struct icp_dupes *d,
                                      struct icp_dupes *from)
{
  size_t k;
  if(!from->nhf)
    return ICP_OK;
  if(!d->hashed) /* its reports would not read them */
    return ICP_EINVAL;
  if(icp_grow(d->hf, d->hfcap, d->nhf + from->nhf))
    return ICP_ENOMEM;
  /* d's own file stays last: the absorbed ones go before it */
  if(d->own_hf) {
    struct hfile own = d->hf[d->nhf - 1];
    for(k = 0; k < from->nhf; k++)
      d->hf[d->nhf - 1 + k] = from->hf[k];
    d->hf[d->nhf - 1 + from->nhf] = own;
  }
  else
    memcpy(d->hf + d->nhf, from->hf, from->nhf * sizeof(*d->hf));
  d->nhf += from->nhf;
  from->nhf = 0;
  from->own_hf = 0;
  return ICP_OK;
}

static void drop_files(struct icp_dupes *d)
{
  size_t k;
  for(k = 0; k < d->nhf; k++) {
    if(d->hf[k].fp)
      fclose(d->hf[k].fp);
    free(d->hf[k].sp);
  }
  d->nhf = 0;
  d->own_hf = 0;
}

void icp_dupes_hash_free(struct icp_dupes *d)
{
  drop_files(d);
  free(d->hf);
  free(d->hv);
  free(d->perm);
}

/* ---- reading a range of buckets back ----------------------------------- */

/* The records of buckets [b0, b1) of every spill of every file of d, in
 * order of file, spill and record: read a block at a time. */
struct reader {
  const struct icp_dupes *d;
  unsigned b0, b1;
  size_t f, s;            /* the file and spill being read */
  uint64_t off, end;      /* their range left in the file */
  size_t bpos, bend;
  unsigned char blk[OUT_BLOCK];
};

static void reader_init(struct reader *r, const struct icp_dupes *d,
                        unsigned b0, unsigned b1)
{
  r->d = d;
  r->b0 = b0;
  r->b1 = b1;
  r->f = r->s = 0;
  r->off = r->end = 0;
  r->bpos = r->bend = 0;
}

/* Makes need bytes readable at r->blk + r->bpos within the current range:
 * 1, 0 at the range's end, -1 on a read error or a record cut short. */
static int reader_have(struct reader *r, size_t need)
{
  if(r->bend - r->bpos >= need)
    return 1;
  if(r->bend > r->bpos && r->off >= r->end)
    return -1; /* a record cut short */
  memmove(r->blk, r->blk + r->bpos, r->bend - r->bpos);
  r->bend -= r->bpos;
  r->bpos = 0;
  if(r->off < r->end) {
    size_t want = sizeof(r->blk) - r->bend;
    ssize_t got;
    if(want > r->end - r->off)
      want = (size_t)(r->end - r->off);
    got = icp_pread_full(fileno(r->d->hf[r->f].fp), r->blk + r->bend, want,
                         r->off);
    if(got < (ssize_t)want) /* an error, or the file cut short */
      return -1;
    r->off += (uint64_t)got;
    r->bend += (size_t)got;
  }
  if(r->bend < need) /* the range's end, or a record cut short */
    return r->bend ? -1 : 0;
  return 1;
}

/* The next record: 1 with its fields (dom points into the block, valid
 * until the next call), 0 at the end, -1 on an error. *fi: its file. */
static int reader_next(struct reader *r, uint64_t *h, uint16_t *len,
                       uint32_t *file, int64_t *line, const char **dom,
                       size_t *fi)
{
  for(;;) {
    int got = reader_have(r, HREC_HEAD);
    const unsigned char *p;
    if(got < 0)
      return -1;
    if(got) {
      p = r->blk + r->bpos;
      memcpy(h, p, 8);
      memcpy(len, p + 8, 2);
      memcpy(file, p + 10, 4);
      memcpy(line, p + 14, 8);
      if(*len > ICP_DUPES_DOMAIN_MAX || *file >= r->d->nfiles ||
         reader_have(r, HREC_HEAD + (size_t)*len) <= 0)
        return -1;
      *dom = (const char *)r->blk + r->bpos + HREC_HEAD;
      r->bpos += HREC_HEAD + (size_t)*len;
      *fi = r->f;
      return 1;
    }
    /* the next spill with records in the range */
    for(;;) {
      const struct hfile *f;
      if(r->f >= r->d->nhf)
        return 0;
      f = &r->d->hf[r->f];
      if(r->s >= f->nsp) {
        r->f++;
        r->s = 0;
        continue;
      }
      r->off = f->sp[r->s].off + f->sp[r->s].at[r->b0];
      r->end = f->sp[r->s].off + f->sp[r->s].at[r->b1];
      r->s++;
      if(r->off < r->end)
        break;
    }
    r->bpos = r->bend = 0;
  }
}

/* ---- checking a group in memory ---------------------------------------- */

struct hrec {
  uint64_t h;
  uint32_t off;         /* its domain in the group's text */
  uint32_t root;        /* the first occurrence of its domain */
  uint32_t file;
  uint16_t len;
  uint8_t seen_twice;   /* (on a root) */
  int64_t line;
};

/* An occurrence of a domain seen twice, with what orders it. */
struct dupent {
  uint32_t root, idx;
  uint32_t file;
  int64_t line;
};

/* The work of one part: its groups' records, and its tracker of the
 * domains seen twice. */
struct hpart {
  struct icp_dupes *d;
  const unsigned *gb;   /* group g: buckets [gb[g], gb[g + 1]) */
  size_t g0, g1;        /* its groups */
  struct icp_dupes *out;
  struct hrec *rec;
  size_t nrec, reccap;
  char *txt;            /* the group's records, as read */
  size_t tcap;
  uint32_t *slot;
  size_t slotcap;
  struct dupent *dup;   /* the records of domains seen twice */
  size_t ndup, dupcap;
  struct reader rd;
  enum icp_status st;
  pthread_t tid;
  int started;
};

/* Occurrences of domains seen twice: by domain (its first occurrence),
 * then file and line. */
static int cmp_dup(const void *pa, const void *pb)
{
  const struct dupent *a = pa, *b = pb;
  if(a->root != b->root)
    return a->root < b->root ? -1 : 1;
  if(a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

/* Finds the domains seen twice among the part's records and adds their
 * occurrences to its tracker. */
static enum icp_status check_records(struct hpart *p)
{
  size_t cap = 16, i, mask;
  char dom[ICP_DUPES_DOMAIN_MAX + 1];
  while(cap < 2 * p->nrec)
    cap *= 2;
  if(icp_grow(p->slot, p->slotcap, cap))
    return ICP_ENOMEM;
  memset(p->slot, 0, cap * sizeof(*p->slot));
  mask = cap - 1;
  p->ndup = 0;
  for(i = 0; i < p->nrec; i++) {
    struct hrec *r = &p->rec[i];
    size_t j = (size_t)r->h & mask;
    r->root = (uint32_t)i;
    r->seen_twice = 0;
    for(; p->slot[j]; j = (j + 1) & mask) {
      struct hrec *o = &p->rec[p->slot[j] - 1];
      if(o->h == r->h && o->len == r->len &&
         !memcmp(p->txt + o->off, p->txt + r->off, r->len)) {
        r->root = p->slot[j] - 1;
        o->seen_twice = 1;
        break;
      }
    }
    if(!p->slot[j])
      p->slot[j] = (uint32_t)i + 1;
  }
  for(i = 0; i < p->nrec; i++) {
    const struct hrec *r = &p->rec[i];
    struct dupent *e;
    if(!p->rec[r->root].seen_twice)
      continue;
    if(p->ndup == p->dupcap && icp_grow(p->dup, p->dupcap, p->ndup + 1))
      return ICP_ENOMEM;
    e = &p->dup[p->ndup++];
    e->root = r->root;
    e->idx = (uint32_t)i;
    e->file = r->file;
    e->line = r->line;
  }
  if(!p->ndup)
    return ICP_OK;
  qsort(p->dup, p->ndup, sizeof(*p->dup), cmp_dup);
  for(i = 0; i < p->ndup; i++) {
    const struct hrec *r = &p->rec[p->dup[i].idx];
    enum icp_status st;
    memcpy(dom, p->txt + r->off, r->len);
    dom[r->len] = 0;
    if((st = icp_dupes_add_in(p->out, dom, r->file, (long)r->line)) != ICP_OK)
      return st;
  }
  return ICP_OK;
}

/* Reads buckets [b0, b1) (bytes in all) into the part's text, each
 * spill's range with one read, and notes their records: ICP_OK, ICP_EIO
 * (a read error, or records that do not parse), ICP_ENOMEM. */
static enum icp_status load_group(struct hpart *p, unsigned b0, unsigned b1,
                                  size_t bytes)
{
  const struct icp_dupes *d = p->d;
  size_t k, s, at = 0;
  p->nrec = 0;
  if(bytes > p->tcap && icp_grow(p->txt, p->tcap, bytes))
    return ICP_ENOMEM;
  for(k = 0; k < d->nhf; k++)
    for(s = 0; s < d->hf[k].nsp; s++) {
      const struct hspill *sp = &d->hf[k].sp[s];
      size_t n = sp->at[b1] - sp->at[b0], end = at + n;
      unsigned char *t = (unsigned char *)p->txt;
      if(!n)
        continue;
      if(end > bytes ||
         icp_pread_full(fileno(d->hf[k].fp), t + at, n,
                        sp->off + sp->at[b0]) != (ssize_t)n)
        return ICP_EIO;
      while(at < end) {
        struct hrec *r;
        if(p->nrec == p->reccap && icp_grow(p->rec, p->reccap, p->nrec + 1))
          return ICP_ENOMEM;
        r = &p->rec[p->nrec];
        if(end - at < HREC_HEAD)
          return ICP_EIO;
        memcpy(&r->h, t + at, 8);
        memcpy(&r->len, t + at + 8, 2);
        memcpy(&r->file, t + at + 10, 4);
        memcpy(&r->line, t + at + 14, 8);
        if(r->len > ICP_DUPES_DOMAIN_MAX || r->file >= d->nfiles ||
           end - at - HREC_HEAD < r->len)
          return ICP_EIO;
        r->off = (uint32_t)(at + HREC_HEAD);
        at += HREC_HEAD + (size_t)r->len;
        p->nrec++;
      }
    }
  return ICP_OK;
}

/* A bucket too large for memory: its records through sorted runs, one
 * tracker per file (each file's records come in order of file and line),
 * merged into the domains seen twice, which go to the part's tracker. */
static enum icp_status sort_bucket(struct hpart *p, unsigned b)
{
  const struct icp_dupes *d = p->d;
  struct icp_dupes **t = calloc(d->nhf ? d->nhf : 1, sizeof(*t));
  enum icp_status st = t ? ICP_OK : ICP_ENOMEM;
  char dom[ICP_DUPES_DOMAIN_MAX + 1];
  uint64_t h;
  uint16_t len;
  uint32_t file;
  int64_t line;
  const char *dp;
  size_t fi, k;
  int got = 0;
  for(k = 0; !st && k < d->nhf; k++)
    if(!(t[k] = icp_dupes_new_sorted(d->budget)) ||
       icp_dupes_set_files(t[k], d->files, d->nfiles))
      st = ICP_ENOMEM;
  reader_init(&p->rd, d, b, b + 1);
  while(!st && (got = reader_next(&p->rd, &h, &len, &file, &line, &dp,
                                  &fi)) > 0) {
    memcpy(dom, dp, len);
    dom[len] = 0;
    st = icp_dupes_add_in(t[fi], dom, file, (long)line);
  }
  if(!st && got < 0)
    st = ICP_EIO;
  for(k = 1; !st && k < d->nhf; k++)
    st = icp_dupes_absorb(t[0], t[k]);
  /* the domains seen twice, as one run, into the part's tracker */
  if(!st && d->nhf && (st = icp_dupes_prune(t[0], 1)) == ICP_OK)
    st = icp_dupes_absorb(p->out, t[0]);
  for(k = 0; t && k < d->nhf; k++)
    icp_dupes_free(t[k]);
  free(t);
  return st;
}

/* The 16 bits of a hash below its bucket's: what splits a bucket. */
static unsigned sub_of(uint64_t h)
{
  return (unsigned)(h >> (64 - HASH_BITS - 16)) & 0xFFFFu;
}

/* A bucket larger than memory, in np passes: each reads the bucket whole
 * and checks the records of one slice of sub_of values, into the part's
 * tracker. *fits is 0 when a slice does not fit in memory after all
 * (hashes that crowd): the bucket must then go through sorted runs, and
 * what the earlier slices found be dropped (the caller gives a tracker of
 * its own for that). */
static enum icp_status split_bucket(struct hpart *p, unsigned b, size_t np,
                                    int *fits)
{
  size_t pass;
  *fits = 1;
  for(pass = 0; pass < np; pass++) {
    unsigned lo = (unsigned)(0x10000 * pass / np);
    unsigned hi = (unsigned)(0x10000 * (pass + 1) / np);
    uint64_t h;
    uint16_t len;
    uint32_t file;
    int64_t line;
    const char *dom;
    size_t fi, tlen = 0;
    int got;
    enum icp_status st;
    p->nrec = 0;
    reader_init(&p->rd, p->d, b, b + 1);
    while((got = reader_next(&p->rd, &h, &len, &file, &line, &dom,
                             &fi)) > 0) {
      struct hrec *r;
      unsigned sub = sub_of(h);
      if(sub < lo || sub >= hi)
        continue;
      if(tlen + len > group_max(p->d)) {
        *fits = 0;
        return ICP_OK;
      }
      if((p->nrec == p->reccap && icp_grow(p->rec, p->reccap, p->nrec + 1)) ||
         (tlen + len > p->tcap && icp_grow(p->txt, p->tcap, tlen + len)))
        return ICP_ENOMEM;
      r = &p->rec[p->nrec++];
      r->h = h;
      r->off = (uint32_t)tlen;
      r->len = len;
      r->file = file;
      r->line = line;
      memcpy(p->txt + tlen, dom, len);
      tlen += len;
    }
    if(got < 0)
      return ICP_EIO;
    if((st = check_records(p)) != ICP_OK)
      return st;
  }
  return ICP_OK;
}

/* Passes over a bucket larger than memory before it goes through sorted
 * runs instead: each pass reads the bucket whole. */
#define SPLIT_MAX 4

static void *part_main(void *arg)
{
  struct hpart *p = arg;
  size_t g;
  for(g = p->g0; g < p->g1 && !p->st; g++) {
    unsigned b0 = p->gb[g], b1 = p->gb[g + 1];
    uint64_t bytes = 0;
    size_t k, s, np;
    int fits = 0;
    for(k = 0; k < p->d->nhf; k++)
      for(s = 0; s < p->d->hf[k].nsp; s++)
        bytes += p->d->hf[k].sp[s].at[b1] - p->d->hf[k].sp[s].at[b0];
    if(bytes <= group_max(p->d)) {
      if((p->st = load_group(p, b0, b1, (size_t)bytes)) == ICP_OK)
        p->st = check_records(p);
      continue;
    }
    /* a bucket alone (see make_groups): in slices, with room for a
     * slice a quarter larger than its share */
    np = (size_t)((bytes + bytes / 4) / group_max(p->d)) + 1;
    if(np <= SPLIT_MAX) {
      struct icp_dupes *before = p->out;
      if(!(p->out = icp_dupes_new_sorted(p->d->budget)) ||
         icp_dupes_set_files(p->out, p->d->files, p->d->nfiles)) {
        icp_dupes_free(p->out);
        p->out = before;
        p->st = ICP_ENOMEM;
        continue;
      }
      icp_dupes_set_fanin(p->out, before->fanin);
      p->st = split_bucket(p, b0, np, &fits);
      /* what the slices found joins the part's tracker, or is dropped
       * when the bucket goes through sorted runs after all */
      if(!p->st && fits)
        p->st = icp_dupes_absorb(before, p->out);
      icp_dupes_free(p->out);
      p->out = before;
    }
    if(!p->st && !fits)
      p->st = sort_bucket(p, b0);
  }
  if(!p->st) /* its buffer, as a run */
    p->st = icp_dupes_sorted_spill(p->out);
  return NULL;
}

/* Cuts the buckets into groups of consecutive buckets that fit in
 * memory together (a bucket that does not fit is a group alone): gb[0..n]
 * the bounds, n returned. */
static size_t make_groups(const struct icp_dupes *d, unsigned *gb)
{
  uint64_t size[NBUCKET], cur = 0;
  size_t n = 0, k, s;
  unsigned b;
  memset(size, 0, sizeof(size));
  for(k = 0; k < d->nhf; k++)
    for(s = 0; s < d->hf[k].nsp; s++)
      for(b = 0; b < NBUCKET; b++)
        size[b] += d->hf[k].sp[s].at[b + 1] - d->hf[k].sp[s].at[b];
  gb[0] = 0;
  for(b = 0; b < NBUCKET; b++) {
    if(b > gb[n] && cur + size[b] > group_max(d)) {
      gb[++n] = b;
      cur = 0;
    }
    cur += size[b];
  }
  gb[++n] = NBUCKET;
  return n;
}

enum icp_status icp_dupes_hash_check(struct icp_dupes *d, int threads)
{
  unsigned gb[NBUCKET + 1];
  struct hpart *p;
  size_t ng, np, k;
  enum icp_status st;
  if(d->err)
    return d->err;
  if((st = icp_dupes_hash_spill(d)) != ICP_OK)
    return d->err = st;
  ng = make_groups(d, gb);
  np = threads > 1 ? (size_t)threads : 1;
  if(np > ng)
    np = ng;
  if(!(p = calloc(np, sizeof(*p))))
    return d->err = ICP_ENOMEM;
  for(k = 0; k < np; k++) {
    p[k].d = d;
    p[k].gb = gb;
    p[k].g0 = ng * k / np;
    p[k].g1 = ng * (k + 1) / np;
    if(!(p[k].out = icp_dupes_new_sorted(d->budget)) ||
       icp_dupes_set_files(p[k].out, d->files, d->nfiles))
      st = ICP_ENOMEM;
    else
      icp_dupes_set_fanin(p[k].out, d->fanin / np);
  }
  for(k = 1; !st && k < np; k++) /* a part without a thread runs here */
    p[k].started = !pthread_create(&p[k].tid, NULL, part_main, &p[k]);
  if(!st)
    part_main(&p[0]);
  for(k = 0; k < np; k++) {
    if(p[k].started)
      pthread_join(p[k].tid, NULL);
    else if(k && !st)
      part_main(&p[k]);
    if(!st)
      st = p[k].st;
  }
  for(k = 0; k < np; k++) { /* the parts' runs, in order, into d */
    if(!st && p[k].out)
      st = icp_dupes_absorb(d, p[k].out);
    icp_dupes_free(p[k].out);
    free(p[k].rec);
    free(p[k].txt);
    free(p[k].slot);
    free(p[k].dup);
  }
  free(p);
  drop_files(d);
  if(st && !d->err)
    d->err = st;
  return st;
}
