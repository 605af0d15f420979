/*
 * dupes.c -- duplicate domains with bounded memory, in two stages. A
 * tracker's full buffer is spilled to a temporary file by hash, and at
 * the end the hashes find the few domains seen twice (dupes_hash.c); only
 * those are sorted: buffered, sorted, spilled as sorted runs and merged
 * at report time (dupes_runs.c), which compares whole domains. A buffer
 * that never filled is sorted and reported as it is. This file holds the
 * buffer and its sort.
 *
 * A run on disk is a sequence of records: a 14-byte head (uint16 length,
 * uint32 file index, int64 line), then the domain bytes; records go out
 * a block at a time (stdio locks per call) and come back a block at a
 * time with pread (the parts of a prune read one run side by side). Every
 * 64th record's first 16 bytes and offset are kept: a part starts there.
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
#include "data/dupes_impl.h"

/* ---- buffering and spilling ------------------------------------------- */

struct icp_dupes *icp_dupes_new_budget(size_t bytes)
{
  struct icp_dupes *d = calloc(1, sizeof(*d));
  if(!d)
    return NULL;
  d->budget = bytes < 256 ? 256 : bytes;
  d->fanin = ICP_DUPES_MERGE_MAX;
  d->hashed = 1;
  d->hmask = ~(uint64_t)0;
  return d;
}

struct icp_dupes *icp_dupes_new_sorted(size_t budget)
{
  struct icp_dupes *d = icp_dupes_new_budget(budget);
  if(d)
    d->hashed = 0;
  return d;
}

struct icp_dupes *icp_dupes_new(void)
{
  return icp_dupes_new_budget(ICP_DUPES_BUDGET);
}


void icp_dupes_free(struct icp_dupes *d)
{
  if(!d)
    return;
  icp_dupes_clear_runs(d);
  icp_dupes_hash_free(d);
  free(d->runs);
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
int icp_dupes_sort(struct icp_dupes *d)
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
    enum icp_status st = icp_dupes_spill(d);
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
  if(!st) /* its buffer, as a run or a spill of its own */
    st = icp_dupes_spill(from);
  if(!st)
    st = icp_dupes_hash_absorb(d, from);
  for(k = 0; k < from->nruns; k++) {
    enum icp_status as = st ? st : icp_dupes_add_run(d, &from->runs[k]);
    if(as) {
      st = as;
      icp_dupes_drop_run(&from->runs[k]);
    }
  }
  from->nruns = 0;
  from->n = 0;
  from->plen = 0;
  if(!st)
    st = icp_dupes_cascade(d);
  if(st && !d->err)
    d->err = st;
  return st;
}


void icp_dupes_set_fanin(struct icp_dupes *d, size_t runs)
{
  d->fanin = runs < 2 ? 2 : runs > ICP_DUPES_MERGE_MAX ?
             ICP_DUPES_MERGE_MAX : runs;
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
