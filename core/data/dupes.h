/*
 * dupes.h -- domains seen more than once in a run (DESIGN §4 edge cases).
 *
 * Every scored record's domain is added with its file and line; at the end
 * each domain seen more than once is reported once with all its lines
 * ("alpha.io: lines 2, 4, 5"). Memory is bounded whatever the input size:
 * entries are buffered up to a budget, then spilled to an anonymous
 * temporary file (tmpfile()) in buckets of a hash of the domain. At the
 * end the buckets are read back a few at a time and the domains seen
 * twice found in memory; only their occurrences are sorted (in runs
 * merged ICP_DUPES_MERGE_MAX at a time, so that few files are open) and
 * reported. A tracker holds one temporary file, and one per tracker it
 * absorbed.
 */
#ifndef ICP_DUPES_H
#define ICP_DUPES_H

#include <stddef.h>

#include "icp.h"
#include "base/buf.h"

#define ICP_DUPES_BUDGET (1u << 20)  /* bytes of entries kept in memory */
#define ICP_DUPES_MERGE_MAX 64       /* runs merged at once */
#define ICP_DUPES_AT_MAX 1000        /* occurrences handed to the report */
#define ICP_DUPES_DOMAIN_MAX 1023    /* longer domains are refused */

struct icp_dupes;

/* One occurrence: file is the pointer given to icp_dupes_add. */
struct icp_dupe_at {
  const char *file;
  long line;
};

/* A tracker with the default memory budget; NULL when out of memory. The
 * caller frees it with icp_dupes_free. */
struct icp_dupes *icp_dupes_new(void);
/* Same with a budget of about bytes for the in-memory entries (small
 * values force spilling; used by tests). */
struct icp_dupes *icp_dupes_new_budget(size_t bytes);

/* Merges runs fewer at a time, 2 to ICP_DUPES_MERGE_MAX (the default):
 * at most that many temporary files stay open. For trackers that work
 * side by side (one per worker), which share the open files. */
void icp_dupes_set_fanin(struct icp_dupes *d, size_t runs);

/* Records that domain (NUL-terminated, copied) was seen at file:line.
 * file is borrowed and must outlive the tracker; files are numbered in
 * order of first appearance. Occurrences must come in order: a file's
 * lines increasing, and a file's occurrences after those of the files
 * numbered before it (the report orders them by file number, then
 * line). ICP_EINVAL for a domain
 * longer than ICP_DUPES_DOMAIN_MAX, ICP_EIO when a temporary file cannot
 * be written, ICP_ENOMEM. An EIO or ENOMEM is kept: the report fails, so
 * a caller that cannot stop there may go on and read the report's -1. */
enum icp_status icp_dupes_add(struct icp_dupes *d, const char *domain,
                              const char *file, long line);

/* Numbers the files to come: file i is files[i] (borrowed, they must
 * outlive the tracker; the same name may come twice, as stdin read
 * twice). For trackers filled with icp_dupes_add_in; 0 or ICP_ENOMEM. */
enum icp_status icp_dupes_set_files(struct icp_dupes *d,
                                    const char *const *files, size_t n);

/* icp_dupes_add for file number fi of icp_dupes_set_files (ICP_EINVAL
 * when there is no such file). Several trackers numbering the same files
 * may each take part of the occurrences (each still in order), and one
 * then absorbs the others to report them all. */
enum icp_status icp_dupes_add_in(struct icp_dupes *d, const char *domain,
                                 unsigned fi, long line);

/* Moves every occurrence of from into d, which must number the same
 * files: from is left empty. ICP_EIO or ICP_ENOMEM when they cannot be
 * moved (kept in d: its report fails); from's own failure is kept too. */
enum icp_status icp_dupes_absorb(struct icp_dupes *d,
                                 struct icp_dupes *from);

/* Does most of a report's work ahead, in `threads` parts side by side
 * (by hash: each part finds the domains seen twice in its buckets and
 * sorts their occurrences into runs), so that the report merges little.
 * For a parallel run's end; ICP_EIO or ICP_ENOMEM are kept, as
 * icp_dupes_add keeps them. */
enum icp_status icp_dupes_prune(struct icp_dupes *d, int threads);

/* Calls fn once per domain seen more than once, sorted by domain (byte
 * order), with its occurrences in order of file number, then line. at holds n
 * entries, at most ICP_DUPES_AT_MAX (the first ones); icp_dupes_total
 * gives the full count from within fn. domain and at are valid only
 * during the call. Returns the number of duplicated domains, or -1 when a
 * temporary file cannot be read or memory runs out, here or in an earlier
 * icp_dupes_add (no domain is reported then). Call it once, at the
 * end: the tracker is empty afterwards. */
long icp_dupes_report(struct icp_dupes *d,
                      void (*fn)(void *ud, const char *domain,
                                 const struct icp_dupe_at *at, size_t n),
                      void *ud);

/* During a report callback: how many times the domain being reported was
 * seen (n, or more when n was capped). */
long icp_dupes_total(const struct icp_dupes *d);

/* Appends the standard message to b (no newline): "alpha.io: lines 2, 4,
 * 5" when all occurrences come from one file, else "alpha.io: a.csv:2,
 * b.csv:4"; "... and 7 more" when total > n. */
enum icp_status icp_dupes_format(struct icp_buf *b, const char *domain,
                                 const struct icp_dupe_at *at, size_t n,
                                 long total);

void icp_dupes_free(struct icp_dupes *d);

#endif
