/*
 * dupes_impl.h -- private to the duplicate tracker: what its buffer
 * (dupes.c: adding, sorting, the API) and its runs on disk (dupes_runs.c:
 * spilling, merging, pruning, the report) share. Not part of the API.
 */
#ifndef ICP_DUPES_IMPL_H
#define ICP_DUPES_IMPL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "data/dupes.h"

struct entry {
  uint32_t off;    /* domain in pool */
  uint32_t file;   /* index in files */
  uint16_t len;
  int64_t line;
};

/* A run: a temporary file of sorted records, and the keys and offset of
 * every IX_EVERY-th record, where a merge of part of the domains starts
 * (icp_dupes_prune). */
#define IX_EVERY 64

struct ixent {
  uint64_t k1, k2;      /* keys_of the record's domain */
  uint64_t off;
};

struct run {
  FILE *fp;
  unsigned level;       /* how many merges made it */
  struct ixent *ix;
  size_t nix, ixcap;
};

/* A hashed file (dupes_hash.c): spills of whole buffers, each ordered by
 * bucket (the top HASH_BITS bits of the domain's hash); per spill, where
 * each bucket's records start. */
#define HASH_BITS 8
#define NBUCKET (1u << HASH_BITS)
#define HREC_HEAD 22     /* uint64 hash, uint16 length, uint32 file, int64
                          * line; then the domain's bytes */
struct hspill {
  uint64_t off;          /* in the file */
  uint32_t at[NBUCKET + 1]; /* bucket b: [at[b], at[b + 1]) from off */
};

struct hfile {
  FILE *fp;
  struct hspill *sp;
  size_t nsp, spcap;
  uint64_t size;         /* bytes written */
};

struct icp_dupes {
  size_t budget;
  int hashed;           /* spills go to hashed files (dupes_hash.c); else
                         * (a tracker of the domains seen twice) to
                         * sorted runs */
  uint64_t hmask;       /* hashes are ANDed with it (tests: collisions) */
  struct hfile *hf;     /* its own (the last) and absorbed ones */
  size_t nhf, hfcap;
  int own_hf;           /* hf[nhf - 1] is its own, still written */
  uint64_t *hv;         /* spilling: the entries' hashes, */
  size_t hvcap;
  uint32_t *perm;       /* and their order by bucket */
  size_t permcap;
  size_t fanin;         /* runs merged at once, at most open */
  struct entry *e;
  size_t n, cap;
  char *pool;
  size_t plen, pcap;
  const char **files;   /* distinct file pointers */
  uint32_t nfiles, lastfile;
  size_t fcap;
  struct run *runs;
  size_t nruns, rcap;
  long total;           /* occurrences of the domain being reported */
  enum icp_status err;  /* the first occurrence that could not be kept */
  struct sortable *srt; /* sorting room: 2 * scap */
  size_t scap;
  struct entry *spare;  /* the sorted entries go here, then swap with e */
  size_t spcap;
};


/* A tracker of the domains seen twice, filled in order per domain (the
 * hashed check's output, or a part of it): sorted runs. */
struct icp_dupes *icp_dupes_new_sorted(size_t budget);
/* Writes the buffer as a sorted run (dupes_runs.c). */
enum icp_status icp_dupes_sorted_spill(struct icp_dupes *d);
/* dupes_hash.c: writes the buffer to the tracker's hashed file; moves
 * from's hashed files into d; checks d's hashed files in `threads` parts,
 * leaving d's domains seen twice in sorted runs of d. */
enum icp_status icp_dupes_hash_spill(struct icp_dupes *d);
enum icp_status icp_dupes_hash_absorb(struct icp_dupes *d,
                                      struct icp_dupes *from);
enum icp_status icp_dupes_hash_check(struct icp_dupes *d, int threads);
void icp_dupes_hash_free(struct icp_dupes *d);

#define BLOCK 8192       /* a run is read this much at a time */
#define OUT_BLOCK 65536  /* and written this much (a write each) */
#define REC_HEAD 14

/* Records go to a run through a block (one fwrite per block), and every
 * IX_EVERY-th one to its index. */
struct run_out {
  struct run run;       /* being written */
  uint64_t off;         /* bytes written before blk */
  size_t nrec;
  size_t n;
  unsigned char blk[OUT_BLOCK];
};

/* Comparing the prefixes as integers orders like memcmp (domains hold no
 * NUL byte, so zero padding sorts a prefix first, as the length tie-break
 * does) and settles most comparisons without touching the strings. */
static inline uint64_t prefix_of(const char *s, size_t n)
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

static inline int cmp_dom(const char *a, size_t an, const char *b, size_t bn)
{
  int c = memcmp(a, b, an < bn ? an : bn);
  if(c)
    return c;
  return an < bn ? -1 : an > bn;
}


/* dupes.c: sorts the buffered entries in place (by domain, then order):
 * 0, or -1 when out of memory. */
int icp_dupes_sort(struct icp_dupes *d);

/* dupes_runs.c: */
/* sorts the buffer and writes it as a new run (the buffer is emptied); */
enum icp_status icp_dupes_spill(struct icp_dupes *d);
/* merges the last runs while d->fanin of them have the same level; */
enum icp_status icp_dupes_cascade(struct icp_dupes *d);
/* takes run r into d (r is emptied; left as it was on failure); */
enum icp_status icp_dupes_add_run(struct icp_dupes *d, struct run *r);
/* closes and frees a run, or all of d's. */
void icp_dupes_drop_run(struct run *r);
void icp_dupes_clear_runs(struct icp_dupes *d);

#endif
