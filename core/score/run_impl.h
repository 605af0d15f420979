/*
 * run_impl.h -- private: what the sequential loop (run.c) and the parallel
 * one (pool.c) share, so that both hand over, count and report exactly
 * the same way. Not part of the API.
 */
#ifndef ICP_RUN_IMPL_H
#define ICP_RUN_IMPL_H

#include "base/buf.h"
#include "data/dupes.h"
#include "data/provenance.h"
#include "score/run.h"

#define ICP_RUN_FLUSH (1u << 16)  /* formatted output goes out by 64 KiB */

/* The hand-over side of a run: counters, messages, duplicates, output. */
struct icp_run_state {
  const struct icp_run_opts *o;
  FILE *diag;
  struct icp_run_stats *st;
  long shown_bad, shown_warn;
  struct icp_dupes *dupes;         /* files numbered as inputs */
  const char **names;             /* per input, as messages name it */
  icp_run_fn fn;
  void *ud;
  int npacks;
  struct icp_buf out;             /* sequential: formatted, not written */
  struct icp_provenance *prov;    /* _sources of an enriched file */
  struct cellsum *cells;          /* cell warnings by file and column */
  const struct icp_schema *schema;
  int headerless;                 /* an input without a header (JSONL)
                                   * was read: --columns mappings are
                                   * checked at the end */
  int ncells;
  size_t capcells;
  /* the input being read, in input order: */
  long in_records;                /* records (bad ones too), */
  long in_read;                   /* of them read (not bad), */
  long keyed;                     /* of those with a domain, */
  int key_seen;                   /* a record had the key (workers read
                                   * JSONL: the reader that closes it saw
                                   * no record) */
};

/* A cell warning of a kept record ("FILE:LINE: ..."). */
void icp_run_warned(struct icp_run_state *rs, const char *msg);
/* A bad record: counted and shown; ICP_ESKIP (err set) when strict. */
enum icp_status icp_run_bad(struct icp_run_state *rs, const char *msg,
                            struct icp_err *err);
/* Scores a with packs (those select picks); 1 when a custom rule of a
 * scored pack raised an error, -1 when out of memory. */
int icp_run_score(const struct icp_run_opts *o, struct icp_pack **packs,
                  struct icp_result **res, int npacks,
                  const struct icp_account *a);
/* A record of input number `input` read: counted, its domain noted for
 * the duplicate report. */
void icp_run_read(struct icp_run_state *rs, const struct icp_account *a,
                  int input);
/* A scored record handed over: fn, counters, progress. */
enum icp_status icp_run_hand(struct icp_run_state *rs,
                             const struct icp_account *a,
                             struct icp_result **res, int errors,
                             struct icp_err *err);
/* An input was opened (first: the first of the run): header notes go to
 * the diagnostic stream; at the first, the fields the packs read that
 * nothing provides are warned about. */
struct icp_reader;
void icp_run_opened(struct icp_run_state *rs, struct icp_reader *r,
                    struct icp_pack **packs, int first);
/* An input is done: its per-column type-error summary (when single lines
 * were cut), and the warning when it had records but no key column, or
 * a key column that held no domain. */
void icp_run_closing(struct icp_run_state *rs, struct icp_reader *r);
/* The end of a run: the "more not shown" lines, the duplicate report when
 * the run went through, the final progress call. Returns st, or
 * ICP_ENOMEM (err set) when the duplicate report is incomplete. */
enum icp_status icp_run_finish(struct icp_run_state *rs, enum icp_status st,
                               struct icp_err *err);

/* The parallel run behind icp_run when opts->threads > 1. */
enum icp_status icp_pool_run(const char *const *inputs, int ninputs,
                             struct icp_pack **packs, int npacks,
                             struct icp_schema *schema,
                             struct icp_run_state *rs, struct icp_err *err);

#endif
