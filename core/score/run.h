/*
 * run.h -- streaming a run: read every input, (enrich,) score, hand over.
 *
 * The one loop behind `icp score`, `icp test --golden`, `icp diff`,
 * `icp validate` and the Lua module's score_file: records are read one at
 * a time (in batches when an enrich hook is given) and scored with each
 * pack, in input order, so memory does not grow with the input. Bad
 * records are reported as "FILE:LINE: reason" on the diagnostic stream,
 * counted and skipped (or stop the run with strict); a domain seen more
 * than once is reported once at the end with all its lines.
 */
#ifndef ICP_RUN_H
#define ICP_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "icp.h"
#include "score/score.h"

#define ICP_RUN_BATCH 256
#define ICP_RUN_MAX_MESSAGES 200   /* per kind; the rest are counted */
#define ICP_RUN_MAX_CELL_MESSAGES 10 /* cells that did not fit, one line
                                        each; then a summary per column */

struct icp_run_stats {
  long read;        /* records read */
  long scored;      /* records scored and handed over */
  long skipped;     /* bad records */
  long warnings;    /* cells that did not fit their type */
  long rule_errors; /* accounts where a custom rule raised an error */
  long duplicates;  /* domains seen more than once */
  long no_key;      /* inputs without a domain column (the account key) */
  long unknown_fields; /* fields rules read that nothing provides */
};

/* Called per scored account with one result per pack, in input order. */
typedef enum icp_status (*icp_run_fn)(void *ud, const struct icp_account *a,
                                      struct icp_result *const *results,
                                      int npacks, struct icp_err *err);
/* Enriches accounts in place before scoring (may be NULL). */
typedef enum icp_status (*icp_enrich_fn)(void *ud,
                                         struct icp_account **accts,
                                         size_t n, struct icp_err *err);
typedef void (*icp_progress_fn)(void *ud, const struct icp_run_stats *s,
                                int final);
/* Formats one scored account's output into out (see icp_run_opts). */
typedef enum icp_status (*icp_format_fn)(void *ud,
                                         const struct icp_account *a,
                                         struct icp_result *const *results,
                                         int npacks, struct icp_buf *out);
/* Takes formatted output, in input order. */
typedef enum icp_status (*icp_write_fn)(void *ud, const char *p, size_t n,
                                        struct icp_err *err);

struct icp_run_opts {
  const char *format;          /* "csv", "jsonl", or NULL: by extension */
  int strict;                  /* stop at the first bad record */
  int explain;
  FILE *diag;                  /* messages (stderr when NULL) */
  icp_enrich_fn enrich;
  void *enrich_ud;
  icp_progress_fn progress;    /* called every few thousand records */
  void *progress_ud;
  /* pick which packs score an account (A/B): returns a bit mask, or NULL
   * for all packs */
  unsigned (*select)(void *ud, const struct icp_account *a);
  void *select_ud;
  /* Output: after fn accepted an account, emit appends its text to a
   * buffer that goes to write in input order, 64 KiB or a chunk at a time.
   * In a parallel run emit is called on worker threads (so it may only
   * read ud), fn and write on the calling thread. Both NULL: fn only. */
  icp_format_fn emit;
  icp_write_fn write;
  /* Parallel run (score/pool.c): threads > 1 reads on one thread, parses
   * and scores on `threads` workers, each with its own copy of the packs
   * (reloaded from their files; packs loaded from text run on one
   * thread), and hands over on the calling thread in input order: the
   * same calls, output and messages as threads <= 1. */
  int threads;
  /* Input split: only the records that start at a byte offset in
   * [range_beg, range_end) of each input (icp_reader_set_range). */
  int has_range;
  uint64_t range_beg, range_end;
  /* Shard: shard_n > 0 keeps the accounts in shard shard_k of shard_n
   * (icp_run_in_shard); the others are neither scored nor reported. */
  int shard_k, shard_n;
};

/* Whether an account (or, when a is NULL or has no domain, a record at
 * line) belongs to shard k of n: FNV-1a 64 of the normalized domain, else
 * of the line number, modulo n. Stable across runs and machines. */
int icp_run_in_shard(const struct icp_run_opts *o,
                     const struct icp_account *a, long line);

/* Runs inputs (paths, "-" for stdin; borrowed, must outlive the call)
 * through packs (all loaded against schema). ICP_OK when the run went
 * through (even with skipped records: see stats), ICP_ESKIP when strict
 * stopped it, another status when an input could not be read or fn
 * failed; err says which. */
enum icp_status icp_run(const char *const *inputs, int ninputs,
                        struct icp_pack **packs, int npacks,
                        struct icp_schema *schema,
                        const struct icp_run_opts *opts, icp_run_fn fn,
                        void *ud, struct icp_run_stats *stats,
                        struct icp_err *err);

#endif
